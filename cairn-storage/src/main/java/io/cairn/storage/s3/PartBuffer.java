package io.cairn.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * One part of an upload of unknown length, read from the client's stream into memory: at most
 * {@code capacity} bytes, in an array that starts small and doubles, so a small artifact costs a
 * small buffer. S3 needs each part's length before its first byte is sent, hence the buffer. Not
 * thread-safe; one per upload.
 */
final class PartBuffer {
  private static final int INITIAL = 64 * 1024;
  private final int capacity;
  private byte[] bytes;
  private int length;

  PartBuffer(int capacity) {
    this.capacity = capacity;
    this.bytes = new byte[Math.min(INITIAL, capacity)];
  }

  /**
   * Reads the next part: up to {@code capacity} bytes, fewer only at the end of the stream. Returns
   * false when the stream had no bytes left.
   */
  boolean fill(InputStream in) throws IOException {
    length = 0;
    while (length < capacity) {
      if (length == bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(capacity, 2L * bytes.length));
      }
      int n = in.read(bytes, length, bytes.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    return length > 0;
  }

  boolean isFull() {
    return length == capacity;
  }

  int length() {
    return length;
  }

  /**
   * The buffered bytes as a request body that can be replayed on a retry. It shares the buffer:
   * send it before the next {@link #fill}.
   */
  RequestBody body(String contentType) {
    byte[] b = bytes;
    int n = length;
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(b, 0, n), n, contentType);
  }

  /** Writes the buffered bytes and then the rest of the stream to a file; returns the total. */
  long spill(InputStream rest, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(bytes, 0, length);
      return length + rest.transferTo(out);
    }
  }
}
