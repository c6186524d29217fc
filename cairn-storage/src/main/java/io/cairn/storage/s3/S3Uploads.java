package io.cairn.storage.s3;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.MultipartArtifactRepository.CompletedPart;
import io.cairn.core.artifact.MultipartArtifactRepository.MultipartUpload;
import io.cairn.core.artifact.MultipartArtifactRepository.PartTarget;
import io.cairn.core.artifact.PartList;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedUploadPartRequest;

/**
 * Uploads to one bucket: whole files streamed by the server, and multipart uploads whose parts
 * clients send to presigned URLs or through the server. Keys are already prefixed. Thread-safe.
 */
final class S3Uploads {
  /** Part size of uploads the server streams itself: 10,000 parts make files up to 80 GB. */
  static final int PART_SIZE = 8 * 1024 * 1024;

  static final int MAX_PARTS = 10_000;

  /** How long a presigned part URL stays valid. */
  static final Duration PART_URL_LIFETIME = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(S3Uploads.class);
  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final S3Errors errors;

  S3Uploads(S3Client s3, S3Presigner presigner, String bucket, S3Errors errors) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.errors = errors;
  }

  /**
   * Stores a stream of unknown length: one PUT when it fits in a part, else a multipart upload with
   * one part in memory at a time, aborted when anything fails.
   */
  long write(String key, ArtifactPath file, InputStream content) {
    String type = contentType(file);
    PartBuffer buffer = new PartBuffer(PART_SIZE);
    String uploadId = null;
    try {
      buffer.fill(content);
      if (!buffer.isFull()) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(type), buffer.body(type));
        return buffer.length();
      }
      uploadId = start(key, type);
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      do {
        if (parts.size() == MAX_PARTS) {
          throw CairnException.invalid(
              "Artifact '%s' is larger than %d bytes: upload it in parts",
              file, (long) MAX_PARTS * PART_SIZE);
        }
        int number = parts.size() + 1;
        String id = uploadId;
        String etag =
            s3.uploadPart(
                    b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    buffer.body(type))
                .eTag();
        parts.add(new CompletedPart(number, etag));
        total += buffer.length();
      } while (buffer.isFull() && buffer.fill(content));
      String etag = finish(key, uploadId, parts);
      uploadId = null;
      if (etag == null) {
        verify(key, file, total);
      }
      return total;
    } catch (IOException e) {
      abortQuietly(key, uploadId);
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "Could not write the artifact '" + file + "': " + e.getClass().getSimpleName(),
          e);
    } catch (SdkException e) {
      abortQuietly(key, uploadId);
      throw errors.translate(e, "write", file);
    } catch (RuntimeException e) {
      abortQuietly(key, uploadId);
      throw e;
    }
  }

  /**
   * Stores a local file: one PUT when it fits in a part, else a multipart upload whose parts are
   * slices of the file, each re-read on a retry; aborted when anything fails. Parts grow beyond 8
   * MiB only for files too large for 10,000 of them.
   */
  long writeFile(String key, ArtifactPath file, Path source) {
    String type = contentType(file);
    String uploadId = null;
    try {
      if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new CairnException(
            ErrorCode.INTERNAL_ERROR,
            "Could not write the artifact '" + file + "': its source is not a regular file");
      }
      long size = Files.size(source);
      if (size <= PART_SIZE) {
        s3.putObject(
            b -> b.bucket(bucket).key(key).contentType(type),
            RequestBody.fromContentProvider(() -> FileSlice.open(source, 0, size), size, type));
        return size;
      }
      long partSize = Math.max(PART_SIZE, (size + MAX_PARTS - 1) / MAX_PARTS);
      uploadId = start(key, type);
      List<CompletedPart> parts = new ArrayList<>();
      for (long offset = 0; offset < size; offset += partSize) {
        int number = parts.size() + 1;
        long from = offset;
        long length = Math.min(partSize, size - offset);
        String id = uploadId;
        String etag =
            s3.uploadPart(
                    b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    RequestBody.fromContentProvider(
                        () -> FileSlice.open(source, from, length), length, type))
                .eTag();
        parts.add(new CompletedPart(number, etag));
      }
      String etag = finish(key, uploadId, parts);
      uploadId = null;
      if (etag == null) {
        verify(key, file, size);
      }
      return size;
    } catch (IOException | UncheckedIOException e) {
      abortQuietly(key, uploadId);
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "Could not write the artifact '" + file + "': " + e.getClass().getSimpleName(),
          e);
    } catch (SdkException e) {
      abortQuietly(key, uploadId);
      throw errors.translate(e, "write", file);
    } catch (RuntimeException e) {
      abortQuietly(key, uploadId);
      throw e;
    }
  }

  /** {@code length} bytes of a file from {@code offset}: one part's body, opened per attempt. */
  static final class FileSlice extends InputStream {
    private final InputStream in;
    private long remaining;

    private FileSlice(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    static InputStream open(Path file, long offset, long length) {
      try {
        SeekableByteChannel channel =
            Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
          channel.position(offset);
        } catch (IOException e) {
          channel.close();
          throw e;
        }
        return new FileSlice(Channels.newInputStream(channel), length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      } else if (n < 0) {
        throw new EOFException("The file being uploaded became shorter");
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  MultipartUpload create(String key, ArtifactPath file, int numParts) {
    if (numParts < 1 || numParts > MAX_PARTS) {
      throw CairnException.invalid(
          "The number of parts must be between 1 and %d, got %d", MAX_PARTS, numParts);
    }
    String uploadId;
    try {
      uploadId = start(key, contentType(file));
    } catch (SdkException e) {
      throw errors.translate(e, "start an upload of", file);
    }
    List<PartTarget> targets = new ArrayList<>(numParts);
    for (int number = 1; number <= numParts; number++) {
      int n = number;
      PresignedUploadPartRequest presigned =
          presigner.presignUploadPart(
              p ->
                  p.signatureDuration(PART_URL_LIFETIME)
                      .uploadPartRequest(
                          r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)));
      targets.add(new PartTarget(n, presigned.url().toString(), headersToSend(presigned)));
    }
    return new MultipartUpload(uploadId, targets);
  }

  /**
   * Passes on a part sent through the server. A part larger than the memory buffer spills to a
   * temporary file first, since S3 needs its length before its first byte.
   */
  String writePart(
      String key, ArtifactPath file, String uploadId, int partNumber, InputStream content) {
    checkPartNumber(partNumber);
    PartBuffer buffer = new PartBuffer(PART_SIZE);
    Path spill = null;
    try {
      buffer.fill(content);
      RequestBody body = buffer.body("application/octet-stream");
      if (buffer.isFull()) {
        spill = Files.createTempFile("cairn-s3-part-", ".tmp");
        buffer.spill(content, spill);
        body = RequestBody.fromFile(spill);
      }
      RequestBody sent = body;
      return s3.uploadPart(
              b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber), sent)
          .eTag();
    } catch (IOException e) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "Could not receive part "
              + partNumber
              + " of '"
              + file
              + "': "
              + e.getClass().getSimpleName(),
          e);
    } catch (SdkException e) {
      throw errors.translateMultipart(e, "upload a part of", file, uploadId);
    } finally {
      deleteQuietly(spill);
    }
  }

  /**
   * Completes an upload after checking its part list against the parts S3 holds (ListParts), so
   * that a part never uploaded or listed with another ETag is refused naming it, as the local store
   * does, whatever an S3-compatible store would make of it.
   */
  void complete(String key, ArtifactPath file, String uploadId, List<CompletedPart> parts) {
    List<CompletedPart> sorted = PartList.sorted(file, parts, MAX_PARTS);
    String etag;
    boolean noneListed = false;
    try {
      Map<Integer, String> uploaded = uploadedParts(key, uploadId);
      // S3Proxy lists no parts for an unknown upload where S3 answers NoSuchUpload: with none
      // listed, completing tells which it is.
      noneListed = uploaded.isEmpty();
      for (CompletedPart part : noneListed ? List.<CompletedPart>of() : sorted) {
        String stored = uploaded.get(part.partNumber());
        if (stored == null) {
          throw PartList.notUploaded(file, uploadId, part.partNumber());
        }
        if (!PartList.sameEtag(stored, part.etag())) {
          throw PartList.wrongEtag(file, part, stored);
        }
      }
      etag = finish(key, uploadId, sorted);
    } catch (SdkException e) {
      if (noneListed && e instanceof S3Exception s3e && "InvalidPart".equals(S3Errors.code(s3e))) {
        throw PartList.notUploaded(file, uploadId, sorted.get(0).partNumber());
      }
      throw errors.translateMultipart(e, "complete the upload of", file, uploadId);
    }
    if (etag == null) {
      try {
        verify(key, file, -1);
      } catch (SdkException e) {
        throw errors.translate(e, "check the upload of", file);
      }
    }
  }

  /** The ETag of each part an upload holds, by part number (ListParts, 1,000 parts a page). */
  private Map<Integer, String> uploadedParts(String key, String uploadId) {
    Map<Integer, String> uploaded = new TreeMap<>();
    s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(uploadId))
        .parts()
        .forEach(p -> uploaded.put(p.partNumber(), p.eTag()));
    return uploaded;
  }

  void abort(String key, ArtifactPath file, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      throw errors.translateMultipart(e, "abort the upload of", file, uploadId);
    }
  }

  private String start(String key, String type) {
    return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(type)).uploadId();
  }

  /** Completes an upload; returns the new object's ETag, or null when the answer had none. */
  private String finish(String key, String uploadId, List<CompletedPart> parts) {
    var s3Parts =
        parts.stream()
            .map(
                p ->
                    software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                        .partNumber(p.partNumber())
                        .eTag(p.etag())
                        .build())
            .toList();
    String etag =
        s3.completeMultipartUpload(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(s3Parts)))
            .eTag();
    return etag == null || etag.isBlank() ? null : etag;
  }

  /**
   * Checks that a completed upload is there (with {@code expectedSize} bytes, when not negative),
   * for completions answered without an ETag: a store that fails while it assembles a large object
   * (S3Proxy's in-memory store past 2 GB) can answer 200 with no result, and an acknowledged
   * artifact must be readable. (S3's own 200-with-an-error answers are exceptions in the SDK.)
   */
  private void verify(String key, ArtifactPath file, long expectedSize) {
    long stored;
    try {
      stored = s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
    } catch (SdkException e) {
      if (!S3Errors.isNotFound(e)) {
        throw e;
      }
      stored = -1;
    }
    if (stored < 0 || (expectedSize >= 0 && stored != expectedSize)) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "S3 reported the upload of '"
              + file
              + "' complete, but "
              + (stored < 0 ? "there is no such object" : "it holds " + stored + " bytes")
              + (expectedSize < 0 ? "" : " of " + expectedSize));
    }
  }

  private void abortQuietly(String key, String uploadId) {
    if (uploadId == null) {
      return;
    }
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      // Its parts stay invisible; a bucket lifecycle rule (AbortIncompleteMultipartUpload)
      // reclaims their space.
      LOG.warn("Could not abort a failed upload in bucket {}: {}", bucket, e.getClass());
    }
  }

  private static void checkPartNumber(int partNumber) {
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw CairnException.invalid(
          "Part numbers must be between 1 and %d, got %d", MAX_PARTS, partNumber);
    }
  }

  /** The signed headers a client must send with a presigned URL; Host is set by every client. */
  private static Map<String, String> headersToSend(PresignedUploadPartRequest presigned) {
    Map<String, String> headers = new TreeMap<>();
    presigned
        .signedHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
              }
            });
    return headers;
  }

  private static String contentType(ArtifactPath file) {
    String guessed = URLConnection.guessContentTypeFromName(file.name());
    return guessed == null ? "application/octet-stream" : guessed;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: a file in the system's temporary folder
      }
    }
  }
}
