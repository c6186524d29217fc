package io.cairn.core.tracking;

import java.util.List;
import java.util.Random;

/**
 * Names for runs started without one, in MLflow's style: {@code adjective-noun-NNN}. Thread-safe.
 */
public final class RunNames {
  private static final List<String> ADJECTIVES =
      List.of(
          "able", "amazing", "bold", "brave", "bright", "calm", "casual", "clean", "clever",
          "crisp", "dapper", "eager", "fair", "fast", "gentle", "glad", "grand", "honest", "keen",
          "kind", "lively", "loud", "lucky", "merry", "nimble", "polite", "proud", "quick", "quiet",
          "rare", "shy", "silent", "sleek", "smooth", "steady", "sunny", "swift", "tidy", "vast",
          "wise");
  private static final List<String> NOUNS =
      List.of(
          "ant", "bass", "bat", "bear", "bee", "boar", "cairn", "carp", "cat", "crab", "crow",
          "deer", "doe", "dove", "eel", "elk", "finch", "fox", "frog", "goat", "hawk", "hen",
          "horse", "jay", "lark", "lynx", "mole", "moth", "newt", "owl", "ox", "ram", "robin",
          "seal", "shark", "slug", "snail", "squid", "stag", "swan", "toad", "trout", "wasp",
          "whale", "wolf", "wren", "yak");

  private final Random random;

  public RunNames(Random random) {
    this.random = random;
  }

  public String next() {
    synchronized (random) {
      return ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))
          + "-"
          + NOUNS.get(random.nextInt(NOUNS.size()))
          + "-"
          + random.nextInt(1000);
    }
  }
}
