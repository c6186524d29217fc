package io.cairn.core.dataset;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * File contents kept by sha256 in an artifact repository of their own, at {@code sha256/<first two
 * hex digits>/<digest>}: each content is stored once, whatever its names.
 */
public final class BlobStore {
  private final ArtifactRepository repository;

  public BlobStore(ArtifactRepository repository) {
    this.repository = repository;
  }

  public static ArtifactPath path(String sha256) {
    Manifest.checkSha256(sha256);
    return ArtifactPath.parse("sha256/" + sha256.substring(0, 2) + "/" + sha256);
  }

  public InputStream open(String sha256) {
    return repository.open(path(sha256));
  }

  /** The stored size, or -1 when the blob's file is missing. */
  public long size(String sha256) {
    return repository.size(path(sha256));
  }

  /** Stores a verified file as the blob, atomically; the file may be moved away. */
  public void put(String sha256, Path verified) {
    repository.writeFile(path(sha256), verified);
  }

  public boolean delete(String sha256) {
    return repository.delete(path(sha256));
  }
}
