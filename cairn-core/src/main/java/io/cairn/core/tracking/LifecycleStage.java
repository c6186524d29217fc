package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import java.util.Locale;

/** Whether an experiment, run or logged model is live or in the trash. Wire form: lower case. */
public enum LifecycleStage {
  ACTIVE,
  DELETED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LifecycleStage fromWire(String text) {
    for (LifecycleStage stage : values()) {
      if (stage.wire().equalsIgnoreCase(text)) {
        return stage;
      }
    }
    throw CairnException.invalid(
        "Invalid lifecycle stage '%s': expected 'active' or 'deleted'", text);
  }
}
