package io.cairn.core.registry;

import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * Where registered models and their versions are kept, per workspace. Thread-safe; each method is
 * one transaction. Names are unique per workspace and version numbers are assigned by the database
 * (1, 2, 3... per model, never reused, never duplicated), so several servers may share one store.
 * Errors: RESOURCE_ALREADY_EXISTS for a taken name, RESOURCE_DOES_NOT_EXIST for a missing model.
 */
public interface RegistryStore {
  void createRegisteredModel(
      String workspace, String name, String description, String userId, List<Tag> tags, long now);

  Optional<RegisteredModel> getRegisteredModel(String workspace, String name);

  void renameRegisteredModel(String workspace, String name, String newName, long now);

  void updateRegisteredModel(String workspace, String name, String description, long now);

  void deleteRegisteredModel(String workspace, String name);

  List<RegisteredModel> searchRegisteredModels(
      String workspace, Filter filter, List<OrderBy> orderBy, int limit, long offset);

  void setRegisteredModelTag(String workspace, String name, Tag tag, long now);

  boolean deleteRegisteredModelTag(String workspace, String name, String key);

  void setAlias(String workspace, String name, String alias, long version, long now);

  boolean deleteAlias(String workspace, String name, String alias);

  /** Creates the next version of a model and returns its number. */
  long createModelVersion(String workspace, NewModelVersion version, long now);

  Optional<ModelVersion> getModelVersion(String workspace, String name, long version);

  Optional<ModelVersion> getModelVersionByAlias(String workspace, String name, String alias);

  void updateModelVersion(
      String workspace, String name, long version, String description, long now);

  /**
   * Moves a version to a stage; with {@code archiveExisting}, others in that stage are archived.
   */
  void transitionStage(
      String workspace,
      String name,
      long version,
      ModelStage stage,
      boolean archiveExisting,
      long now);

  /** Deletes a version; its model's last-updated time becomes {@code now}, as in MLflow. */
  void deleteModelVersion(String workspace, String name, long version, long now);

  /**
   * Versions matching a filter, by {@code orderBy} then MLflow's tie-breaks (name ascending,
   * version descending); with no {@code orderBy}, last updated first.
   */
  List<ModelVersion> searchModelVersions(
      String workspace, Filter filter, List<OrderBy> orderBy, int limit, long offset);

  /** The newest version in each of the given stages. */
  List<ModelVersion> latestVersions(String workspace, String name, List<ModelStage> stages);

  void setModelVersionTag(String workspace, String name, long version, Tag tag, long now);

  boolean deleteModelVersionTag(String workspace, String name, long version, String key);
}
