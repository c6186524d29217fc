package io.cairn.core.registry;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.search.PageToken;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.RunInfo;
import io.cairn.core.tracking.RunService;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.Validation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The model registry's rules, with MLflow's semantics, in front of a {@link RegistryStore}: names,
 * aliases, stages, and the resolution of a version's source to the place its files are. ONNX files
 * are inspected when a version is created; a broken one means no version. Thread-safe.
 */
public final class RegistryService {
  public static final int SEARCH_MODELS_DEFAULT = 100;
  public static final int SEARCH_MODELS_LIMIT = 1000;
  public static final int SEARCH_VERSIONS_DEFAULT = 10000;
  public static final int SEARCH_VERSIONS_LIMIT = 200000;
  public static final int MAX_TAG_VALUE_LENGTH = 100000;
  private static final Pattern ALIAS = Pattern.compile("^[\\w\\-]{1,255}$");
  private static final Pattern RESERVED_ALIAS =
      Pattern.compile("^(latest|v\\d+)$", Pattern.CASE_INSENSITIVE);

  private final RegistryStore store;
  private final RunService runs;
  private final LoggedModelService loggedModels;
  private final ModelFiles files;
  private final Clock clock;

  public RegistryService(
      RegistryStore store,
      RunService runs,
      LoggedModelService loggedModels,
      ModelFiles files,
      Clock clock) {
    this.store = store;
    this.runs = runs;
    this.loggedModels = loggedModels;
    this.files = files;
    this.clock = clock;
  }

  public RegisteredModel create(
      String workspace, String name, String description, String userId, List<Tag> tags) {
    checkName(name);
    checkTags(tags);
    store.createRegisteredModel(workspace, name, description, userId, tags, clock.millis());
    return get(workspace, name);
  }

  public RegisteredModel get(String workspace, String name) {
    checkName(name);
    return store.getRegisteredModel(workspace, name).orElseThrow(() -> modelNotFound(name));
  }

  public RegisteredModel rename(String workspace, String name, String newName) {
    get(workspace, name);
    checkName(newName);
    store.renameRegisteredModel(workspace, name, newName, clock.millis());
    return get(workspace, newName);
  }

  public RegisteredModel update(String workspace, String name, String description) {
    get(workspace, name);
    store.updateRegisteredModel(workspace, name, description, clock.millis());
    return get(workspace, name);
  }

  public void delete(String workspace, String name) {
    get(workspace, name);
    store.deleteRegisteredModel(workspace, name);
  }

  public Page<RegisteredModel> search(
      String workspace, String filter, List<String> orderBy, Integer maxResults, String token) {
    int limit = Validation.maxResults(maxResults, SEARCH_MODELS_DEFAULT, SEARCH_MODELS_LIMIT);
    Filter parsed = SearchParser.parseFilter(filter, SearchSchema.REGISTERED_MODELS);
    List<OrderBy> order = SearchParser.parseOrderBy(orderBy, SearchSchema.REGISTERED_MODELS);
    long offset = PageToken.decode(token);
    return Page.cut(
        store.searchRegisteredModels(workspace, parsed, order, limit + 1, offset), limit, offset);
  }

  public void setTag(String workspace, String name, Tag tag) {
    checkTag(tag);
    get(workspace, name);
    store.setRegisteredModelTag(workspace, name, tag, clock.millis());
  }

  /** Deletes a tag; deleting one that is not there does nothing, as in MLflow. */
  public void deleteTag(String workspace, String name, String key) {
    get(workspace, name);
    store.deleteRegisteredModelTag(workspace, name, key);
  }

  public void setAlias(String workspace, String name, String alias, String version) {
    checkAlias(alias);
    ModelVersion v = getVersion(workspace, name, version);
    store.setAlias(workspace, name, alias, v.version(), clock.millis());
  }

  /** Deletes an alias; deleting one that is not there does nothing, as in MLflow. */
  public void deleteAlias(String workspace, String name, String alias) {
    get(workspace, name);
    store.deleteAlias(workspace, name, alias);
  }

  /** The version an alias points at; the reserved alias {@code latest} is the newest version. */
  public ModelVersion getByAlias(String workspace, String name, String alias) {
    RegisteredModel model = get(workspace, name);
    if ("latest".equalsIgnoreCase(alias)) {
      return model.latestVersions().stream()
          .max(java.util.Comparator.comparingLong(ModelVersion::version))
          .map(v -> getVersion(workspace, name, Long.toString(v.version())))
          .orElseThrow(
              () -> CairnException.notFound("Registered model '%s' has no versions", name));
    }
    return store
        .getModelVersionByAlias(workspace, name, alias)
        .orElseThrow(() -> CairnException.notFound("Registered model alias %s not found.", alias));
  }

