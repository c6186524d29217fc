package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import java.util.EnumSet;
import java.util.Set;

/** Which lifecycle stages a search returns. */
public enum ViewType {
  ACTIVE_ONLY(EnumSet.of(LifecycleStage.ACTIVE)),
  DELETED_ONLY(EnumSet.of(LifecycleStage.DELETED)),
  ALL(EnumSet.allOf(LifecycleStage.class));

  private final Set<LifecycleStage> stages;

  ViewType(Set<LifecycleStage> stages) {
    this.stages = stages;
  }

  public Set<LifecycleStage> stages() {
    return stages;
  }

  /** Parses a name or proto number (1, 2, 3); null or empty means ACTIVE_ONLY. */
  public static ViewType parse(String text) {
    if (text == null || text.isEmpty()) {
      return ACTIVE_ONLY;
    }
    for (ViewType type : values()) {
      if (type.name().equalsIgnoreCase(text) || String.valueOf(type.ordinal() + 1).equals(text)) {
        return type;
      }
    }
    throw CairnException.invalid(
        "Invalid view type '%s': expected ACTIVE_ONLY, DELETED_ONLY or ALL", text);
  }
}
