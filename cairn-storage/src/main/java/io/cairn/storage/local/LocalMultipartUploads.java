package io.cairn.storage.local;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.artifact.PartList;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Multipart uploads into a {@link LocalArtifactRepository}: parts arrive through the server and
 * wait in a hidden staging folder ({@code .cairn-multipart/<upload id>/}); completing concatenates
 * them through the repository's atomic write, so the file appears whole or not at all. Each part's
 * ETag is the hex sha256 of its bytes and names its staged file ({@code part-<n>.<etag>}), so a
 * completion gets exactly the parts its list names and refuses, as S3 does, a part never uploaded
 * or listed with another ETag ({@link PartList}). Thread-safe: uploads are independent folders, and
 * a part is written to a temporary name then renamed.
 */
public final class LocalMultipartUploads implements MultipartArtifactRepository {
  public static final int MAX_PARTS = 10_000;
  private static final Pattern UPLOAD_ID = Pattern.compile("^[0-9a-f]{32}$");
  private static final Pattern ETAG = Pattern.compile("^[0-9a-f]{64}$");
  private static final String TARGET = "target";

  /** The staging folder's name under the artifact root. */
  static final String STAGING = LocalArtifactRepository.RESERVED_PREFIX + "multipart";

  private final LocalArtifactRepository repository;
  private final Path staging;

  public LocalMultipartUploads(LocalArtifactRepository repository) {
    this.repository = repository;
    this.staging = repository.root().resolve(STAGING);
  }

