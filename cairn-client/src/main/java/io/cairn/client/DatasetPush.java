package io.cairn.client;

import io.cairn.client.DatasetsClient.CommitResult;
import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.client.DatasetsClient.PushResult;
import io.cairn.client.LocalFiles.LocalFile;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A push: walk, hash in parallel, ask which contents are missing, upload those in parallel, commit;
 * when the commit finds a content gone (a garbage collection freed it meanwhile), upload what is
 * missing once more and commit again.
 */
final class DatasetPush {
  /** Files smaller than this go in packs. */
  static final long PACK_FILE_LIMIT = 1 << 20;

  static final long PACK_BYTES = 8 << 20;
  static final int PACK_FILES = 500;

  private final DatasetsClient datasets;

  DatasetPush(DatasetsClient datasets) {
    this.datasets = datasets;
  }

  /** What one round of uploads sent. */
  private record Uploaded(int files, long bytes) {}

  PushResult run(String name, Path fileOrFolder, PushOptions options) {
    DatasetService.checkName(name);
    options.tags().forEach(DatasetPush::checkTag);
    ProgressListener progress = options.progress();
    FolderScan.Found found = FolderScan.scan(fileOrFolder, progress::warning);
    if (found.skipped() != null) {
      progress.note(found.skipped());
    }
    List<LocalFile> local = found.files();
    HashCache cache = HashCache.of(fileOrFolder, options.rehash());
    List<FileEntry> files = hash(local, progress, cache);
    cache.save();
    Uploaded first = uploadMissing(local, files, options);
    DatasetsClient.Commit commit =
        new DatasetsClient.Commit(
            files,
            options.message(),
            options.author(),
            null,
            options.tags(),
            options.metadata(),
            options.allowUnchanged());
    CommitResult result;
    Uploaded again = new Uploaded(0, 0);
    try {
      result = datasets.commit(name, commit);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      // A content was freed by a garbage collection since we asked; upload it again.
      again = uploadMissing(local, files, options);
      result = datasets.commit(name, commit);
    }
    long total = files.stream().mapToLong(FileEntry::size).sum();
    long uploaded = first.bytes() + again.bytes();
    return new PushResult(
        name,
        result.version().version(),
        result.created(),
        files.size(),
        total,
        first.files() + again.files(),
        uploaded,
        Math.max(0, total - uploaded));
  }

  /** Every file's sha256, hashed on as many threads as there are processors. */
  static List<FileEntry> hash(List<LocalFile> local, ProgressListener progress) {
    return hash(local, progress, HashCache.of(Path.of("."), true));
  }

  /** Every file's sha256: remembered by the cache when unchanged, else hashed in parallel. */
  static List<FileEntry> hash(List<LocalFile> local, ProgressListener progress, HashCache cache) {
    FileEntry[] entries = new FileEntry[local.size()];
    List<Integer> indices = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < local.size(); i++) {
      LocalFile f = local.get(i);
      String known = cache.lookup(f.path(), f.file());
      if (known != null) {
        entries[i] = new FileEntry(f.path(), f.size(), known);
        continue;
      }
      indices.add(i);
      total += f.size();
    }
    AtomicLong done = new AtomicLong();
    ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[LocalFiles.BUFFER]);
    progress.begin("hashing", local.size(), total);
    try {
      LocalFiles.forEach(
          indices,
          Runtime.getRuntime().availableProcessors(),
          "hash",
          i -> {
            LocalFile f = local.get(i);
            try {
              LocalFiles.Hashed h =
                  LocalFiles.sha256(
                      f.file(), buffers.get(), n -> progress.progress(done.addAndGet(n)));
              entries[i] = new FileEntry(f.path(), h.size(), h.sha256());
              cache.remember(f.path(), f.file(), h.sha256());
            } catch (IOException e) {
              throw CairnException.invalid("Cannot read %s: %s", f.file(), LocalFiles.describe(e));
            }
          });
    } finally {
      progress.end();
    }
    return List.of(entries);
  }

  /** Asks which contents the server lacks and uploads them, one file per content. */
  private Uploaded uploadMissing(
      List<LocalFile> local, List<FileEntry> files, PushOptions options) {
    Map<String, Integer> firstBySha = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      firstBySha.putIfAbsent(files.get(i).sha256(), i);
    }
    List<Integer> todo = new ArrayList<>();
    long total = 0;
    for (String sha : datasets.missing(firstBySha.keySet())) {
      Integer i = firstBySha.get(sha);
      if (i != null) {
        todo.add(i);
        total += files.get(i).size();
      }
    }
    if (todo.isEmpty()) {
      return new Uploaded(0, 0);
    }
    ProgressListener progress = options.progress();
    AtomicLong done = new AtomicLong();
    // Small files travel in packs (one request, one database transaction for many), large ones
    // alone. A task is a file index, or -1 - k for the k-th pack.
    List<List<Integer>> packs = new ArrayList<>();
    List<Integer> tasks = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long currentBytes = 0;
    for (Integer i : todo) {
      long size = files.get(i).size();
      if (size >= PACK_FILE_LIMIT) {
        tasks.add(i);
        continue;
      }
      if (!current.isEmpty()
          && (currentBytes + size > PACK_BYTES || current.size() >= PACK_FILES)) {
        packs.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(i);
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      packs.add(current);
    }
    // Packs first: their per-file costs then overlap with the streaming of the large files.
    for (int k = packs.size() - 1; k >= 0; k--) {
      tasks.add(0, -1 - k);
    }
    progress.begin("uploading", todo.size(), total);
    try {
      LocalFiles.forEach(
          tasks,
          options.parallelism(),
          "upload",
          i -> {
            if (i < 0) {
              List<DatasetsClient.PackItem> items = new ArrayList<>();
              for (Integer j : packs.get(-1 - i)) {
                FileEntry f = files.get(j);
                items.add(
                    new DatasetsClient.PackItem(
                        f.sha256(), f.size(), local.get(j).file(), f.path()));
              }
              try {
                datasets.uploadPack(items, n -> progress.progress(done.addAndGet(n)));
              } catch (CairnException e) {
                if (e.code() == ErrorCode.INVALID_PARAMETER_VALUE) {
                  throw CairnException.invalid(
                      "Cannot upload small files (did one change while pushing?): %s",
                      e.getMessage());
                }
                throw e;
              }
              return;
            }
            FileEntry f = files.get(i);
            try {
              datasets.uploadBlob(
                  f.sha256(),
                  local.get(i).file(),
                  f.path(),
                  n -> progress.progress(done.addAndGet(n)));
            } catch (CairnException e) {
              if (e.code() == ErrorCode.INVALID_PARAMETER_VALUE) {
                throw CairnException.invalid(
                    "Cannot upload %s (did it change while pushing?): %s",
                    local.get(i).file(), e.getMessage());
              }
              throw e;
            }
          });
    } finally {
      progress.end();
    }
    return new Uploaded(todo.size(), total);
  }

  static void checkTag(String tag) {
    DatasetService.checkTag(tag);
  }
}
