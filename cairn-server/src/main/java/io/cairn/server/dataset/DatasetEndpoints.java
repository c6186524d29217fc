package io.cairn.server.dataset;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.dataset.DatasetFile;
import io.cairn.core.dataset.DatasetInfo;
import io.cairn.core.dataset.DatasetRef;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.dataset.DatasetVersion;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.dataset.NewDatasetVersion;
import io.cairn.core.dataset.Pack;
import io.cairn.core.error.CairnException;
import io.cairn.core.tracking.Page;
import io.cairn.server.http.BodyLimits;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import io.cairn.server.mlflow.Workspace;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The Training Data Manager's API under {@code /api/cairn/v1/datasets} (see docs/datasets.md):
 * datasets, content-addressed blob upload, version commits, tags, downloads, diffs, deletion and
 * garbage collection; and {@code /api/cairn/v1/runs/{run_id}/dataset-versions} for lineage.
 */
public final class DatasetEndpoints {
  private final DatasetService datasets;

  public DatasetEndpoints(DatasetService datasets) {
    this.datasets = datasets;
  }

  public void register(Javalin app, JsonApi api, String prefix) {
    api.post(
        "/datasets",
        (f, ctx) -> one(datasets.create(Workspace.of(ctx), f.requiredString("name"), info(f))));
    api.get(
        "/datasets",
        (f, ctx) -> {
          Page<io.cairn.core.dataset.Dataset> page =
              datasets.list(
                  Workspace.of(ctx),
                  f.string("name_contains"),
                  f.intValue("max_results"),
                  f.string("page_token"));
          ObjectNode o = DatasetWire.F.objectNode();
          ArrayNode list = o.putArray("datasets");
          page.items().forEach(d -> list.add(DatasetWire.dataset(d)));
          if (page.nextPageToken() != null) {
            o.put("next_page_token", page.nextPageToken());
          }
          return o;
        });
    api.post(
        "/datasets/blobs/missing",
        (f, ctx) -> {
          ObjectNode o = DatasetWire.F.objectNode();
          ArrayNode missing = o.putArray("missing");
          datasets.missing(f.strings("sha256")).forEach(missing::add);
          return o;
        });
    app.put(prefix + "/datasets/blobs/{sha256}", this::receive);
    app.post(prefix + "/datasets/blobs/pack", this::receivePack);
    api.post(
        "/datasets/gc",
        (f, ctx) -> {
          Long grace = f.longValue("grace_seconds");
          DatasetService.GcResult r = datasets.gc((grace == null ? 3600 : grace) * 1000);
          return DatasetWire.F.objectNode()
              .put("freed_blobs", r.blobs())
              .put("freed_bytes", r.bytes());
        });
    api.get("/datasets/{name}", (f, ctx) -> one(datasets.get(Workspace.of(ctx), name(ctx))));
    api.patch(
        "/datasets/{name}",
        (f, ctx) -> one(datasets.update(Workspace.of(ctx), name(ctx), info(f))));
    api.delete(
        "/datasets/{name}",
        (f, ctx) ->
            DatasetWire.deleted(
                datasets.deleteDataset(Workspace.of(ctx), name(ctx), force(f, ctx))));
    // A version lists every file (path, size, sha256: 8 JSON tokens each) in one request.
    api.post(
        "/datasets/{name}/versions",
        BodyLimits.tokens(8 * Manifest.MAX_FILES + 10_000),
        this::commit);
    api.get(
        "/datasets/{name}/versions",
        (f, ctx) -> {
          Page<DatasetVersion> page =
              datasets.versions(
                  Workspace.of(ctx), name(ctx), f.intValue("max_results"), f.string("page_token"));
          ObjectNode o = DatasetWire.F.objectNode();
          o.set("versions", DatasetWire.versions(page.items()));
          if (page.nextPageToken() != null) {
            o.put("next_page_token", page.nextPageToken());
          }
          return o;
        });
    api.get(
        "/datasets/{name}/versions/{ref}",
        (f, ctx) -> DatasetWire.details(datasets.details(Workspace.of(ctx), ref(ctx))));
    app.get(prefix + "/datasets/{name}/versions/{ref}/files/<path>", this::download);
    app.post(prefix + "/datasets/{name}/versions/{ref}/pack", ctx -> downloadPack(api, ctx));
    api.delete(
        "/datasets/{name}/versions/{ref}",
        (f, ctx) ->
            DatasetWire.deleted(
                datasets.deleteVersion(Workspace.of(ctx), ref(ctx), force(f, ctx))));
    api.get(
        "/datasets/{name}/log",
        (f, ctx) -> {
          Integer max = f.intValue("max_results");
          List<DatasetVersion> chain =
              datasets.log(
                  Workspace.of(ctx),
                  new DatasetRef(name(ctx), latestAsNull(f.string("ref"))),
                  max == null ? 1000 : Math.max(1, max));
          ObjectNode o = DatasetWire.F.objectNode();
          o.set("versions", DatasetWire.versions(chain));
          return o;
        });
    api.put(
        "/datasets/{name}/tags/{tag}",
        (f, ctx) -> {
          DatasetVersion v =
              datasets.setTag(
                  Workspace.of(ctx), name(ctx), ctx.pathParam("tag"), f.requiredString("version"));
          ObjectNode o = DatasetWire.F.objectNode();
          o.set("version", DatasetWire.version(v));
          return o;
        });
    api.delete(
        "/datasets/{name}/tags/{tag}",
        (f, ctx) -> {
          datasets.deleteTag(Workspace.of(ctx), name(ctx), ctx.pathParam("tag"));
          return DatasetWire.F.objectNode();
        });
    api.get(
        "/datasets/{name}/diff",
        (f, ctx) ->
            DatasetWire.tree(
                datasets.diff(
                    Workspace.of(ctx),
                    new DatasetRef(name(ctx), latestAsNull(f.requiredString("from"))),
                    new DatasetRef(name(ctx), latestAsNull(f.requiredString("to"))))));
    api.get(
        "/runs/{run_id}/dataset-versions",
        (f, ctx) -> {
          ObjectNode o = DatasetWire.F.objectNode();
          o.set("dataset_versions", DatasetWire.tree(datasets.runInputs(ctx.pathParam("run_id"))));
          return o;
        });
  }

