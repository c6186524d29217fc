package io.cairn.client;

import io.cairn.client.LocalFiles.LocalFile;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.error.CairnException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the files a push takes: the regular files under a folder, or one file. Left out: git's own
 * folders and files at any depth ({@code .git}, see {@link GitNames}), what the folder's {@code
 * .cairnignore} ignores (and that file itself, as DVC keeps {@code .dvcignore} out of its data), a
 * pull's leftover temporary files; symbolic links and special files are skipped with a warning
 * (never followed).
 */
final class FolderScan {
  private FolderScan() {}

  /** The files found, by dataset path, and what was left out. */
  record Found(List<LocalFile> files, int ignoredFiles, int ignoredFolders, int gitEntries) {
    /** One line on what was left out, e.g. "skipped 3 files by .cairnignore, .git/ excluded". */
    String skipped() {
      List<String> parts = new ArrayList<>();
      if (ignoredFiles > 0 || ignoredFolders > 0) {
        String files = ignoredFiles == 0 ? "" : count(ignoredFiles, "file");
        String folders = ignoredFolders == 0 ? "" : count(ignoredFolders, "folder");
        String and = files.isEmpty() || folders.isEmpty() ? "" : " and ";
        parts.add("skipped " + files + and + folders + " by " + IgnoreRules.FILE_NAME);
      }
      if (gitEntries > 0) {
        parts.add(".git/ excluded");
      }
      return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static String count(int n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }

  /**
   * Scans {@code fileOrFolder}: a folder gives its files by '/'-path relative to it, sorted; a
   * single file is a dataset of that file by its name. Fails with RESOURCE_DOES_NOT_EXIST when
   * nothing is there, INVALID_PARAMETER_VALUE when it cannot be read or nothing is left to push.
   */
  static Found scan(Path fileOrFolder, Consumer<String> warn) {
    Path start;
    BasicFileAttributes top;
    try {
      start = fileOrFolder.toRealPath();
      top = Files.readAttributes(start, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("No file or folder at %s", fileOrFolder);
    } catch (IOException e) {
      throw CairnException.invalid("Cannot read %s: %s", fileOrFolder, LocalFiles.describe(e));
    }
    Found found;
    if (top.isRegularFile()) {
      Path named = fileOrFolder.toAbsolutePath().normalize().getFileName();
      String name = (named != null ? named : start.getFileName()).toString();
      found =
          GitNames.isGitName(name)
              ? new Found(List.of(), 0, 0, 1)
              : new Found(List.of(new LocalFile(name, start, top.size())), 0, 0, 0);
    } else if (top.isDirectory()) {
      found = walk(start, fileOrFolder, IgnoreRules.of(start), warn);
    } else {
      throw CairnException.invalid("%s is neither a regular file nor a folder", fileOrFolder);
    }
    if (found.files().isEmpty()) {
      String skipped = found.skipped();
      throw CairnException.invalid(
          "There are no files to push under %s%s",
          fileOrFolder, skipped == null ? "" : " (" + skipped + ")");
    }
    for (LocalFile f : found.files()) {
      try {
        Manifest.checkPath(f.path());
      } catch (CairnException e) {
        throw CairnException.invalid("Cannot push %s: %s", f.file(), e.getMessage());
      }
    }
    return found;
  }

  private static Found walk(Path start, Path given, IgnoreRules rules, Consumer<String> warn) {
    List<LocalFile> out = new ArrayList<>();
    int[] left = new int[3]; // ignored files, ignored folders, git entries
    try {
      Files.walkFileTree(
          start,
          EnumSet.noneOf(FileVisitOption.class),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (dir.equals(start)) {
                return FileVisitResult.CONTINUE;
              }
              if (GitNames.isGitName(dir.getFileName().toString())) {
                left[2]++;
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (rules.ignores(LocalFiles.relative(start, dir), true)) {
                left[1]++;
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String path = LocalFiles.relative(start, file);
              String name = file.getFileName().toString();
              if (GitNames.isGitName(name)) {
                left[2]++;
              } else if (path.equals(IgnoreRules.FILE_NAME)
                  || name.startsWith(LocalFiles.PULL_TEMP_PREFIX)) {
                // the rules themselves, and a pull's leftover temporary file
              } else if (rules.ignores(path, attrs.isDirectory())) {
                left[0]++;
              } else if (attrs.isSymbolicLink()) {
                warn.accept("skipped symbolic link " + path);
              } else if (!attrs.isRegularFile()) {
                warn.accept("skipped " + path + ": not a regular file");
              } else {
                out.add(new LocalFile(path, file, attrs.size()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              throw e;
            }
          });
    } catch (IOException e) {
      throw CairnException.invalid("Cannot read %s: %s", given, LocalFiles.describe(e));
    }
    out.sort(Comparator.comparing(LocalFile::path));
    return new Found(out, left[0], left[1], left[2]);
  }
}
