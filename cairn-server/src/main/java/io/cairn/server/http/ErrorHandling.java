package io.cairn.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into MLflow's error shape, {@code {"error_code", "message"}}, with the status
 * that {@link ErrorCode} gives. Client mistakes are 4xx; only our own faults are 5xx, logged with
 * their stack trace on the server and never sent to the client.
 */
public final class ErrorHandling {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);
  private static final String ANSWERED = "cairn.error-answered";

  private ErrorHandling() {}

  public static void install(Javalin app) {
    app.exception(
        CairnException.class,
        (e, ctx) -> {
          if (e.code().httpStatus() >= 500 && e.code() != ErrorCode.NOT_IMPLEMENTED) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
          }
          answer(ctx, e.code().httpStatus(), e.code(), e.getMessage());
        });
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          answer(ctx, e.getStatus(), codeForStatus(e.getStatus()), e.getMessage());
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
          answer(
              ctx,
              500,
              ErrorCode.INTERNAL_ERROR,
              "Internal error while handling the request; the server log has details");
        });
    app.error(
        404,
        ctx -> {
          if (ctx.attribute(ANSWERED) == null) {
            answer(
                ctx,
                404,
                ErrorCode.ENDPOINT_NOT_FOUND,
                "No endpoint " + ctx.method() + " " + ctx.path() + " on this server");
          }
        });
    app.error(
        405,
        ctx -> {
          if (ctx.attribute(ANSWERED) == null) {
            answer(
                ctx,
                405,
                ErrorCode.ENDPOINT_NOT_FOUND,
                "Method " + ctx.method() + " is not allowed on " + ctx.path());
          }
        });
  }

  /**
   * The MLflow code for an HTTP status that the web server, not Cairn's rules, chose: a missing
   * route is ENDPOINT_NOT_FOUND, any other client error BAD_REQUEST.
   */
  static ErrorCode codeForStatus(int status) {
    if (status == 404) {
      return ErrorCode.ENDPOINT_NOT_FOUND;
    }
    return status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_ERROR;
  }

  private static void answer(Context ctx, int status, ErrorCode code, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_code", code.name());
    body.put("message", message == null ? code.name() : message);
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(body.toString());
  }
}
