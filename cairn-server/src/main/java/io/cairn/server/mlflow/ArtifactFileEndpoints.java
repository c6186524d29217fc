package io.cairn.server.mlflow;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.RunService;
import io.cairn.server.http.Fields;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * The file routes MLflow's UI uses outside the JSON API: {@code /get-artifact} (a run's file),
 * {@code /model-versions/get-artifact}, a logged model's {@code artifacts/files}, and {@code
 * upload-artifact} (a small file into a run, the body being its bytes). Files are read from and
 * written to the artifact store the runs' {@code mlflow-artifacts:} locations name.
 */
final class ArtifactFileEndpoints {
  /** MLflow's upload-artifact limit. */
  static final long MAX_UPLOAD_BYTES = 10L * 1024 * 1024;

  static final String UPLOAD = "/ajax-api/2.0/mlflow/upload-artifact";

  private final ArtifactRepository repository;
  private final RunService runs;
  private final LoggedModelService models;
  private final RegistryService registry;

  ArtifactFileEndpoints(
      ArtifactRepository repository,
      RunService runs,
      LoggedModelService models,
      RegistryService registry) {
    this.repository = repository;
    this.runs = runs;
    this.models = models;
    this.registry = registry;
  }

  void register(Javalin app) {
    app.get(
        "/get-artifact",
        ctx -> {
          Fields f = query(ctx);
          String path = required(f, "path");
          send(ctx, runs.info(RunEndpoints.runId(f)).artifactUri(), path);
        });
    app.get(
        "/model-versions/get-artifact",
        ctx -> {
          Fields f = query(ctx);
          String path = required(f, "path");
          String uri =
              registry
                  .getVersion(Workspace.of(ctx), f.string("name"), f.string("version"))
                  .storageLocation();
          send(ctx, uri, path);
        });
    app.get(
        "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
        ctx -> {
          Fields f = query(ctx);
          String path = f.string("artifact_file_path");
          if (path == null || path.isEmpty()) {
            throw new CairnException(
                ErrorCode.BAD_REQUEST,
                "Request must include the \"artifact_file_path\" query parameter.");
          }
          send(ctx, models.get(ctx.pathParam("model_id"), false).artifactUri(), path);
        });
    app.post(UPLOAD, this::upload);
  }

  private void upload(Context ctx) throws IOException {
    Fields f = query(ctx);
    String runId = f.string("run_uuid");
    if (runId == null || runId.isEmpty()) {
      throw CairnException.invalid("Request must specify run_uuid.");
    }
    String relative = f.string("path");
    if (relative == null || relative.isEmpty()) {
      throw CairnException.invalid("Request must specify path.");
    }
    ArtifactPath path = ArtifactPath.parse(relative);
    if (path.isRoot()) {
      throw CairnException.invalid("Invalid path '%s': it names no file", relative);
    }
    if (ctx.req().getContentLengthLong() > MAX_UPLOAD_BYTES) {
      throw tooLarge();
    }
    PushbackInputStream body = new PushbackInputStream(ctx.bodyInputStream(), 1);
    int first = body.read();
    if (first < 0) {
      throw CairnException.invalid("Request must specify data.");
    }
    body.unread(first);
    ArtifactPath target = root(runs.info(runId).artifactUri()).resolve(path);
    repository.write(target, new Capped(body));
    // MLflow answers an empty application/json body; "{}" is the same to its clients, and JSON.
    ctx.contentType("application/json");
    ctx.result("{}");
  }

  private void send(Context ctx, String artifactUri, String relative) {
    ArtifactPath path = ArtifactPath.parse(relative);
    ArtifactFileAnswer.send(ctx, repository, root(artifactUri).resolve(path), relative);
  }

  /** The store folder an {@code mlflow-artifacts:} location names. */
  private static ArtifactPath root(String artifactUri) {
    ArtifactPath root = ArtifactPath.fromStoreUri(artifactUri);
    if (root == null) {
      throw CairnException.invalid(
          "The artifacts at '%s' are not in this server's artifact store; expected an"
              + " mlflow-artifacts: location",
          artifactUri);
    }
    return root;
  }

  private static String required(Fields f, String name) {
    String value = f.string(name);
    if (value == null) {
      throw CairnException.invalid("Missing value for parameter '%s'", name);
    }
    return value;
  }

  private static Fields query(Context ctx) {
    return Fields.ofQuery(ctx.queryParamMap());
  }

  private static CairnException tooLarge() {
    return CairnException.invalid("Artifact size is too large. Max size is 10MB.");
  }

  /** The body, refused once it passes {@link #MAX_UPLOAD_BYTES} (a chunked body has no length). */
  private static final class Capped extends InputStream {
    private final InputStream in;
    private long read;

    Capped(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > MAX_UPLOAD_BYTES) {
        throw tooLarge();
      }
    }
  }
}
