package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.tracking.RunService;
import io.cairn.server.http.JsonApi;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.InputStream;

/**
 * The artifact proxy ({@code /api/2.0/mlflow-artifacts}): upload, download, list and delete files
 * in the artifact store, which clients reach through {@code mlflow-artifacts:/} URIs. Paths are
 * checked by {@link ArtifactPath}, the one place that does so.
 */
final class ArtifactEndpoints {
  private final ArtifactRepository repository;
  private final RunService runs;
  private final ObjectMapper mapper;

  ArtifactEndpoints(ArtifactRepository repository, RunService runs, ObjectMapper mapper) {
    this.repository = repository;
    this.runs = runs;
    this.mapper = mapper;
  }

  void register(Javalin app, JsonApi mlflowApi, String prefix) {
    app.get(
        prefix + "/artifacts", ctx -> json(ctx, list(ArtifactPath.parse(ctx.queryParam("path")))));
    app.get(prefix + "/artifacts/<path>", this::download);
    app.put(
        prefix + "/artifacts/<path>",
        ctx -> {
          repository.write(ArtifactPath.parse(ctx.pathParam("path")), ctx.bodyInputStream());
          json(ctx, Wire.F.objectNode());
        });
    app.delete(
        prefix + "/artifacts/<path>",
        ctx -> {
          ArtifactPath path = ArtifactPath.parse(ctx.pathParam("path"));
          if (!repository.delete(path)) {
            throw CairnException.notFound("No artifact at '%s'", path);
          }
          json(ctx, Wire.F.objectNode());
        });
    app.get(
        prefix + "/presigned/<path>",
        ctx -> {
          throw new CairnException(
              ErrorCode.NOT_IMPLEMENTED,
              "Presigned downloads are not supported for the current artifact repository");
        });
    mlflowApi.get(
        "/artifacts/list",
        (f, ctx) -> listUnder(runs.info(RunEndpoints.runId(f)).artifactUri(), f.string("path")));
  }

  private void download(Context ctx) {
    ArtifactPath path = ArtifactPath.parse(ctx.pathParam("path"));
    InputStream in = repository.open(path);
    ctx.header(
        "Content-Disposition", "attachment; filename=\"" + path.name().replace("\"", "") + "\"");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType("application/octet-stream");
    ctx.result(in);
  }

  private ObjectNode list(ArtifactPath directory) {
    ObjectNode o = Wire.F.objectNode();
    ArrayNode files = o.putArray("files");
    for (ArtifactEntry e : repository.list(directory)) {
      ObjectNode f = files.addObject().put("path", e.name()).put("is_dir", e.isDir());
      if (!e.isDir()) {
        f.put("file_size", e.fileSize());
      }
    }
    return o;
  }

  /**
   * Lists a directory under an artifact URI, with paths relative to that URI, as MLflow's
   * ListArtifacts answers. URIs outside the proxy list as empty.
   */
  ObjectNode listUnder(String artifactUri, String relative) {
    ArtifactPath sub = ArtifactPath.parse(relative);
    ObjectNode o = Wire.F.objectNode();
    o.put("root_uri", artifactUri);
    ArrayNode files = o.putArray("files");
    ArtifactPath root = ArtifactPath.fromStoreUri(artifactUri);
    if (root == null) {
      return o;
    }
    for (ArtifactEntry e : repository.list(root.resolve(sub))) {
      String path = sub.isRoot() ? e.name() : sub + "/" + e.name();
      ObjectNode f = files.addObject().put("path", path).put("is_dir", e.isDir());
      if (!e.isDir() && e.fileSize() > 0) {
        f.put("file_size", e.fileSize());
      }
    }
    return o;
  }

  private void json(Context ctx, ObjectNode body) throws Exception {
    ctx.contentType("application/json");
    ctx.result(mapper.writeValueAsBytes(body));
  }
}
