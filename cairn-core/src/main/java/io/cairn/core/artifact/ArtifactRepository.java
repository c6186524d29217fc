package io.cairn.core.artifact;

import java.io.InputStream;
import java.util.List;

/**
 * Where artifact files are kept. Thread-safe. Paths are {@link ArtifactPath}s, already checked.
 * Writes are atomic: a reader sees the whole previous file or the whole new one, never a part.
 * Errors: RESOURCE_DOES_NOT_EXIST for a missing file, INVALID_PARAMETER_VALUE for a path that leads
 * outside the store (a symbolic link), INTERNAL_ERROR for I/O failures.
 */
public interface ArtifactRepository {
  /** The entries directly under a directory, sorted by name; empty when it is missing or a file. */
  List<ArtifactEntry> list(ArtifactPath directory);

  /** Opens a file for reading; the caller closes the stream. */
  InputStream open(ArtifactPath file);

  /** The size of a file, or -1 when there is no file at that path. */
  long size(ArtifactPath file);

  /**
   * Stores the stream's bytes as the file, replacing any previous one atomically; returns bytes
   * written.
   */
  long write(ArtifactPath file, InputStream content);

  /**
   * Stores a local file's bytes as the file, atomically, like {@link #write}; the local file may be
   * moved into the store (the caller deletes it if it is still there afterwards).
   */
  default long writeFile(ArtifactPath file, java.nio.file.Path source) {
    try (InputStream in = java.nio.file.Files.newInputStream(source)) {
      return write(file, in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Deletes a file or a directory with everything under it; false when nothing was there. */
  boolean delete(ArtifactPath path);
}
