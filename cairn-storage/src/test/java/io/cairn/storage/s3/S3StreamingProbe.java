package io.cairn.storage.s3;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.storage.GeneratedStream;
import java.io.InputStream;

/**
 * Run in a child JVM with a small heap by {@link S3StreamingTest}: writes a generated file of the
 * given size to the store and reads it back, printing the SHA-256 of what it read.
 */
public final class S3StreamingProbe {
  private S3StreamingProbe() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    String bucket = args[1];
    long size = Long.parseLong(args[2]);
    S3Settings settings =
        new S3Settings(
            bucket,
            "stream",
            endpoint,
            "us-east-1",
            true,
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY);
    ArtifactPath file = ArtifactPath.parse("big/model.bin");
    try (S3ArtifactRepository repo = new S3ArtifactRepository(settings)) {
      long written = repo.write(file, new GeneratedStream(size, 42, -1));
      try (InputStream in = repo.open(file)) {
        System.out.println(
            "written="
                + written
                + " size="
                + repo.size(file)
                + " sha256="
                + GeneratedStream.sha256(in)
                + " maxHeap="
                + Runtime.getRuntime().maxMemory());
      }
    }
  }
}
