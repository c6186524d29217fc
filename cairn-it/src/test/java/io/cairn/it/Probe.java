package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One hostile request, as sent, and the rules every answer must keep: never a 5xx (except MLflow's
 * documented 501 for multipart and presigned transfers), and every error is MLflow's JSON with a
 * known code, the status of that code, and a sentence with no Java internals in it.
 */
record Probe(String method, String pathAndQuery, byte[] body, String contentType, boolean chunked) {

  /** MLflow's error codes (mlflow/protos/databricks.proto). */
  static final Set<String> MLFLOW_CODES =
      Set.of(
          "INTERNAL_ERROR",
          "TEMPORARILY_UNAVAILABLE",
          "IO_ERROR",
          "BAD_REQUEST",
          "SERVICE_UNDER_MAINTENANCE",
          "WORKSPACE_TEMPORARILY_UNAVAILABLE",
          "DEADLINE_EXCEEDED",
          "CANCELLED",
          "RESOURCE_EXHAUSTED",
          "ABORTED",
          "NOT_FOUND",
          "ALREADY_EXISTS",
          "UNAUTHENTICATED",
          "INVALID_PARAMETER_VALUE",
          "ENDPOINT_NOT_FOUND",
          "MALFORMED_REQUEST",
          "INVALID_STATE",
          "PERMISSION_DENIED",
          "FEATURE_DISABLED",
          "CUSTOMER_UNAUTHORIZED",
          "REQUEST_LIMIT_EXCEEDED",
          "RESOURCE_CONFLICT",
          "NOT_IMPLEMENTED",
          "DATA_LOSS",
          "RESOURCE_ALREADY_EXISTS",
          "RESOURCE_DOES_NOT_EXIST",
          "QUOTA_EXCEEDED",
          "RESOURCE_LIMIT_EXCEEDED");

  /** Signs of a stack trace or of a library's message leaking into an answer. */
  private static final Pattern LEAK =
      Pattern.compile(
          "\\bat (io|java|javax|jdk|org|com|sun)\\.[\\w.$]+|Exception:|Caused by|\\tat |"
              + "java\\.lang\\.|org\\.sqlite|org\\.postgresql|PSQLException|SQLITE_|SQLState|"
              + "com\\.fasterxml|io\\.javalin|org\\.eclipse\\.jetty|NullPointer|"
              + "ERROR: .* (violates|syntax)|\\[Source: ");

  HttpRequest toRequest(Http http) {
    HttpRequest.Builder b = http.request(pathAndQuery);
    if (contentType != null && !contentType.isEmpty()) {
      b.header("Content-Type", contentType);
    }
    if (body == null) {
      return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    HttpRequest.BodyPublisher publisher =
        chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body);
    return b.method(method, publisher).build();
  }

  Http.Answer send(Http http) {
    try {
      return http.trySend(toRequest(http));
    } catch (IOException e) {
      throw new AssertionError("no answer to " + this + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    String shown = body == null ? "" : Text.clip(new String(body, StandardCharsets.UTF_8));
    return method
        + " "
        + Text.clip(pathAndQuery)
        + (contentType == null || contentType.isEmpty() ? "" : " [" + contentType + "]")
        + (chunked ? " [chunked]" : "")
        + (shown.isEmpty() ? "" : " " + shown);
  }

  /** Checks the rules above; returns the error code, or null for a 2xx. */
  String assertWellBehaved(Http.Answer a, boolean notImplementedAllowed, boolean bytesAnswer) {
    String context = this + "\n  -> " + a.status() + " " + Text.clip(a.body());
    if (a.status() >= 500) {
      boolean documented501 =
          notImplementedAllowed && a.status() == 501 && a.body().contains("NOT_IMPLEMENTED");
      assertThat(documented501).as("server error for a client's request: " + context).isTrue();
    }
    if (a.status() < 400) {
      if (!bytesAnswer) {
        assertThat(a.json().isObject()).as("2xx body must be a JSON object: " + context).isTrue();
      }
      return null;
    }
    assertThat(a.contentType()).as("error content type: " + context).contains("application/json");
    JsonNode error = a.json();
    String code = error.path("error_code").asText("");
    String message = error.path("message").asText("");
    assertThat(MLFLOW_CODES).as("error_code must be MLflow's: " + context).contains(code);
    assertThat(message.isBlank()).as("error message must say something: " + context).isFalse();
    assertThat(LEAK.matcher(message).find())
        .as("error message leaks internals: " + context)
        .isFalse();
    int expected = ErrorCode.fromName(code).httpStatus();
    boolean methodNotAllowed = a.status() == 405 && code.equals("ENDPOINT_NOT_FOUND");
    assertThat(methodNotAllowed || expected == a.status())
        .as("status must be the one MLflow gives " + code + " (" + expected + "): " + context)
        .isTrue();
    return code;
  }
}
