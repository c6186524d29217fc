package io.cairn.ml.table;

import io.cairn.core.dataset.TableFormat;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One file about to be read by DuckDB: what its first bytes say (gzip, binary, Parquet magic), and
 * the table function that reads it. The file's name says nothing (the server hands over temporary
 * files such as {@code blob-123.part}), so the compression and the format are always passed to
 * DuckDB explicitly.
 *
 * <p>DuckDB expands glob characters in the paths given to {@code read_csv} and {@code
 * read_parquet}; a path holding any is read through a symbolic link with a plain name, removed by
 * {@link #close}.
 */
final class TableFile implements AutoCloseable {
  /** How much of a text file (after decompression) is looked at for NUL bytes. */
  private static final int SNIFF_BYTES = 64 * 1024;

  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final TableFormat format;
  private final boolean gzip;
  private final String problem;
  private final Path readPath;
  private final Path link;

  private TableFile(TableFormat format, boolean gzip, String problem, Path readPath, Path link) {
    this.format = format;
    this.gzip = gzip;
    this.problem = problem;
    this.readPath = readPath;
    this.link = link;
  }

  /**
   * Looks at {@code file}'s first bytes. A file that is missing or cannot be read is
   * INTERNAL_ERROR: the caller's failure, not the user's data.
   *
   * @param linkDir where a symbolic link is made when the path holds glob characters
   */
  static TableFile open(Path file, TableFormat format, Supplier<Path> linkDir) {
    if (file == null || format == null) {
      throw new IllegalArgumentException("file and format are required");
    }
    try {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString());
      }
      long size = Files.size(file);
      if (size == 0) {
        return new TableFile(format, false, "The file is empty.", file, null);
      }
      boolean gzip = startsWithGzipMagic(file);
      String problem =
          format == TableFormat.PARQUET
              ? parquetProblem(file, size, gzip)
              : textProblem(file, gzip);
      Path readPath = file.toAbsolutePath();
      Path link = null;
      if (problem == null && hasGlobCharacters(readPath.toString())) {
        link = linkDir.get().resolve("table-" + UUID.randomUUID());
        Files.createSymbolicLink(link, readPath);
        readPath = link;
      }
      return new TableFile(format, gzip, problem, readPath, link);
    } catch (NoSuchFileException e) {
      // The caller's own (temporary) file: not the user's data, and its path is not for the user.
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "The table file to read is missing.", e);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "Could not read the table file.", e);
    }
  }

  TableFormat format() {
    return format;
  }

  /** Why the file cannot be a table of its format (one sentence), or null when DuckDB may try. */
  String problem() {
    return problem;
  }

  /** The path DuckDB reads, for removing it from DuckDB's messages. */
  String readPath() {
    return readPath.toString();
  }

  /**
   * The table function reading this file. {@code fullSample} makes the CSV reader sniff column
   * types over the whole file instead of its first rows (a slower second try, after a value late in
   * the file did not fit the type guessed from the beginning).
   */
  String from(boolean fullSample) {
    String path = Sql.literal(readPath.toString());
    if (format == TableFormat.PARQUET) {
      return "read_parquet(" + path + ")";
    }
    StringBuilder sql = new StringBuilder("read_csv(").append(path);
    sql.append(", compression = ").append(gzip ? "'gzip'" : "'none'");
    if (format == TableFormat.TSV) {
      sql.append(", delim = '\\t'");
    }
    if (fullSample) {
      sql.append(", sample_size = -1");
    }
    return sql.append(')').toString();
  }

  @Override
  public void close() {
    if (link != null) {
      try {
        Files.deleteIfExists(link);
      } catch (IOException e) {
        // The folder of links is removed with the profiler's temporary directory.
      }
    }
  }

  private static boolean startsWithGzipMagic(Path file) throws IOException {
    byte[] head = readAt(file, 0, 2);
    return head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
  }

  private static String parquetProblem(Path file, long size, boolean gzip) throws IOException {
    if (gzip) {
      return "The file is gzip-compressed, and Parquet files are never compressed as a whole.";
    }
    if (size < 12
        || !Arrays.equals(readAt(file, 0, 4), PARQUET_MAGIC)
        || !Arrays.equals(readAt(file, size - 4, 4), PARQUET_MAGIC)) {
      return "The file is not Parquet: it does not begin and end with the magic bytes PAR1.";
    }
    return null;
  }

  private static String textProblem(Path file, boolean gzip) throws IOException {
    byte[] head;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
      head = readUpTo(in, SNIFF_BYTES);
    } catch (ZipException | EOFException e) {
      return "The file starts like gzip but its compressed data is corrupt or truncated.";
    }
    if (head.length == 0) {
      return "The file is empty once decompressed.";
    }
    for (byte b : head) {
      if (b == 0) {
        return "The file holds binary data (NUL bytes), not delimited text.";
      }
    }
    return null;
  }

  private static byte[] readUpTo(InputStream in, int max) throws IOException {
    byte[] buf = new byte[max];
    int n = 0;
    while (n < max) {
      int r = in.read(buf, n, max - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return Arrays.copyOf(buf, n);
  }

  private static byte[] readAt(Path file, long position, int length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(length);
      while (buf.hasRemaining()) {
        if (ch.read(buf, position + buf.position()) < 0) {
          break;
        }
      }
      return Arrays.copyOf(buf.array(), buf.position());
    }
  }

  private static boolean hasGlobCharacters(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}') {
        return true;
      }
    }
    return false;
  }
}
