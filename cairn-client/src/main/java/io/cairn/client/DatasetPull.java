package io.cairn.client;

import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.client.DatasetsClient.PullResult;
import io.cairn.client.DatasetsClient.Ref;
import io.cairn.client.DatasetsClient.VersionDetails;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A pull: resolve the reference once to a version number, keep the files already in place (same
 * size and sha256), download the others into temporary files next to their place, check each
 * sha256, and move them into place atomically.
 */
final class DatasetPull {
  private final DatasetsClient datasets;

  DatasetPull(DatasetsClient datasets) {
    this.datasets = datasets;
  }

  /** A file of the version and where it goes. */
  private record Planned(FileEntry file, Path target) {}

  PullResult run(Ref ref, Path dir, PullOptions options) {
    VersionDetails details = datasets.version(ref.name(), ref.apiRef());
    String name = details.version().dataset().isEmpty() ? ref.name() : details.version().dataset();
    long number = details.version().version();
    if (!options.allowGitFiles()) {
      GitNames.checkPull(name + "@" + number, details.files());
    }
    Path root;
    try {
      Files.createDirectories(dir);
      root = dir.toRealPath();
    } catch (IOException e) {
      throw CairnException.invalid("Cannot write to %s: %s", dir, LocalFiles.describe(e));
    }
    List<Planned> plan = new ArrayList<>();
    for (FileEntry f : details.files()) {
      plan.add(new Planned(f, target(root, f.path())));
    }
    ProgressListener progress = options.progress();

    List<Planned> candidates = new ArrayList<>();
    long checkBytes = 0;
    for (Planned p : plan) {
      if (sameSize(root, p)) {
        candidates.add(p);
        checkBytes += p.file().size();
      }
    }
    Set<Planned> present = ConcurrentHashMap.newKeySet();
    if (!candidates.isEmpty()) {
      AtomicLong done = new AtomicLong();
      ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[LocalFiles.BUFFER]);
      progress.begin("checking", candidates.size(), checkBytes);
      try {
        LocalFiles.forEach(
            candidates,
            Runtime.getRuntime().availableProcessors(),
            "check",
            p -> {
              try {
                LocalFiles.Hashed h =
                    LocalFiles.sha256(
                        p.target(), buffers.get(), n -> progress.progress(done.addAndGet(n)));
                if (h.sha256().equals(p.file().sha256())) {
                  present.add(p);
                }
              } catch (IOException e) {
                // unreadable: it is downloaded again and replaced
              }
            });
      } finally {
        progress.end();
      }
    }

