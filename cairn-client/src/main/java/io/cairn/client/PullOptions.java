package io.cairn.client;

/**
 * How {@link DatasetsClient#pull} works: downloads at once (4), who hears the progress, and whether
 * files inside a {@code .git} folder may be written (not by default).
 */
public final class PullOptions {
  private int parallelism = 4;
  private boolean allowGitFiles;
  private ProgressListener progress = ProgressListener.NONE;

  public PullOptions parallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.parallelism = parallelism;
    return this;
  }

  public PullOptions progress(ProgressListener progress) {
    this.progress = progress == null ? ProgressListener.NONE : progress;
    return this;
  }

  /**
   * Write the version's files inside a {@code .git} folder (any case, or an alias a file system
   * takes for it) too. Off by default: git would read them as its own configuration and run
   * commands of whoever pushed the version.
   */
  public PullOptions allowGitFiles(boolean allowGitFiles) {
    this.allowGitFiles = allowGitFiles;
    return this;
  }

  public boolean allowGitFiles() {
    return allowGitFiles;
  }

  public int parallelism() {
    return parallelism;
  }

  public ProgressListener progress() {
    return progress;
  }
}