  @Override
  public MultipartUpload createMultipart(ArtifactPath file, int numParts) {
    if (file.isRoot()) {
      throw CairnException.invalid("A multipart upload needs a file path");
    }
    if (numParts < 1 || numParts > MAX_PARTS) {
      throw CairnException.invalid(
          "num_parts must be between 1 and %d, got %d", MAX_PARTS, numParts);
    }
    repository.size(file); // checks the path (symbolic links, reserved names) before anything
    removeAbandonedUploads(staging, System.currentTimeMillis());
    String id = UUID.randomUUID().toString().replace("-", "");
    try {
      Path dir = Files.createDirectories(staging.resolve(id));
      Files.writeString(dir.resolve(TARGET), numParts + "\n" + file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failure("start a multipart upload of", file, e);
    }
    List<PartTarget> parts = new ArrayList<>(numParts);
    for (int n = 1; n <= numParts; n++) {
      parts.add(new PartTarget(n, null, Map.of()));
    }
    return new MultipartUpload(id, parts);
  }

  @Override
  public String writePart(ArtifactPath file, String uploadId, int partNumber, InputStream content) {
    Path dir = upload(file, uploadId);
    int numParts = numParts(dir);
    if (partNumber < 1 || partNumber > numParts) {
      throw CairnException.invalid(
          "Part number %d is out of range: this upload has parts 1 to %d", partNumber, numParts);
    }
    Path temp = dir.resolve("part-" + partNumber + "." + UUID.randomUUID() + ".tmp");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(content, sha)) {
        Files.copy(in, temp);
      }
      String etag = HexFormat.of().formatHex(sha.digest());
      Files.move(
          temp,
          partFile(dir, partNumber, etag),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return etag;
    } catch (IOException e) {
      deleteQuietly(temp);
      throw failure("store part " + partNumber + " of", file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Assembles the parts the list names, each the content its ETag was answered for. A part sent
   * again with other bytes is staged beside the first; the list chooses which one goes in.
   */
  @Override
  public void completeMultipart(ArtifactPath file, String uploadId, List<CompletedPart> parts) {
    Path dir = upload(file, uploadId);
    int numParts = numParts(dir);
    List<CompletedPart> sorted = PartList.sorted(file, parts, numParts);
    if (sorted.size() != numParts) {
      throw CairnException.invalid(
          "The upload has %d parts but %d were listed to complete it", numParts, sorted.size());
    }
    List<Path> files = new ArrayList<>();
    for (CompletedPart part : sorted) {
      files.add(stagedPart(dir, file, uploadId, part));
    }
    List<InputStream> streams = new ArrayList<>();
    try {
      for (Path p : files) {
        streams.add(Files.newInputStream(p));
      }
      try (InputStream all = new SequenceInputStream(Collections.enumeration(streams))) {
        repository.write(file, all);
      }
    } catch (IOException e) {
      throw failure("assemble", file, e);
    } finally {
      for (InputStream in : streams) {
        try {
          in.close();
        } catch (IOException ignored) {
          // closing a part we only read
        }
      }
    }
    deleteTree(dir);
  }

  /** The staged file of a listed part: the one whose content has the listed ETag. */
  private static Path stagedPart(Path dir, ArtifactPath file, String uploadId, CompletedPart part) {
    String etag = PartList.bare(part.etag()).toLowerCase(Locale.ROOT);
    if (ETAG.matcher(etag).matches()) {
      Path p = partFile(dir, part.partNumber(), etag);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    String prefix = "part-" + part.partNumber() + ".";
    try (DirectoryStream<Path> staged = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : staged) {
        String rest = p.getFileName().toString().substring(prefix.length());
        if (ETAG.matcher(rest).matches()) {
          throw PartList.wrongEtag(file, part, rest);
        }
      }
    } catch (IOException e) {
      throw failure("read the parts of", file, e);
    }
    throw PartList.notUploaded(file, uploadId, part.partNumber());
  }

  /** A staged part is named by its number and its ETag, the hex sha256 of its bytes. */
  private static Path partFile(Path dir, int partNumber, String etag) {
    return dir.resolve("part-" + partNumber + "." + etag);
  }

  @Override
  public void abortMultipart(ArtifactPath file, String uploadId) {
    deleteTree(upload(file, uploadId));
  }

  /** Uploads neither completed nor aborted within a week are dropped, parts and all. */
  static final long ABANDONED_AFTER_MILLIS = 7L * 24 * 60 * 60 * 1000;

  /**
   * Removes the uploads under {@code staging} abandoned a week before {@code nowMillis}, and in the
   * others the temporary files of parts that nobody wrote for an hour (a crash while receiving
   * them). Returns the files removed.
   */
  static int removeAbandonedUploads(Path staging, long nowMillis) {
    if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long cutoff = nowMillis - ABANDONED_AFTER_MILLIS;
    long partCutoff = nowMillis - LocalArtifactRepository.ABANDONED_AFTER_MILLIS;
    int removed = 0;
    try (DirectoryStream<Path> uploads = Files.newDirectoryStream(staging)) {
      for (Path dir : uploads) {
        Path target = dir.resolve(TARGET);
        if (!Files.exists(target) || Files.getLastModifiedTime(target).toMillis() < cutoff) {
          removed += deleteTree(dir);
          continue;
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "part-*.tmp")) {
          for (Path temp : temps) {
            if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toMillis() < partCutoff
                && Files.deleteIfExists(temp)) {
              removed++;
            }
          }
        }
      }
    } catch (IOException ignored) {
      // a sweep that fails now runs again with the next upload or start
    }
    return removed;
  }

  /** The staging folder of an upload, checked to belong to {@code file}. */
  private Path upload(ArtifactPath file, String uploadId) {
    if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
      throw CairnException.notFound("No multipart upload with id '%s'", uploadId);
    }
    Path dir = staging.resolve(uploadId);
    try {
      List<String> target = Files.readAllLines(dir.resolve(TARGET), StandardCharsets.UTF_8);
      if (target.size() < 2 || !target.get(1).equals(file.toString())) {
        throw CairnException.invalid(
            "Multipart upload %s is for another file than '%s'", uploadId, file);
      }
      return dir;
    } catch (IOException e) {
      throw CairnException.notFound("No multipart upload with id '%s'", uploadId);
    }
  }

  private static int numParts(Path dir) {
    try {
      return Integer.parseInt(Files.readAllLines(dir.resolve(TARGET)).get(0).trim());
    } catch (IOException | RuntimeException e) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR, "A multipart upload's record is unreadable");
    }
  }

  /** Deletes an upload's folder and its files; returns how many files went. */
  private static int deleteTree(Path dir) {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        removed += Files.deleteIfExists(f) ? 1 : 0;
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a staging folder left behind is hidden and harmless
    }
    return removed;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // hidden and harmless
    }
  }

  private static CairnException failure(String action, ArtifactPath file, IOException e) {
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "Could not "
            + action
            + " the artifact '"
            + file
            + "': "
            + LocalArtifactRepository.reason(e),
        e);
  }
}
