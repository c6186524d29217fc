package io.cairn.core.registry;

import io.cairn.core.tracking.Tag;
import java.util.List;
import java.util.Map;

/**
 * A named model in the registry. {@code latestVersions} holds the newest version in each stage, as
 * MLflow's {@code latest_versions}; {@code aliases} maps alias to version.
 */
public record RegisteredModel(
    String name,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    String description,
    String userId,
    List<Tag> tags,
    Map<String, Long> aliases,
    List<ModelVersion> latestVersions) {
  public RegisteredModel {
    tags = List.copyOf(tags);
    aliases = Map.copyOf(aliases);
    latestVersions = List.copyOf(latestVersions);
  }
}
