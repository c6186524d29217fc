package io.cairn.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Registers JSON endpoints under one or more path prefixes (MLflow serves each route under both
 * {@code /api/2.0/mlflow} and {@code /ajax-api/2.0/mlflow}) and reads their fields: query
 * parameters for GET, the JSON body otherwise.
 */
public final class JsonApi {
  /** One endpoint: the request's fields in, the response's JSON out. */
  @FunctionalInterface
  public interface Endpoint {
    JsonNode handle(Fields fields, Context ctx);
  }

  private final Javalin app;
  private final ObjectMapper mapper;
  private final List<String> prefixes;
  private final long maxBodyBytes;

  public JsonApi(Javalin app, ObjectMapper mapper, List<String> prefixes, long maxBodyBytes) {
    this.app = app;
    this.mapper = mapper;
    this.prefixes = List.copyOf(prefixes);
    this.maxBodyBytes = maxBodyBytes;
  }

  public void get(String path, Endpoint endpoint) {
    add(HandlerType.GET, path, endpoint);
  }

  public void post(String path, Endpoint endpoint) {
    add(HandlerType.POST, path, endpoint);
  }

  public void patch(String path, Endpoint endpoint) {
    add(HandlerType.PATCH, path, endpoint);
  }

  public void put(String path, Endpoint endpoint) {
    add(HandlerType.PUT, path, endpoint);
  }

  public void delete(String path, Endpoint endpoint) {
    add(HandlerType.DELETE, path, endpoint);
  }

  private void add(HandlerType method, String path, Endpoint endpoint) {
    for (String prefix : prefixes) {
      app.addHttpHandler(
          method,
          prefix + path,
          ctx -> {
            Fields fields =
                method == HandlerType.GET ? Fields.ofQuery(ctx.queryParamMap()) : body(ctx);
            JsonNode answer = endpoint.handle(fields, ctx);
            ctx.contentType("application/json");
            // Written as it is serialized: a large answer (a 25,000-point history page) reaches
            // the client while the rest is still being written. The answer is complete before
            // this starts, so a failure here can only be the connection's.
            try (OutputStream out = ctx.outputStream()) {
              mapper.writeValue(out, answer);
            }
          });
    }
  }

  /**
   * The request's JSON body as fields, under the same size limit and with the same errors as the
   * JSON endpoints: for handlers that answer with something other than JSON.
   */
  public Fields body(Context ctx) throws IOException {
    long length = ctx.contentLength();
    if (length > maxBodyBytes) {
      throw tooLarge(length);
    }
    byte[] bytes;
    try (InputStream in = ctx.bodyInputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
    }
    if (bytes.length > maxBodyBytes) {
      throw tooLarge(bytes.length);
    }
    if (isBlank(bytes)) {
      return ctx.queryParamMap().isEmpty()
          ? Fields.ofJson(null)
          : Fields.ofQuery(ctx.queryParamMap());
    }
    try {
      return Fields.ofJson(mapper.readTree(bytes));
    } catch (JsonProcessingException e) {
      throw new CairnException(
          ErrorCode.MALFORMED_REQUEST,
          "Malformed JSON in the request body: "
              + e.getOriginalMessage().replaceFirst(" \\(start marker at \\[Source: .*$", ""));
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private CairnException tooLarge(long size) {
    return new CairnException(
        ErrorCode.INVALID_PARAMETER_VALUE,
        String.format(
            "The request body is %d bytes: the limit is %d bytes (--max-request-bytes)",
            size, maxBodyBytes));
  }
}
