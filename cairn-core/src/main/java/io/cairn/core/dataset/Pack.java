package io.cairn.core.dataset;

import io.cairn.core.error.CairnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The framing of many small contents in one HTTP body, uploads and downloads alike: per content a
 * header line {@code <sha256> <size> <URL-encoded path or ->\n}, then exactly {@code size} bytes.
 */
public final class Pack {
  /** The longest header line: a digest, a size and a URL-encoded path. */
  static final int MAX_HEADER = 64 + 1 + 20 + 1 + 3 * Manifest.MAX_PATH_LENGTH + 1;

  private Pack() {}

  /** One frame's header; {@code path} is null when the sender gave none. */
  public record Frame(String sha256, long size, String path) {}

  /** The header line of a frame. */
  public static byte[] header(String sha256, long size, String path) {
    String name = path == null ? "-" : URLEncoder.encode(path, StandardCharsets.UTF_8);
    return (sha256 + " " + size + " " + name + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the next frame's header, or null at the end of the body. A malformed header is
   * INVALID_PARAMETER_VALUE naming frame number {@code frame}.
   */
  public static Frame next(InputStream in, int frame) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b != '\n') {
      if (b < 0) {
        throw CairnException.invalid("Pack frame %d: the body ended inside a header.", frame);
      }
      if (line.size() >= MAX_HEADER) {
        throw CairnException.invalid("Pack frame %d: the header line is too long.", frame);
      }
      line.write(b);
      b = in.read();
    }
    String header = line.toString(StandardCharsets.UTF_8);
    String[] parts = header.split(" ", -1);
    if (parts.length != 3) {
      throw CairnException.invalid(
          "Pack frame %d: expected '<sha256> <size> <path>', got '%s'.",
          frame, header.length() > 80 ? header.substring(0, 80) + "..." : header);
    }
    Manifest.checkSha256(parts[0]);
    long size;
    try {
      size = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < 0) {
      throw CairnException.invalid("Pack frame %d: '%s' is not a size.", frame, parts[1]);
    }
    String path = parts[2].equals("-") ? null : URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
    return new Frame(parts[0], size, path);
  }

  /**
   * The next {@code size} bytes of a stream as a stream of their own; closing it closes nothing.
   */
  public static InputStream bounded(InputStream in, long size) {
    return new InputStream() {
      private long left = size;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }
}
