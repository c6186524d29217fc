package io.cairn.storage.s3;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Artifacts in an S3-compatible object store, under {@code s3://bucket/prefix}. The artifact path
 * {@code a/b.txt} is the object {@code prefix/a/b.txt}; "directories" are key prefixes ending in
 * {@code /}, listed with that delimiter, and exist while some object is under them.
 *
 * <p>Writes of unknown length stream through a multipart upload in parts of 8 MiB, each held in
 * memory until it is sent (S3 needs a part's length first): an upload holds at most one part in
 * memory and nothing on disk, whatever its size, and a file that fits in one part is a single PUT.
 * Either way the object appears whole when the PUT or the completion succeeds; a failed upload is
 * aborted. Multipart uploads give clients presigned part URLs; parts sent through the server
 * instead ({@link #writePart}) spill to a temporary file when larger than 8 MiB.
 *
 * <p>Unlike a file system, S3 lets a file and a directory share a name; nothing here prevents it.
 *
 * <p>Thread-safe; the owner closes it. Errors are {@link CairnException}s: RESOURCE_DOES_NOT_EXIST
 * for a missing file or upload, TEMPORARILY_UNAVAILABLE when the store cannot be reached or answers
 * 5xx, INVALID_STATE for a missing bucket or refused credentials. Messages name the endpoint and
 * bucket, never a secret.
 */
public final class S3ArtifactRepository
    implements ArtifactRepository, MultipartArtifactRepository, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3ArtifactRepository.class);
  private final S3Settings settings;
  private final String base;
  private final AwsCredentialsProvider credentials;
  private final S3Client s3;
  private final S3Presigner presigner;
  private final S3Errors errors;
  private final S3Uploads uploads;
  private final AtomicBoolean batchDeletes = new AtomicBoolean(true);

  /**
   * Builds the clients and makes no call: the server calls {@link #check()} once at start-up to
   * find a missing bucket or refused credentials before the first request does.
   */
  public S3ArtifactRepository(S3Settings settings) {
    this.settings = settings;
    this.base = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
    this.errors = new S3Errors(settings);
    this.credentials = S3Clients.credentials(settings);
    this.s3 = S3Clients.client(settings, credentials);
    this.presigner = S3Clients.presigner(settings, credentials);
    this.uploads = new S3Uploads(s3, presigner, settings.bucket(), errors);
  }

  public S3Settings settings() {
    return settings;
  }

  /**
   * Checks that credentials are found and that the bucket exists and accepts them. Fails with
   * INVALID_STATE when not, TEMPORARILY_UNAVAILABLE when the store cannot be reached.
   */
  public void check() {
    try {
      credentials.resolveCredentials();
      s3.headBucket(b -> b.bucket(settings.bucket()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) { // HEAD answers have no body, so no NoSuchBucket code
        throw new CairnException(
            ErrorCode.INVALID_STATE,
            "The S3 bucket '"
                + settings.bucket()
                + "' at "
                + settings.displayEndpoint()
                + " does not exist",
            e);
      }
      throw errors.translate(e, "check the bucket", settings.uri());
    } catch (SdkException e) {
      throw errors.translate(e, "check the bucket", settings.uri());
    }
  }

  private String key(ArtifactPath path) {
    return base + path;
  }

  @Override
  public List<ArtifactEntry> list(ArtifactPath directory) {
    String prefix = directory.isRoot() ? base : key(directory) + "/";
    List<ArtifactEntry> entries = new ArrayList<>();
    try {
      var pages =
          s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix).delimiter("/"));
      for (var page : pages) {
        for (CommonPrefix dir : page.commonPrefixes()) {
          String name = dir.prefix().substring(prefix.length(), dir.prefix().length() - 1);
          if (!name.isEmpty()) {
            entries.add(new ArtifactEntry(name, true, 0));
          }
        }
        for (S3Object object : page.contents()) {
          String name = object.key().substring(prefix.length());
          if (!name.isEmpty()) { // an empty name is a "folder marker" object made by other tools
            entries.add(new ArtifactEntry(name, false, object.size()));
          }
        }
      }
    } catch (SdkException e) {
      throw errors.translate(e, "list", directory);
    }
    entries.sort(Comparator.comparing(ArtifactEntry::name));
    return entries;
  }

  @Override
  public InputStream open(ArtifactPath file) {
    if (file.isRoot()) {
      throw CairnException.notFound("No artifact at ''");
    }
    try {
      return new ObjectStream(
          s3.getObject(
              b -> b.bucket(settings.bucket()).key(key(file)),
              ResponseTransformer.toInputStream()));
    } catch (SdkException e) {
      throw errors.translate(e, "read", file);
    }
  }

  /**
   * An object's content that, closed before its end (a client that went away), drops the connection
   * instead of reading the rest of a possibly huge object to reuse it.
   */
  private static final class ObjectStream extends FilterInputStream {
    private final ResponseInputStream<?> response;
    private boolean atEnd;

    ObjectStream(ResponseInputStream<?> response) {
      super(response);
      this.response = response;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      atEnd |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      atEnd |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!atEnd) {
        response.abort();
      }
      super.close();
    }
  }

  @Override
  public long size(ArtifactPath file) {
    if (file.isRoot()) {
      return -1;
    }
    try {
      return s3.headObject(b -> b.bucket(settings.bucket()).key(key(file))).contentLength();
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return -1;
      }
      throw errors.translate(e, "read the size of", file);
    }
  }

  @Override
  public long write(ArtifactPath file, InputStream content) {
    if (file.isRoot()) {
      throw CairnException.invalid("Invalid artifact path '': a file name is required");
    }
    return uploads.write(key(file), file, content);
  }

  /**
   * Uploads a local file of known length straight from disk: one PUT when it fits in a part, else a
   * multipart upload whose parts are read from the file as they are sent (nothing held in memory).
   * The file is left where it is.
   */
  @Override
  public long writeFile(ArtifactPath file, java.nio.file.Path source) {
    if (file.isRoot()) {
      throw CairnException.invalid("Invalid artifact path '': a file name is required");
    }
    return uploads.writeFile(key(file), file, source);
  }

  @Override
  public boolean delete(ArtifactPath path) {
    if (path.isRoot()) {
      throw CairnException.invalid("Refusing to delete the artifact root");
    }
    String key = key(path);
    try {
      boolean found = size(path) >= 0;
      if (found) {
        s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
      }
      var pages = s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(key + "/"));
      for (var page : pages) {
        List<String> keys = page.contents().stream().map(S3Object::key).toList();
        found |= !keys.isEmpty();
        deleteKeys(keys, path);
      }
      return found;
    } catch (SdkException e) {
      throw errors.translate(e, "delete", path);
    }
  }

  /**
   * Deletes up to 1,000 keys in one DeleteObjects call, or one call each on stores that do not take
   * the checksum header the SDK sends with it (answering 501); that is remembered.
   */
  private void deleteKeys(List<String> keys, ArtifactPath path) {
    if (keys.isEmpty()) {
      return;
    }
    if (batchDeletes.get()) {
      List<ObjectIdentifier> ids =
          keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      try {
        DeleteObjectsResponse answer =
            s3.deleteObjects(
                b -> b.bucket(settings.bucket()).delete(d -> d.objects(ids).quiet(true)));
        if (!answer.errors().isEmpty()) {
          throw new CairnException(
              ErrorCode.INTERNAL_ERROR,
              "Could not delete "
                  + answer.errors().size()
                  + " objects under '"
                  + path
                  + "' in S3 ("
                  + answer.errors().get(0).code()
                  + ")");
        }
        return;
      } catch (S3Exception e) {
        if (e.statusCode() != 501) {
          throw e;
        }
        batchDeletes.set(false);
        LOG.info(
            "The S3 store at {} refused a batch delete ({}): deleting one object at a time",
            settings.displayEndpoint(),
            S3Errors.code(e));
      }
    }
    for (String k : keys) {
      s3.deleteObject(b -> b.bucket(settings.bucket()).key(k));
    }
  }

  /** Whether deletes still go in batches (false once the store refused one); for tests. */
  boolean batchDeletes() {
    return batchDeletes.get();
  }

  @Override
  public MultipartUpload createMultipart(ArtifactPath file, int numParts) {
    if (file.isRoot()) {
      throw CairnException.invalid("Invalid artifact path '': a file name is required");
    }
    return uploads.create(key(file), file, numParts);
  }

  @Override
  public String writePart(ArtifactPath file, String uploadId, int partNumber, InputStream content) {
    return uploads.writePart(key(file), file, uploadId, partNumber, content);
  }

  @Override
  public void completeMultipart(ArtifactPath file, String uploadId, List<CompletedPart> parts) {
    uploads.complete(key(file), file, uploadId, parts);
  }

  @Override
  public void abortMultipart(ArtifactPath file, String uploadId) {
    uploads.abort(key(file), file, uploadId);
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }
}
