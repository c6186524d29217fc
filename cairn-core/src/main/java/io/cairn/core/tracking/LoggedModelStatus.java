package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;

/** MLflow's logged-model statuses; the proto numbers are the ordinals. */
public enum LoggedModelStatus {
  LOGGED_MODEL_STATUS_UNSPECIFIED,
  LOGGED_MODEL_PENDING,
  LOGGED_MODEL_READY,
  LOGGED_MODEL_UPLOAD_FAILED;

  public static LoggedModelStatus parse(String text) {
    for (LoggedModelStatus status : values()) {
      if (status.name().equalsIgnoreCase(text) || String.valueOf(status.ordinal()).equals(text)) {
        return status;
      }
    }
    throw CairnException.invalid(
        "Invalid logged model status '%s': expected LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or"
            + " LOGGED_MODEL_UPLOAD_FAILED",
        text);
  }
}
