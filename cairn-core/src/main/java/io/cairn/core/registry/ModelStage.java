package io.cairn.core.registry;

import io.cairn.core.error.CairnException;
import java.util.List;

/** MLflow's (deprecated but still used) model version stages, with their wire names. */
public enum ModelStage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String wire;

  ModelStage(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static List<ModelStage> all() {
    return List.of(values());
  }

  /** Parses a stage name in any case, as MLflow does. */
  public static ModelStage parse(String text) {
    for (ModelStage stage : values()) {
      if (stage.wire.equalsIgnoreCase(text)) {
        return stage;
      }
    }
    throw CairnException.invalid(
        "Invalid Model Version stage: %s. Value must be one of None, Staging, Production, Archived.",
        text);
  }
}
