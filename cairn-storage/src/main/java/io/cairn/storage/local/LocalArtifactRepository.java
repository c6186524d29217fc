package io.cairn.storage.local;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Artifacts in a local folder. No symbolic link inside the folder is ever followed, so nothing
 * outside it can be read or written. Uploads stream into a hidden temporary file beside the target
 * and are renamed into place atomically.
 */
public final class LocalArtifactRepository implements ArtifactRepository {
  /** Names Cairn keeps for itself in the store: hidden from listings, refused in client paths. */
  static final String RESERVED_PREFIX = ".cairn-";

  static final String TEMP_PREFIX = RESERVED_PREFIX + "upload-";

  /** How long an upload's temporary file may go unwritten before it counts as abandoned. */
  static final long ABANDONED_AFTER_MILLIS = 60 * 60 * 1000L;

  private final Path root;

  /** The permissions a file written here gets (as the umask decides), or null without POSIX. */
  private final Set<PosixFilePermission> sourcePermissions;

  /** Creates the folder when missing. Fails with INVALID_STATE when it cannot be written. */
  public LocalArtifactRepository(Path root) {
    try {
      Files.createDirectories(root);
      this.root = root.toRealPath();
      this.sourcePermissions = newFilePermissions(this.root);
    } catch (IOException e) {
      throw new CairnException(
          ErrorCode.INVALID_STATE,
          "Cannot create the artifact folder " + root + ": " + reason(e),
          e);
    }
    if (!Files.isWritable(this.root)) {
      throw new CairnException(
          ErrorCode.INVALID_STATE, "The artifact folder " + this.root + " is not writable");
    }
  }

  /** A short reason for a file system failure, for messages an operator reads. */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "its parent cannot be created there";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file with that name is in the way";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName();
  }

  public Path root() {
    return root;
  }

  /** The file system path of an artifact path, refusing any symbolic link along the way. */
  private Path resolve(ArtifactPath path) {
    Path current = root;
    for (String part : path.parts()) {
      if (part.startsWith(RESERVED_PREFIX)) {
        throw CairnException.invalid(
            "Invalid artifact path '%s': names starting with %s are reserved",
            path, RESERVED_PREFIX);
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw CairnException.invalid(
            "Invalid artifact path '%s': it passes through a symbolic link", path);
      }
    }
    if (!current.normalize().startsWith(root)) {
      throw CairnException.invalid("Invalid artifact path '%s': it leaves the artifact root", path);
    }
    return current;
  }

  @Override
  public List<ArtifactEntry> list(ArtifactPath directory) {
    Path dir = resolve(directory);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<ArtifactEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX)) {
          removeIfAbandoned(child);
          continue;
        }
        if (name.startsWith(RESERVED_PREFIX) || Files.isSymbolicLink(child)) {
          continue;
        }
        BasicFileAttributes attrs =
            Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        entries.add(
            new ArtifactEntry(name, attrs.isDirectory(), attrs.isDirectory() ? 0 : attrs.size()));
      }
    } catch (IOException e) {
      throw failure("list", directory, e);
    }
    entries.sort(Comparator.comparing(ArtifactEntry::name));
    return entries;
  }

  @Override
  public InputStream open(ArtifactPath file) {
    Path p = resolve(file);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw CairnException.notFound("No artifact at '%s'", file);
    }
    try {
      return Files.newInputStream(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("No artifact at '%s'", file);
    } catch (IOException e) {
      throw failure("read", file, e);
    }
  }

  @Override
  public long size(ArtifactPath file) {
    Path p = resolve(file);
    try {
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public long write(ArtifactPath file, InputStream content) {
    if (file.isRoot()) {
      throw CairnException.invalid("Invalid artifact path '': a file name is required");
    }
    Path target = resolve(file);
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      resolve(file); // re-check: a link may have appeared while creating the parents
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw CairnException.invalid("Invalid artifact path '%s': it is a directory", file);
      }
      temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
      long written = Files.copy(content, temp);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return written;
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(temp);
      if (e instanceof java.nio.file.FileAlreadyExistsException
          || e instanceof java.nio.file.NotDirectoryException) {
        throw CairnException.invalid(
            "Invalid artifact path '%s': a file stands where a directory is needed", file);
      }
      throw failure("write", file, e instanceof IOException io ? io : new IOException(e));
    } catch (RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  /**
   * Moves a local file into place with one atomic rename, giving it the permissions a new file in
   * the store gets. When the file lies on another file system it is copied in as {@link #write}
   * does (a reserved temporary file, then a rename) and left where it was. The source must be a
   * regular file; no link is followed.
   */
  @Override
  public long writeFile(ArtifactPath file, Path source) {
    if (file.isRoot()) {
      throw CairnException.invalid("Invalid artifact path '': a file name is required");
    }
    try {
      if (!Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isRegularFile()) {
        throw new CairnException(
            ErrorCode.INTERNAL_ERROR,
            "Could not write the artifact '" + file + "': its source is not a regular file");
      }
    } catch (IOException e) {
      throw failure("write", file, e);
    }
    Path target = resolve(file);
    try {
      Files.createDirectories(target.getParent());
      resolve(file); // re-check: a link may have appeared while creating the parents
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw CairnException.invalid("Invalid artifact path '%s': it is a directory", file);
      }
      if (sourcePermissions != null) {
        Files.setPosixFilePermissions(source, sourcePermissions);
      }
      long size = Files.size(source);
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return size;
    } catch (AtomicMoveNotSupportedException e) {
      return ArtifactRepository.super.writeFile(file, source);
    } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
      throw CairnException.invalid(
          "Invalid artifact path '%s': a file stands where a directory is needed", file);
    } catch (IOException e) {
      throw failure("write", file, e);
    }
  }

  private static Set<PosixFilePermission> newFilePermissions(Path root) throws IOException {
    Path probe = root.resolve(TEMP_PREFIX + UUID.randomUUID());
    Files.createFile(probe);
    try {
      return posixPermissions(probe);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** A file's POSIX permissions, or null on a file system without them. */
  private static Set<PosixFilePermission> posixPermissions(Path p) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    return view == null ? null : view.readAttributes().permissions();
  }

  @Override
  public boolean delete(ArtifactPath path) {
    if (path.isRoot()) {
      throw CairnException.invalid("Refusing to delete the artifact root");
    }
    Path p = resolve(path);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      Files.walkFileTree(
          p,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              Files.delete(f);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
      return true;
    } catch (IOException e) {
      throw failure("delete", path, e);
    }
  }

  /**
   * Deletes an upload's temporary file that nobody has written to for an hour: what a crash or a
   * killed client left behind. A live upload keeps its file's modification time fresh.
   */
  private static void removeIfAbandoned(Path temp) {
    try {
      if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toMillis()
          < System.currentTimeMillis() - ABANDONED_AFTER_MILLIS) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException ignored) {
      // another listing removed it first, or it cannot be removed now; it stays hidden
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort: the temp file is hidden from listings anyway
      }
    }
  }

  private static CairnException failure(String action, ArtifactPath path, IOException e) {
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "Could not " + action + " the artifact '" + path + "': " + e.getClass().getSimpleName(),
        e);
  }
}
