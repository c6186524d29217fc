package io.cairn.core.registry;

import io.cairn.core.tracking.Tag;
import java.util.List;

/** What a new model version is made of, checked and resolved by {@link RegistryService}. */
public record NewModelVersion(
    String name,
    String source,
    String storageLocation,
    String runId,
    String runLink,
    String modelId,
    String description,
    String userId,
    List<Tag> tags,
    List<ModelVersion.OnnxFile> onnx) {
  public NewModelVersion {
    tags = List.copyOf(tags);
    onnx = List.copyOf(onnx);
  }
}
