package io.cairn.cli;

import io.cairn.core.error.ErrorCode;

/** Exit codes that say what went wrong, for scripts. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int INVALID = 4;
  static final int UNAVAILABLE = 5;

  private ExitCodes() {}

  static int of(ErrorCode code) {
    return switch (code) {
      case RESOURCE_DOES_NOT_EXIST, ENDPOINT_NOT_FOUND -> NOT_FOUND;
      case INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS, BAD_REQUEST, MALFORMED_REQUEST ->
          INVALID;
      case TEMPORARILY_UNAVAILABLE -> UNAVAILABLE;
      default -> FAILED;
    };
  }
}
