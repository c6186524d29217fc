package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.search.PageToken;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import java.time.Clock;
import java.util.List;

/** The rules for MLflow 3 logged models, in front of a {@link LoggedModelStore}. Thread-safe. */
public final class LoggedModelService {
  public static final int SEARCH_DEFAULT = 50;
  public static final int SEARCH_LIMIT = 50000;
  public static final int MAX_PARAMS_PER_CALL = 100;
  private static final String FORBIDDEN_NAME_CHARS = "/:.%\"'";

  private final LoggedModelStore store;
  private final ExperimentService experiments;
  private final Ids ids;
  private final RunNames names;
  private final Clock clock;

  public LoggedModelService(
      LoggedModelStore store, ExperimentService experiments, Ids ids, RunNames names, Clock clock) {
    this.store = store;
    this.experiments = experiments;
    this.ids = ids;
    this.names = names;
    this.clock = clock;
  }

  public LoggedModel create(
      String experimentId,
      String name,
      String modelType,
      String sourceRunId,
      List<Param> params,
      List<Tag> tags) {
    Experiment experiment = experiments.getActive(experimentId);
    // MLflow's server reads an empty name as none ("name or None") and generates one.
    String modelName = name == null || name.isEmpty() ? names.next() : name;
    if (modelName.isEmpty()
        || modelName.chars().anyMatch(c -> FORBIDDEN_NAME_CHARS.indexOf(c) >= 0)) {
      throw CairnException.invalid(
          "Invalid model name ('%s') provided. Model name must be a non-empty string and cannot"
              + " contain the following characters: ('/', ':', '.', '%%', '\"', \"'\")",
          modelName);
    }
    checkParams(params);
    for (Tag tag : tags) {
      Validation.key("tag", tag.key());
      Validation.tagValue(tag.key(), tag.value(), Validation.MAX_TAG_VALUE_LENGTH);
    }
    String modelId = ids.newModelId();
    long now = clock.millis();
    store.createLoggedModel(
        new LoggedModel(
            modelId,
            experiment.experimentId(),
            modelName,
            ArtifactLocations.loggedModel(experiment.artifactLocation(), modelId),
            now,
            now,
            LoggedModelStatus.LOGGED_MODEL_PENDING,
            null,
            emptyToNull(modelType),
            emptyToNull(sourceRunId),
            LifecycleStage.ACTIVE,
            tags,
            params,
            List.of()));
    return get(modelId, false);
  }

  public LoggedModel get(String modelId, boolean allowDeleted) {
    LoggedModel model = any(modelId);
    if (!allowDeleted && model.lifecycleStage() == LifecycleStage.DELETED) {
      throw notFound(modelId);
    }
    return model;
  }

  public LoggedModel finalizeModel(String modelId, LoggedModelStatus status) {
    if (status == null || status == LoggedModelStatus.LOGGED_MODEL_STATUS_UNSPECIFIED) {
      throw CairnException.invalid("Missing value for required parameter 'status'");
    }
    any(modelId);
    store.updateLoggedModelStatus(modelId, status, null, clock.millis());
    return get(modelId, true);
  }

  public void delete(String modelId) {
    get(modelId, false);
    store.deleteLoggedModel(modelId, clock.millis());
  }

  public void setTags(String modelId, List<Tag> tags) {
    for (Tag tag : tags) {
      Validation.key("tag", tag.key());
      Validation.tagValue(tag.key(), tag.value(), Validation.MAX_TAG_VALUE_LENGTH);
    }
    any(modelId);
    store.setLoggedModelTags(modelId, tags, clock.millis());
  }

  /**
   * Records that a registered model version was made from this model, in its {@code
   * mlflow.modelVersions} tag, as MLflow's server does when a version is created with a model id.
   */
  public void recordModelVersion(String modelId, String name, long version) {
    any(modelId);
    store.addModelVersion(modelId, name, version);
  }

  public void deleteTag(String modelId, String key) {
    any(modelId);
    if (!store.deleteLoggedModelTag(modelId, key)) {
      throw CairnException.notFound(
          "No tag with key '%s' found for model with ID '%s'.", key, modelId);
    }
  }

  public void logParams(String modelId, List<Param> params) {
    checkParams(params);
    any(modelId);
    store.logLoggedModelParams(modelId, params);
  }

  public Page<LoggedModel> search(
      List<String> experimentIds,
      String filter,
      List<LoggedModelOrder> orderBy,
      List<MetricDataset> datasets,
      Integer maxResults,
      String pageToken) {
    if (experimentIds.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'experiment_ids'");
    }
    Validation.experimentIds(experimentIds);
    int limit = Validation.maxResults(maxResults, SEARCH_DEFAULT, SEARCH_LIMIT);
    Filter parsed = SearchParser.parseFilter(filter, SearchSchema.LOGGED_MODELS);
    long offset = PageToken.decode(pageToken);
    List<LoggedModel> found =
        store.searchLoggedModels(experimentIds, parsed, orderBy, datasets, limit + 1, offset);
    return Page.cut(found, limit, offset);
  }

  private void checkParams(List<Param> params) {
    if (params.size() > MAX_PARAMS_PER_CALL) {
      throw CairnException.invalid(
          "A request can log at most %d params to a logged model. Got %d.",
          MAX_PARAMS_PER_CALL, params.size());
    }
    for (Param p : params) {
      Validation.key("param", p.key());
      Validation.paramValue(p.key(), p.value());
    }
  }

  private LoggedModel any(String modelId) {
    if (modelId == null || modelId.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'model_id'");
    }
    return store.getLoggedModel(modelId).orElseThrow(() -> notFound(modelId));
  }

  private static CairnException notFound(String modelId) {
    return CairnException.notFound("Logged model with ID '%s' not found.", modelId);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
