package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;

/** MLflow's run statuses. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED;

  /** Accepts the enum name, as MLflow clients send it, or its proto number. */
  public static RunStatus parse(String text) {
    for (RunStatus status : values()) {
      if (status.name().equalsIgnoreCase(text)
          || String.valueOf(status.ordinal() + 1).equals(text)) {
        return status;
      }
    }
    throw CairnException.invalid(
        "Invalid run status '%s': expected one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED",
        text);
  }
}
