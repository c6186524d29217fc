package io.cairn.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A stream of {@code length} pseudo-random bytes from a seed, made on the fly (no memory held),
 * that throws after {@code failAfter} bytes when that is not negative: a client going away.
 */
public final class GeneratedStream extends InputStream {
  private final long length;
  private final long failAfter;
  private final SplittableRandom random;
  private long position;

  public GeneratedStream(long length, long seed, long failAfter) {
    this.length = length;
    this.failAfter = failAfter;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failAfter >= 0 && position >= failAfter) {
      throw new IOException("client went away");
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    if (failAfter >= 0) {
      n = (int) Math.min(n, failAfter - position);
    }
    for (int i = 0; i < n; i++) {
      b[off + i] = (byte) random.nextInt(256);
    }
    position += n;
    return n;
  }

  /** The SHA-256 of a stream's bytes, in hex; reads it to the end. */
  public static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