  /**
   * Creates a version from a source: {@code runs:/<run>/<path>}, {@code models:/<model_id>} (an
   * MLflow 3 logged model), {@code models:/<name>/<version>}, or an artifact URI. A local source (a
   * {@code file:} URI or a plain path) is refused unless it lies in the local artifact folder of
   * the given run (or logged model); no source may hold a {@code .} or {@code ..} part
   * (INVALID_PARAMETER_VALUE). As in MLflow, the run need not be on this server (a model registered
   * from another server, or whose run was purged), except for a local or artifact-store source,
   * which must lie in its artifacts. A version made from a logged model is added to that model's
   * {@code mlflow.modelVersions} tag.
   */
  public ModelVersion createVersion(
      String workspace,
      String name,
      String source,
      String runId,
      String runLink,
      String modelId,
      String description,
      String userId,
      List<Tag> tags) {
    get(workspace, name);
    if (source == null || source.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'source'");
    }
    Validation.maxLength("source", source, 65535);
    checkTags(tags);
    checkSource(source, emptyToNull(runId), emptyToNull(modelId));
    Resolved from = resolve(workspace, source, emptyToNull(runId), emptyToNull(modelId));
    if (from.runId() != null) {
      Validation.runId(from.runId()); // need not exist, but must look like a run id (it is indexed)
    }
    List<ModelVersion.OnnxFile> onnx;
    try {
      onnx = files.inspect(from.location());
    } catch (CairnException e) {
      throw new CairnException(
          e.code(),
          "Cannot register a version of '" + name + "' from " + source + ": " + e.getMessage());
    }
    long version =
        store.createModelVersion(
            workspace,
            new NewModelVersion(
                name,
                source,
                from.location(),
                from.runId(),
                emptyToNull(runLink),
                from.modelId(),
                description,
                userId,
                tags,
                onnx),
            clock.millis());
    if (from.modelId() != null) {
      loggedModels.recordModelVersion(from.modelId(), name, version);
    }
    return getVersion(workspace, name, Long.toString(version));
  }

  /** Where a version's files are, and the run and logged model it comes from. */
  private record Resolved(String location, String runId, String modelId) {}

