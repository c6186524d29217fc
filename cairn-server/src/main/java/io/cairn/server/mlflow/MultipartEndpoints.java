package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository.CompletedPart;
import io.cairn.core.artifact.MultipartArtifactRepository.MultipartUpload;
import io.cairn.core.artifact.MultipartArtifactRepository.PartTarget;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * MLflow's multipart artifact uploads ({@code mpu/create|complete|abort}). The file is {@code <path
 * in the URL>/<basename of the body's path>}, as MLflow's server computes it. Parts go where the
 * repository says: straight to the object store (presigned URLs), or through Cairn at {@code PUT
 * /api/2.0/mlflow-artifacts/mpu/part/<upload id>/<part number>?path=<file>}, which answers the
 * part's ETag in a header.
 */
final class MultipartEndpoints {
  static final String NOT_SUPPORTED =
      "Multipart upload is not supported for the current artifact repository";
  private final MultipartArtifactRepository multipart;
  private final Supplier<String> publicUrl;

  /**
   * {@code multipart} may be null: every call then answers NOT_IMPLEMENTED so clients fall back.
   * Part URLs start with {@code publicUrl} (configured, never taken from the request's Host).
   */
  MultipartEndpoints(MultipartArtifactRepository multipart, Supplier<String> publicUrl) {
    this.multipart = multipart;
    this.publicUrl = publicUrl;
  }

  void register(Javalin app, JsonApi api, String prefix) {
    api.post(
        "/mpu/create/<path>",
        (f, ctx) -> {
          MultipartUpload upload = repository().createMultipart(file(f, ctx), numParts(f));
          ObjectNode o = Wire.F.objectNode().put("upload_id", upload.uploadId());
          ArrayNode credentials = o.putArray("credentials");
          String proxy = publicUrl.get() + prefix + "/mpu/part/" + upload.uploadId();
          for (PartTarget part : upload.parts()) {
            ObjectNode c = credentials.addObject();
            c.put(
                "url",
                part.url() != null
                    ? part.url()
                    : proxy
                        + "/"
                        + part.partNumber()
                        + "?path="
                        + URLEncoder.encode(file(f, ctx).toString(), StandardCharsets.UTF_8));
            c.put("part_number", part.partNumber());
            ObjectNode headers = c.putObject("headers");
            part.headers().forEach(headers::put);
          }
          return o;
        });
    api.post(
        "/mpu/complete/<path>",
        (f, ctx) -> {
          List<CompletedPart> parts =
              f.objects("parts").stream()
                  .map(
                      p ->
                          new CompletedPart(
                              p.intValue("part_number") == null ? 0 : p.intValue("part_number"),
                              p.string("etag")))
                  .toList();
          repository().completeMultipart(file(f, ctx), f.requiredString("upload_id"), parts);
          return Wire.F.objectNode();
        });
    api.post(
        "/mpu/abort/<path>",
        (f, ctx) -> {
          repository().abortMultipart(file(f, ctx), f.requiredString("upload_id"));
          return Wire.F.objectNode();
        });
    app.put(prefix + "/mpu/part/{upload_id}/{part_number}", this::part);
  }

  private void part(Context ctx) {
    int number;
    try {
      number = Integer.parseInt(ctx.pathParam("part_number"));
    } catch (NumberFormatException e) {
      throw CairnException.invalid("Invalid part number '%s'", ctx.pathParam("part_number"));
    }
    String path = ctx.queryParam("path");
    if (path == null || path.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'path'");
    }
    String etag =
        repository()
            .writePart(
                ArtifactPath.parse(path),
                ctx.pathParam("upload_id"),
                number,
                ctx.bodyInputStream());
    ctx.header("ETag", etag);
    ctx.contentType("application/json");
    ctx.result("{}");
  }

  private MultipartArtifactRepository repository() {
    if (multipart == null) {
      throw new CairnException(ErrorCode.NOT_IMPLEMENTED, NOT_SUPPORTED);
    }
    return multipart;
  }

  private static ArtifactPath file(Fields f, Context ctx) {
    String name = f.requiredString("path");
    String base = name.substring(name.lastIndexOf('/') + 1);
    if (base.isEmpty()) {
      throw CairnException.invalid("Invalid value for parameter 'path': '%s' names no file", name);
    }
    return ArtifactPath.parse(ctx.pathParam("path")).resolve(ArtifactPath.parse(base));
  }

  private static int numParts(Fields f) {
    Integer n = f.intValue("num_parts");
    if (n == null) {
      throw CairnException.invalid("Missing value for required parameter 'num_parts'");
    }
    return n;
  }
}