  private ObjectNode commit(Fields f, Context ctx) {
    List<DatasetFile> files = new ArrayList<>();
    for (Fields file : f.objects("files")) {
      files.add(
          new DatasetFile(
              file.requiredString("path"),
              file.requiredLong("size"),
              file.requiredString("sha256")));
    }
    NewDatasetVersion request =
        new NewDatasetVersion(
            files,
            f.string("message"),
            f.string("author"),
            f.longValue("parent"),
            f.strings("tags"),
            f.jsonObjectText("metadata"),
            f.bool("allow_unchanged"));
    DatasetService.PushResult r = datasets.commit(Workspace.of(ctx), name(ctx), request);
    ObjectNode o = DatasetWire.F.objectNode();
    o.set("version", DatasetWire.version(r.version()));
    o.put("created", r.created());
    return o;
  }

  private void receive(Context ctx) {
    String sha256 = ctx.pathParam("sha256");
    Manifest.checkSha256(sha256);
    String hint = ctx.queryParam("path");
    DatasetService.BlobReceipt r;
    try (InputStream body = ctx.bodyInputStream()) {
      r = datasets.receive(sha256, body, hint);
    } catch (java.io.IOException e) {
      throw CairnException.invalid("The upload of %s was cut short: %s", sha256, e.getMessage());
    }
    ctx.status(r.stored() ? 201 : 200);
    ctx.contentType("application/json");
    ctx.result(
        DatasetWire.F.objectNode()
            .put("sha256", r.sha256())
            .put("size", r.size())
            .put("stored", r.stored())
            .toString());
  }

