package io.cairn.core.error;

/**
 * The error codes Cairn answers with. Names and HTTP statuses are MLflow's, so that MLflow clients
 * recognise them: {@code RESOURCE_ALREADY_EXISTS} is 400, not 409, and {@code INVALID_STATE} is
 * 500. This enum is the one place where a code is mapped to a status.
 */
public enum ErrorCode {
  INVALID_PARAMETER_VALUE(400),
  RESOURCE_ALREADY_EXISTS(400),
  BAD_REQUEST(400),
  MALFORMED_REQUEST(400),
  RESOURCE_DOES_NOT_EXIST(404),
  ENDPOINT_NOT_FOUND(404),
  UNAUTHENTICATED(401),
  PERMISSION_DENIED(403),
  RESOURCE_CONFLICT(409),
  ABORTED(409),
  REQUEST_LIMIT_EXCEEDED(429),
  NOT_IMPLEMENTED(501),
  TEMPORARILY_UNAVAILABLE(503),
  INVALID_STATE(500),
  INTERNAL_ERROR(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The code for a name received on the wire, or {@link #INTERNAL_ERROR} for one we do not know.
   */
  public static ErrorCode fromName(String name) {
    for (ErrorCode code : values()) {
      if (code.name().equals(name)) {
        return code;
      }
    }
    return INTERNAL_ERROR;
  }
}
