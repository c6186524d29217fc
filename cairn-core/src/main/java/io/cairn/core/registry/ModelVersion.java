package io.cairn.core.registry;

import io.cairn.core.tracking.Tag;
import java.util.List;

/**
 * One version of a registered model. {@code source} is what the client gave (a run, logged-model or
 * artifact URI); {@code storageLocation} is where its files are, resolved when the version was
 * created and returned by get-download-uri. {@code onnx} describes the version's ONNX files, empty
 * when it has none.
 */
public record ModelVersion(
    String name,
    long version,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    String userId,
    ModelStage stage,
    String description,
    String source,
    String storageLocation,
    String runId,
    String runLink,
    String modelId,
    String status,
    String statusMessage,
    List<Tag> tags,
    List<String> aliases,
    List<OnnxFile> onnx) {
  public ModelVersion {
    tags = List.copyOf(tags);
    aliases = List.copyOf(aliases);
    onnx = List.copyOf(onnx);
  }

  /** An ONNX file of a version, by its path under the version's storage location. */
  public record OnnxFile(String path, OnnxDescription description) {}
}
