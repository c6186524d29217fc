package io.cairn.core.tracking;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

/**
 * Makes the ids Cairn hands out: run ids (32 hex digits, as MLflow's) and logged-model ids ({@code
 * m-} and 32 hex digits). Injected so tests can make them predictable. Thread-safe.
 */
public final class Ids {
  private final Random random;

  public Ids(Random random) {
    this.random = random;
  }

  public static Ids secure() {
    return new Ids(new SecureRandom());
  }

  public String newRunId() {
    return hex32();
  }

  public String newModelId() {
    return "m-" + hex32();
  }

  private String hex32() {
    byte[] bytes = new byte[16];
    synchronized (random) {
      random.nextBytes(bytes);
    }
    return HexFormat.of().formatHex(bytes);
  }
}
