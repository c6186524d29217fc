package io.cairn.server.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers the requests Jetty refuses before Cairn sees them (malformed URLs or headers, an
 * unreadable Content-Length, a URL or header over the size limit) with MLflow's error JSON instead
 * of Jetty's HTML page, so clients get a 4xx they can read.
 */
public final class JettyErrors extends ErrorHandler {
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message).getBytes(StandardCharsets.UTF_8));
  }

  private static String body(int status, String reason) {
    return ErrorHandling.json(
        ErrorHandling.codeForStatus(status),
        "The HTTP request was refused ("
            + status
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + ")");
  }
}