  /**
   * Resolves a source to its files, taking the run and logged model it names unless the request
   * gave them: a {@code models:/<name>/<version>} source those of that version, as MLflow does.
   */
  private Resolved resolve(String workspace, String source, String run, String model) {
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String sourceRun = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : "/" + rest.substring(slash + 1);
      // A run this server does not hold keeps its source, as MLflow keeps every runs:/ source.
      String location = runs.findInfo(sourceRun).map(i -> i.artifactUri() + path).orElse(source);
      return new Resolved(location, run == null ? sourceRun : run, model);
    }
    if (source.startsWith("models:/m-")) {
      LoggedModel logged = loggedModels.get(source.substring("models:/".length()), false);
      return new Resolved(
          logged.artifactUri(), run == null ? logged.sourceRunId() : run, logged.modelId());
    }
    if (source.startsWith("models:/")) {
      String[] parts = source.substring("models:/".length()).split("/", 2);
      if (parts.length != 2) {
        throw CairnException.invalid(
            "Invalid model source '%s': expected models:/<name>/<version>", source);
      }
      ModelVersion from = getVersion(workspace, parts[0], parts[1]);
      return new Resolved(
          from.storageLocation(),
          run == null ? from.runId() : run,
          model == null ? from.modelId() : model);
    }
    return new Resolved(source, run, model);
  }

  /**
   * MLflow's source rules ({@link ModelSource}): a local source must lie in the local artifact
   * folder of the logged model the request names, else of its run; no source may climb out of its
   * path with {@code ..}.
   */
  private void checkSource(String source, String runId, String modelId) {
    if (!ModelSource.isLocal(source)) {
      ModelSource.checkRemote(source);
      if (runId != null && modelId == null && ModelSource.isArtifactStore(source)) {
        runArtifacts(source, runId);
      }
    } else if (modelId != null) {
      ModelSource.checkLocal(
          source, "logged model " + modelId, loggedModels.get(modelId, false).artifactUri());
    } else if (runId != null) {
      ModelSource.checkLocal(source, "run " + runId, runArtifacts(source, runId));
    } else {
      ModelSource.checkLocal(source, null, null);
    }
  }

  /**
   * The artifact location of the run a local or artifact-store source must lie in; a run this
   * server does not hold cannot vouch for one (INVALID_PARAMETER_VALUE, as MLflow).
   */
  private String runArtifacts(String source, String runId) {
    return runs.findInfo(runId)
        .map(RunInfo::artifactUri)
        .orElseThrow(() -> ModelSource.unknownRun(source, runId));
  }

  public ModelVersion getVersion(String workspace, String name, String version) {
    long number = versionNumber(version);
    get(workspace, name);
    return store
        .getModelVersion(workspace, name, number)
        .orElseThrow(
            () ->
                CairnException.notFound(
                    "Model Version (name=%s, version=%s) not found", name, version));
  }

  public ModelVersion updateVersion(
      String workspace, String name, String version, String description) {
    ModelVersion v = getVersion(workspace, name, version);
    store.updateModelVersion(workspace, name, v.version(), description, clock.millis());
    return getVersion(workspace, name, version);
  }

  public ModelVersion transition(
      String workspace, String name, String version, String stage, boolean archiveExisting) {
    if (stage == null || stage.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'stage'");
    }
    ModelStage target = ModelStage.parse(stage);
    ModelVersion v = getVersion(workspace, name, version);
    store.transitionStage(workspace, name, v.version(), target, archiveExisting, clock.millis());
    return getVersion(workspace, name, version);
  }

  public void deleteVersion(String workspace, String name, String version) {
    ModelVersion v = getVersion(workspace, name, version);
    store.deleteModelVersion(workspace, name, v.version(), clock.millis());
  }

  public Page<ModelVersion> searchVersions(
      String workspace, String filter, List<String> orderBy, Integer maxResults, String token) {
    int limit = Validation.maxResults(maxResults, SEARCH_VERSIONS_DEFAULT, SEARCH_VERSIONS_LIMIT);
    Filter parsed = SearchParser.parseFilter(filter, SearchSchema.MODEL_VERSIONS);
    List<OrderBy> order = SearchParser.parseOrderBy(orderBy, SearchSchema.MODEL_VERSIONS);
    long offset = PageToken.decode(token);
    return Page.cut(
        store.searchModelVersions(workspace, parsed, order, limit + 1, offset), limit, offset);
  }

  public List<ModelVersion> latestVersions(String workspace, String name, List<String> stages) {
    get(workspace, name);
    List<ModelStage> parsed = new ArrayList<>();
    for (String s : stages) {
      parsed.add(ModelStage.parse(s));
    }
    return store.latestVersions(workspace, name, parsed.isEmpty() ? ModelStage.all() : parsed);
  }

  public void setVersionTag(String workspace, String name, String version, Tag tag) {
    checkTag(tag);
    ModelVersion v = getVersion(workspace, name, version);
    store.setModelVersionTag(workspace, name, v.version(), tag, clock.millis());
  }

  /** Deletes a version's tag; deleting one that is not there does nothing, as in MLflow. */
  public void deleteVersionTag(String workspace, String name, String version, String key) {
    ModelVersion v = getVersion(workspace, name, version);
    store.deleteModelVersionTag(workspace, name, v.version(), key);
  }

  static long versionNumber(String version) {
    if (version == null || version.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'version'");
    }
    try {
      long n = Long.parseLong(version.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw CairnException.invalid(
          "Model version must be a positive integer, got '%s'",
          version.length() > 40 ? version.substring(0, 40) + "..." : version);
    }
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid(
          "Registered model name cannot be empty. Missing value for required parameter 'name'");
    }
    if (name.contains("/") || name.contains(":")) {
      throw CairnException.invalid(
          "Invalid registered model name '%s': names cannot contain '/' or ':'", name);
    }
    Validation.maxLength("Registered model name", name, 256);
  }

  private static void checkAlias(String alias) {
    if (alias == null || !ALIAS.matcher(alias).matches()) {
      throw CairnException.invalid(
          "Invalid alias name: '%s'. Aliases may only contain alphanumerics, underscores and"
              + " dashes, up to 255 characters.",
          alias);
    }
    if (RESERVED_ALIAS.matcher(alias).matches()) {
      throw CairnException.invalid(
          "Invalid alias name: '%s'. Aliases cannot be 'latest' or of the form v<number>.", alias);
    }
  }

  private static void checkTags(List<Tag> tags) {
    tags.forEach(RegistryService::checkTag);
  }

  private static void checkTag(Tag tag) {
    Validation.key("tag", tag.key());
    Validation.tagValue(tag.key(), tag.value(), MAX_TAG_VALUE_LENGTH);
  }

  private static CairnException modelNotFound(String name) {
    return CairnException.notFound("Registered Model with name=%s not found", name);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
