package io.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * The model registry through MLflow's registry API. Thread-safe. Errors come back as {@link
 * CairnException}s with the server's codes (RESOURCE_DOES_NOT_EXIST for a missing model or version,
 * RESOURCE_ALREADY_EXISTS for a taken name).
 */
public final class ModelRegistryClient {
  private static final String P = "/api/2.0/mlflow";
  private final CairnClient client;

  public ModelRegistryClient(CairnClient client) {
    this.client = client;
  }

  /** A registered model as listed. */
  public record ModelInfo(
      String name, String description, long lastUpdated, List<String> aliases, JsonNode json) {}

  /** A model version as the registry returns it. */
  public record VersionInfo(
      String name,
      String version,
      String stage,
      String source,
      String runId,
      String status,
      String description,
      List<String> aliases,
      JsonNode json) {}

  public ModelInfo create(String name, String description) {
    ObjectNode body = client.mapper().createObjectNode().put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    return model(client.post(P + "/registered-models/create", body).path("registered_model"));
  }

  public ModelInfo get(String name) {
    return model(client.get(P + "/registered-models/get", "name", name).path("registered_model"));
  }

  /** Creates the model, or returns it when it already exists. */
  public ModelInfo getOrCreate(String name) {
    try {
      return create(name, null);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
        throw e;
      }
      return get(name);
    }
  }

  public List<ModelInfo> list(String filter) {
    List<ModelInfo> out = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          token == null
              ? client.get(
                  P + "/registered-models/search",
                  "filter",
                  filter == null ? "" : filter,
                  "max_results",
                  "1000")
              : client.get(
                  P + "/registered-models/search",
                  "filter",
                  filter == null ? "" : filter,
                  "max_results",
                  "1000",
                  "page_token",
                  token);
      page.path("registered_models").forEach(m -> out.add(model(m)));
      token = page.hasNonNull("next_page_token") ? page.get("next_page_token").asText() : null;
    } while (token != null);
    return out;
  }

  public ModelInfo rename(String name, String newName) {
    return model(
        client
            .post(
                P + "/registered-models/rename",
                client.mapper().createObjectNode().put("name", name).put("new_name", newName))
            .path("registered_model"));
  }

  public ModelInfo update(String name, String description) {
    return model(
        client
            .request(
                "PATCH",
                P + "/registered-models/update",
                client
                    .mapper()
                    .createObjectNode()
                    .put("name", name)
                    .put("description", description))
            .path("registered_model"));
  }

  public void delete(String name) {
    client.request(
        "DELETE",
        P + "/registered-models/delete",
        client.mapper().createObjectNode().put("name", name));
  }

  public VersionInfo createVersion(String name, String source, String runId, String description) {
    ObjectNode body = client.mapper().createObjectNode().put("name", name).put("source", source);
    if (runId != null) {
      body.put("run_id", runId);
    }
    if (description != null) {
      body.put("description", description);
    }
    return version(client.post(P + "/model-versions/create", body).path("model_version"));
  }

  public VersionInfo version(String name, String version) {
    return version(
        client
            .get(P + "/model-versions/get", "name", name, "version", version)
            .path("model_version"));
  }

  public VersionInfo byAlias(String name, String alias) {
    return version(
        client
            .get(P + "/registered-models/alias", "name", name, "alias", alias)
            .path("model_version"));
  }

  /** A version given as a number, or as {@code @alias}. */
  public VersionInfo resolve(String name, String versionOrAlias) {
    return versionOrAlias.startsWith("@")
        ? byAlias(name, versionOrAlias.substring(1))
        : version(name, versionOrAlias);
  }

  public List<VersionInfo> versions(String name) {
    List<VersionInfo> out = new ArrayList<>();
    String filter = "name = '" + name.replace("'", "\\\\'") + "'";
    client
        .get(P + "/model-versions/search", "filter", filter, "max_results", "10000")
        .path("model_versions")
        .forEach(v -> out.add(version(v)));
    return out;
  }

  public VersionInfo transition(String name, String version, String stage, boolean archiveOthers) {
    return version(
        client
            .post(
                P + "/model-versions/transition-stage",
                client
                    .mapper()
                    .createObjectNode()
                    .put("name", name)
                    .put("version", version)
                    .put("stage", stage)
                    .put("archive_existing_versions", archiveOthers))
            .path("model_version"));
  }

  public void setAlias(String name, String alias, String version) {
    client.post(
        P + "/registered-models/alias",
        client
            .mapper()
            .createObjectNode()
            .put("name", name)
            .put("alias", alias)
            .put("version", version));
  }

  public void deleteAlias(String name, String alias) {
    client.request(
        "DELETE",
        P + "/registered-models/alias",
        client.mapper().createObjectNode().put("name", name).put("alias", alias));
  }

  public void deleteVersion(String name, String version) {
    client.request(
        "DELETE",
        P + "/model-versions/delete",
        client.mapper().createObjectNode().put("name", name).put("version", version));
  }

  /** Where a version's files are ({@code mlflow-artifacts:/...} for files in Cairn's store). */
  public String downloadUri(String name, String version) {
    return client
        .get(P + "/model-versions/get-download-uri", "name", name, "version", version)
        .path("artifact_uri")
        .asText();
  }

  /** Cairn's view of a version: the MLflow fields, the ONNX inspection and the lineage. */
  public JsonNode details(String name, String versionOrAlias) {
    return client.get(
        "/api/cairn/v1/registered-models/" + encode(name) + "/versions/" + encode(versionOrAlias));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static ModelInfo model(JsonNode m) {
    List<String> aliases = new ArrayList<>();
    m.path("aliases")
        .forEach(a -> aliases.add(a.path("alias").asText() + "=v" + a.path("version").asText()));
    return new ModelInfo(
        m.path("name").asText(),
        m.path("description").asText(null),
        m.path("last_updated_timestamp").asLong(),
        aliases,
        m);
  }

  private static VersionInfo version(JsonNode v) {
    List<String> aliases = new ArrayList<>();
    ArrayNode a = v.path("aliases").isArray() ? (ArrayNode) v.path("aliases") : null;
    if (a != null) {
      a.forEach(x -> aliases.add(x.asText()));
    }
    return new VersionInfo(
        v.path("name").asText(),
        v.path("version").asText(),
        v.path("current_stage").asText(),
        v.path("source").asText(),
        v.path("run_id").asText(null),
        v.path("status").asText(),
        v.path("description").asText(null),
        aliases,
        v);
  }
}
