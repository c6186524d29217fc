package io.cairn.client;

/**
 * Hears how a push or a pull advances. Work comes in phases ({@code "hashing"}, {@code
 * "uploading"}, {@code "checking"}, {@code "downloading"}); each phase's total bytes are known when
 * it begins, and {@link #progress} reports the bytes done so far. Called from several threads at
 * once, so implementations must be thread-safe; a failed upload that is retried takes its bytes
 * back, so the count can go down.
 */
public interface ProgressListener {
  /** Hears nothing. */
  ProgressListener NONE = new ProgressListener() {};

  /** A phase begins: {@code files} files of {@code totalBytes} bytes in all. */
  default void begin(String phase, int files, long totalBytes) {}

  /** Bytes done so far in the current phase. */
  default void progress(long bytesDone) {}

  /** The current phase is over (also when it failed). */
  default void end() {}

  /** Something the user should know that does not stop the work (a skipped symbolic link). */
  default void warning(String message) {}

  /** What the user should know about the work that is no warning (what a push left out). */
  default void note(String message) {}
}
