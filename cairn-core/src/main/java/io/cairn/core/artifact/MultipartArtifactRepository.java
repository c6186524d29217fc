package io.cairn.core.artifact;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * An optional capability of an {@link ArtifactRepository}: assembling a large file from parts that
 * clients upload separately (MLflow's {@code mpu/create|complete|abort}). The file becomes visible
 * only when the upload completes, whole; an aborted or abandoned upload leaves nothing visible.
 * Thread-safe. Errors: RESOURCE_DOES_NOT_EXIST for an unknown upload id, INVALID_PARAMETER_VALUE
 * for parts that are missing, repeated, out of range, never uploaded or listed with an ETag their
 * upload was not answered with ({@link PartList}).
 */
public interface MultipartArtifactRepository {
  /**
   * Starts an upload of {@code numParts} parts. A part target whose {@code url} is null is uploaded
   * through the server, which passes it to {@link #writePart}.
   */
  MultipartUpload createMultipart(ArtifactPath file, int numParts);

  /**
   * Receives one part uploaded through the server and returns its ETag. Repositories whose part
   * targets all have URLs of their own (presigned object-store URLs) need not accept any.
   */
  String writePart(ArtifactPath file, String uploadId, int partNumber, InputStream content);

  /**
   * Assembles the listed parts, in part-number order, into the file, after checking each against
   * the part uploaded under its number and ETag; a refused list leaves the upload completable.
   */
  void completeMultipart(ArtifactPath file, String uploadId, List<CompletedPart> parts);

  void abortMultipart(ArtifactPath file, String uploadId);

  /** A started upload: its id and where each part goes. */
  record MultipartUpload(String uploadId, List<PartTarget> parts) {
    public MultipartUpload {
      parts = List.copyOf(parts);
    }
  }

  /** Where to PUT one part; {@code url} null means through the server. */
  record PartTarget(int partNumber, String url, Map<String, String> headers) {
    public PartTarget {
      headers = Map.copyOf(headers);
    }
  }

  /** A part the client uploaded, with the ETag it was answered. */
  record CompletedPart(int partNumber, String etag) {}
}