  private void receivePack(Context ctx) {
    DatasetService.PackReceipt r;
    try (InputStream body = ctx.bodyInputStream()) {
      r = datasets.receivePack(body);
    } catch (java.io.IOException e) {
      throw CairnException.invalid("The pack upload was cut short: %s", e.getMessage());
    }
    ctx.contentType("application/json");
    ctx.result(
        DatasetWire.F.objectNode()
            .put("contents", r.contents())
            .put("bytes", r.bytes())
            .toString());
  }

  /**
   * Several files of a version in one answer, framed as pack uploads are: {@code <sha256> <size>
   * <URL-encoded path>\n} and the bytes, in the order asked. The body is {@code {"paths": [...]}}.
   */
  private void downloadPack(JsonApi api, Context ctx) throws java.io.IOException {
    List<String> paths = api.body(ctx).strings("paths");
    if (paths.size() > 100_000) {
      throw CairnException.invalid("Ask for at most 100000 files at a time.");
    }
    java.util.Map<String, DatasetFile> byPath = new java.util.HashMap<>();
    for (DatasetFile file : datasets.files(Workspace.of(ctx), ref(ctx))) {
      byPath.put(file.path(), file);
    }
    List<DatasetFile> wanted = new ArrayList<>();
    for (String path : paths) {
      DatasetFile file = byPath.get(path);
      if (file == null) {
        throw CairnException.notFound("Dataset %s has no file '%s'.", ref(ctx), path);
      }
      wanted.add(file);
    }
    java.util.Iterator<DatasetFile> next = wanted.iterator();
    java.util.Enumeration<InputStream> parts =
        new java.util.Enumeration<>() {
          private InputStream pendingBlob;

          @Override
          public boolean hasMoreElements() {
            return pendingBlob != null || next.hasNext();
          }

          @Override
          public InputStream nextElement() {
            if (pendingBlob != null) {
              InputStream blob = pendingBlob;
              pendingBlob = null;
              return blob;
            }
            DatasetFile file = next.next();
            pendingBlob = datasets.open(file.sha256());
            return new java.io.ByteArrayInputStream(
                Pack.header(file.sha256(), file.size(), file.path()));
          }
        };
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType("application/octet-stream");
    ctx.result(new java.io.SequenceInputStream(parts));
  }

  private void download(Context ctx) {
    String path = ctx.pathParam("path");
    DatasetFile file = datasets.file(Workspace.of(ctx), ref(ctx), path);
    String name = path.substring(path.lastIndexOf('/') + 1).replace("\"", "");
    ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Cairn-Sha256", file.sha256());
    ctx.header("ETag", "\"" + file.sha256() + "\"");
    ctx.contentType("application/octet-stream");
    ctx.result(datasets.open(file.sha256()));
  }

  private static ObjectNode one(io.cairn.core.dataset.Dataset d) {
    ObjectNode o = DatasetWire.F.objectNode();
    o.set("dataset", DatasetWire.dataset(d));
    return o;
  }

  private static DatasetInfo info(Fields f) {
    return new DatasetInfo(
        f.string("description"),
        f.string("license"),
        f.has("keywords") ? f.strings("keywords") : null,
        f.doubles("bbox"),
        f.string("start"),
        f.string("end"),
        f.jsonObjectText("metadata"));
  }

  private static String name(Context ctx) {
    return ctx.pathParam("name");
  }

  private static DatasetRef ref(Context ctx) {
    return new DatasetRef(name(ctx), latestAsNull(ctx.pathParam("ref")));
  }

  private static String latestAsNull(String version) {
    return version == null || version.equals("latest") ? null : version;
  }

  private static boolean force(Fields f, Context ctx) {
    String q = ctx.queryParam("force");
    return (q != null && q.equalsIgnoreCase("true")) || (f.has("force") && f.bool("force"));
  }
}