    List<Planned> todo = new ArrayList<>();
    long total = 0;
    for (Planned p : plan) {
      if (!present.contains(p)) {
        todo.add(p);
        total += p.file().size();
      }
    }
    if (!todo.isEmpty()) {
      AtomicLong done = new AtomicLong();
      progress.begin("downloading", todo.size(), total);
      try {
        // Small files come in packs (one request for many), large ones alone. A task is an
        // index into todo, or -1 - k for the k-th pack.
        List<List<Planned>> packs = new ArrayList<>();
        List<Integer> tasks = new ArrayList<>();
        List<Planned> current = new ArrayList<>();
        long currentBytes = 0;
        for (int i = 0; i < todo.size(); i++) {
          long size = todo.get(i).file().size();
          if (size >= DatasetPush.PACK_FILE_LIMIT) {
            tasks.add(i);
            continue;
          }
          if (!current.isEmpty()
              && (currentBytes + size > DatasetPush.PACK_BYTES
                  || current.size() >= DatasetPush.PACK_FILES)) {
            packs.add(current);
            current = new ArrayList<>();
            currentBytes = 0;
          }
          current.add(todo.get(i));
          currentBytes += size;
        }
        if (!current.isEmpty()) {
          packs.add(current);
        }
        for (int k = packs.size() - 1; k >= 0; k--) {
          tasks.add(0, -1 - k);
        }
        LongConsumer got = n -> progress.progress(done.addAndGet(n));
        LocalFiles.forEach(
            tasks,
            options.parallelism(),
            "download",
            i -> {
              if (i >= 0) {
                Planned p = todo.get(i);
                fetch(name, number, p.file(), p.target(), root, got);
                return;
              }
              Map<String, Planned> byPath = new LinkedHashMap<>();
              packs.get(-1 - i).forEach(p -> byPath.put(p.file().path(), p));
              datasets.downloadPack(
                  name,
                  number,
                  List.copyOf(byPath.keySet()),
                  (path, in) -> {
                    Planned p = byPath.remove(path);
                    if (p == null) {
                      throw new CairnException(
                          ErrorCode.INVALID_STATE, "The server sent '" + path + "', not asked for");
                    }
                    fromFrame(p.file(), p.target(), root, in, got);
                  });
              if (!byPath.isEmpty()) {
                throw new CairnException(
                    ErrorCode.INVALID_STATE,
                    "The server's pack left out " + byPath.keySet().iterator().next());
              }
            });
      } finally {
        progress.end();
      }
    }
    long all = details.files().stream().mapToLong(FileEntry::size).sum();
    return new PullResult(
        name, number, details.files().size(), todo.size(), present.size(), total, all);
  }

  /** Where a dataset path goes under {@code root}; refused when it would leave it. */
  static Path target(Path root, String path) {
    try {
      Manifest.checkPath(path);
    } catch (CairnException e) {
      throw CairnException.invalid("Refusing to write '%s': %s", path, e.getMessage());
    }
    Path target = root.resolve(path.replace('/', root.getFileSystem().getSeparator().charAt(0)));
    target = target.normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw CairnException.invalid("Refusing to write '%s': it would land outside %s", path, root);
    }
    return target;
  }

  private static boolean sameSize(Path root, Planned p) {
    try {
      if (!p.target().getParent().toRealPath().startsWith(root)) {
        return false;
      }
      BasicFileAttributes a =
          Files.readAttributes(p.target(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() && a.size() == p.file().size();
    } catch (IOException e) {
      return false;
    }
  }

  /** Downloads one file to {@code target} through a checked temporary file next to it. */
  void fetch(String name, long version, FileEntry file, Path target, LongConsumer got) {
    Path abs = target.toAbsolutePath();
    fetch(name, version, file, abs, abs.getParent(), got);
  }

  private void fetch(
      String name, long version, FileEntry file, Path target, Path root, LongConsumer got) {
    Path temp = prepare(file, target, root);
    boolean moved = false;
    try {
      LocalFiles.Hashed h = datasets.download(name, version, file.path(), temp, got);
      moved = finish(file, temp, target, h);
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  /** Writes one file from a pack frame's bytes, checked like a download. */
  private void fromFrame(FileEntry file, Path target, Path root, InputStream in, LongConsumer got) {
    Path temp = tempName(file, target, root);
    boolean moved = false;
    try {
      java.security.MessageDigest md = Manifest.sha256();
      long size = 0;
      byte[] buffer = new byte[1 << 16];
      try (java.io.OutputStream out =
          Files.newOutputStream(
              temp,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          md.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
          got.accept(n);
        }
      } catch (IOException e) {
        throw CairnException.invalid("Cannot write '%s': %s", file.path(), LocalFiles.describe(e));
      }
      moved =
          finish(
              file,
              temp,
              target,
              new LocalFiles.Hashed(java.util.HexFormat.of().formatHex(md.digest()), size));
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
  }

  /** Folders already checked to lie under the root (and made), so each is checked once a pull. */
  private final Set<Path> checkedFolders = ConcurrentHashMap.newKeySet();

  /** Checks that {@code target}'s folder stays under {@code root} and makes a temp file in it. */
  private Path prepare(FileEntry file, Path target, Path root) {
    Path temp = tempName(file, target, root);
    try {
      Files.createFile(temp);
    } catch (IOException e) {
      throw CairnException.invalid(
          "Cannot write in %s: %s", temp.getParent(), LocalFiles.describe(e));
    }
    return temp;
  }

  /**
   * Checks that {@code target}'s folder stays under {@code root}, making it, and names a temp file
   * in it (not yet created).
   */
  private Path tempName(FileEntry file, Path target, Path root) {
    Path parent = target.getParent();
    if (checkedFolders.contains(parent)) {
      return parent.resolve(LocalFiles.PULL_TEMP_PREFIX + UUID.randomUUID() + ".part");
    }
    try {
      Path existing = parent;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(root.toRealPath())) {
        throw CairnException.invalid(
            "Refusing to write '%s': its folder leads outside %s (a symbolic link?)",
            file.path(), root);
      }
      Files.createDirectories(parent);
      if (!parent.toRealPath().startsWith(root.toRealPath())) {
        throw CairnException.invalid(
            "Refusing to write '%s': its folder leads outside %s (a symbolic link?)",
            file.path(), root);
      }
    } catch (FileAlreadyExistsException e) {
      throw CairnException.invalid(
          "Cannot write '%s': %s is in the way (a file where a folder should be)",
          file.path(), e.getFile());
    } catch (IOException e) {
      throw CairnException.invalid("Cannot write '%s': %s", file.path(), LocalFiles.describe(e));
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw CairnException.invalid("Cannot write '%s': %s is a folder", file.path(), target);
    }
    checkedFolders.add(parent);
    return parent.resolve(LocalFiles.PULL_TEMP_PREFIX + UUID.randomUUID() + ".part");
  }

  /** Moves a verified temp file into place; a digest that differs is the corruption error. */
  private static boolean finish(FileEntry file, Path temp, Path target, LocalFiles.Hashed h) {
    if (!h.sha256().equals(file.sha256())) {
      throw new CairnException(
          ErrorCode.INVALID_STATE,
          "file "
              + file.path()
              + " is corrupted on the server: expected sha256 "
              + file.sha256()
              + ", got "
              + h.sha256()
              + " ("
              + h.size()
              + " bytes; "
              + file.size()
              + " expected)");
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw CairnException.invalid("Cannot move %s into place: %s", target, LocalFiles.describe(e));
    }
    return true;
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // a leftover .cairn-pull- file is skipped by push and replaced by the next pull
    }
  }
}
