package io.cairn.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.server.Request;
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
  private static final long DRAIN_BYTES = 4L << 20;

  private ErrorHandling() {}

  public static void install(Javalin app) {
    app.exception(
        CairnException.class,
        (e, ctx) -> {
          if (e.code().httpStatus() >= 500 && timedOut(e)) {
            // a store's write failed because the client stopped sending, not because of the store
            answerTimeout(ctx);
            return;
          }
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
          if (timedOut(e)) {
            answerTimeout(ctx);
            return;
          }
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
   * Reads what is left of a refused request's body (up to {@link #DRAIN_BYTES}) before answering. A
   * server that answers and closes while the client is still sending makes the client's kernel
   * reset the connection, and the client then loses the answer too.
   */
  private static void drain(Context ctx) {
    try {
      var in = ctx.req().getInputStream();
      if (in.isFinished()) {
        return;
      }
      byte[] sink = new byte[8192];
      long left = DRAIN_BYTES;
      int n;
      while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
        left -= n;
      }
      if (left <= 0) {
        ctx.header("Connection", "close");
      }
    } catch (IOException | RuntimeException e) {
      // the body cannot be read (a timeout, a broken connection): answer what can be answered
      ctx.header("Connection", "close");
    }
  }

  private static void answerTimeout(Context ctx) {
    answer(
        ctx,
        408,
        ErrorCode.BAD_REQUEST,
        "The request body stopped arriving before it was complete; the connection timed out");
  }

  /**
   * A read that Jetty ended because the client stopped sending (its idle timeout) or sent too
   * slowly (its minimum data rate, a 408 of its own): the client's doing, the server is fine.
   */
  static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || (t instanceof BadMessageException b && b.getCode() == 408)) {
        return true;
      }
    }
    return false;
  }

  private static void abort(Context ctx, String why) {
    LOG.warn("{} {}: answer cut off after it started: {}", ctx.method(), ctx.path(), why);
    Request.getBaseRequest(ctx.req()).getHttpChannel().abort(new IOException(why));
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
    if (ctx.res().isCommitted()) {
      // Part of an answer is already on its way: end the connection so that the client sees a
      // broken response, never a short one it could take for whole.
      abort(ctx, message);
      return;
    }
    drain(ctx);
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(json(code, message));
  }

  /** MLflow's error body: the one writer of it, for Javalin, Jetty and the body filter. */
  static String json(ErrorCode code, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_code", code.name());
    body.put("message", message == null ? code.name() : message);
    return body.toString();
  }
}
