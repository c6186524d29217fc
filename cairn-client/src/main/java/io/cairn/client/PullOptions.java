package io.cairn.client;

/** How {@link DatasetsClient#pull} works: downloads at once (4) and who hears the progress. */
public final class PullOptions {
  private int parallelism = 4;
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

  public int parallelism() {
    return parallelism;
  }

  public ProgressListener progress() {
    return progress;
  }
}
