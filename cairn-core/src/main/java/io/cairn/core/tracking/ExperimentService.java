package io.cairn.core.tracking;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.search.PageToken;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The rules for experiments: validation, defaults and MLflow's semantics, in front of an {@link
 * ExperimentStore}. Thread-safe. Errors are {@link CairnException}s with MLflow codes.
 */
public final class ExperimentService {
  public static final String DEFAULT_EXPERIMENT_ID = "0";
  public static final int SEARCH_DEFAULT = 1000;
  public static final int SEARCH_LIMIT = 50000;

  private final ExperimentStore store;
  private final ArtifactLocations locations;
  private final Clock clock;

  public ExperimentService(ExperimentStore store, ArtifactLocations locations, Clock clock) {
    this.store = store;
    this.locations = locations;
    this.clock = clock;
  }

  public String create(String workspace, String name, String artifactLocation, List<Tag> tags) {
    Validation.experimentName(name);
    Validation.artifactLocation(artifactLocation);
    for (Tag tag : tags) {
      Validation.key("tag", tag.key());
      Validation.tagValue(tag.key(), tag.value(), Validation.MAX_EXPERIMENT_TAG_VALUE_LENGTH);
    }
    // As MLflow's server: a relative local location is taken under the server's working folder.
    String location =
        artifactLocation == null || artifactLocation.isEmpty()
            ? null
            : LocalLocation.resolve(artifactLocation, Path.of("").toAbsolutePath());
    Validation.artifactLocation(location);
    ArtifactPath.fromStoreUri(location); // checks the path of a location in the store
    return store.createExperiment(
        workspace, name, location, locations::experiment, tags, clock.millis());
  }

  public Experiment get(String experimentId) {
    Validation.experimentId(experimentId);
    return store
        .getExperiment(experimentId)
        .orElseThrow(
            () -> CairnException.notFound("No Experiment with id=%s exists", experimentId));
  }

  public Experiment getByName(String workspace, String name) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid(Validation.missing("experiment_name"));
    }
    return store
        .getExperimentByName(workspace, name)
        .orElseThrow(
            () -> CairnException.notFound("Could not find experiment with name '%s'", name));
  }

  /** Gets an experiment that must be active, for writes into it. */
  public Experiment getActive(String experimentId) {
    Experiment experiment = get(experimentId);
    if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw CairnException.invalid(
          "The experiment %s must be in the 'active' state. Current state is %s.",
          experimentId, experiment.lifecycleStage().wire());
    }
    return experiment;
  }

  public Page<Experiment> search(
      String workspace,
      ViewType viewType,
      String filter,
      List<String> orderBy,
      Integer maxResults,
      String pageToken) {
    int limit = Validation.maxResults(maxResults, SEARCH_DEFAULT, SEARCH_LIMIT);
    Filter parsed = SearchParser.parseFilter(filter, SearchSchema.EXPERIMENTS);
    List<OrderBy> order = SearchParser.parseOrderBy(orderBy, SearchSchema.EXPERIMENTS);
    long offset = PageToken.decode(pageToken);
    List<Experiment> found =
        store.searchExperiments(workspace, viewType, parsed, order, limit + 1, offset);
    return Page.cut(found, limit, offset);
  }

  public void rename(String experimentId, String newName) {
    Validation.experimentName(newName);
    Experiment experiment = get(experimentId);
    if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw CairnException.invalid(
          "Cannot rename a non-active experiment %s: restore it first", experimentId);
    }
    store.renameExperiment(experimentId, newName, clock.millis());
  }

  /**
   * Deletes an experiment and its runs (restorable). The default experiment may be deleted too, as
   * MLflow's SQL store allows: runs can then not be created in it until it is restored.
   */
  public void delete(String experimentId) {
    Experiment experiment = get(experimentId);
    if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw CairnException.notFound("No Experiment with id=%s exists", experimentId);
    }
    store.setExperimentLifecycle(experimentId, LifecycleStage.DELETED, clock.millis());
  }

  public void restore(String experimentId) {
    Experiment experiment = get(experimentId);
    if (experiment.lifecycleStage() == LifecycleStage.ACTIVE) {
      throw CairnException.invalid("Cannot restore an active experiment %s", experimentId);
    }
    store.setExperimentLifecycle(experimentId, LifecycleStage.ACTIVE, clock.millis());
  }

  public void setTag(String experimentId, Tag tag) {
    Validation.key("tag", tag.key());
    Validation.tagValue(tag.key(), tag.value(), Validation.MAX_EXPERIMENT_TAG_VALUE_LENGTH);
    getActive(experimentId);
    store.setExperimentTag(experimentId, tag, clock.millis());
  }

  public void deleteTag(String experimentId, String key) {
    Validation.key("tag", key);
    getActive(experimentId);
    if (!store.deleteExperimentTag(experimentId, key)) {
      throw CairnException.notFound("No tag with name: %s in experiment %s", key, experimentId);
    }
  }
}
