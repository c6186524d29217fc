package io.cairn.core.registry;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds and inspects the ONNX files of a model version in the artifact store. Only locations in the
 * store ({@code mlflow-artifacts:} URIs) are looked into; files elsewhere are the client's
 * business. Thread-safe.
 */
public final class ModelFiles {
  private static final int MAX_DEPTH = 4;
  private static final int MAX_FILES = 16;

  private final ArtifactRepository artifacts;
  private final OnnxInspector inspector;

  public ModelFiles(ArtifactRepository artifacts, OnnxInspector inspector) {
    this.artifacts = artifacts;
    this.inspector = inspector;
  }

  /**
   * Inspects every ONNX file at or under a location (a file, or a folder searched a few levels
   * deep). A file that is not a valid ONNX model fails with INVALID_PARAMETER_VALUE naming it.
   */
  public List<ModelVersion.OnnxFile> inspect(String location) {
    ArtifactPath root = ArtifactPath.fromStoreUri(location);
    if (root == null) {
      return List.of();
    }
    List<String> found = new ArrayList<>();
    if (root.name().toLowerCase(Locale.ROOT).endsWith(".onnx") && artifacts.size(root) >= 0) {
      found.add("");
    } else {
      collect(root, "", 0, found);
    }
    List<ModelVersion.OnnxFile> out = new ArrayList<>();
    for (String relative : found) {
      ArtifactPath file = relative.isEmpty() ? root : root.resolve(ArtifactPath.parse(relative));
      out.add(
          new ModelVersion.OnnxFile(relative.isEmpty() ? file.name() : relative, describe(file)));
    }
    return out;
  }

  private void collect(ArtifactPath dir, String prefix, int depth, List<String> found) {
    if (depth > MAX_DEPTH || found.size() >= MAX_FILES) {
      return;
    }
    for (ArtifactEntry e : artifacts.list(dir)) {
      String relative = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
      if (e.isDir()) {
        collect(dir.resolve(ArtifactPath.parse(e.name())), relative, depth + 1, found);
      } else if (e.name().toLowerCase(Locale.ROOT).endsWith(".onnx") && found.size() < MAX_FILES) {
        found.add(relative);
      }
    }
  }

  private OnnxDescription describe(ArtifactPath file) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("cairn-onnx");
      Path local = dir.resolve(file.name());
      try (InputStream in = artifacts.open(file)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      return inspector.inspect(local);
    } catch (IOException e) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "Could not read the ONNX file '" + file + "' for inspection",
          e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }
}
