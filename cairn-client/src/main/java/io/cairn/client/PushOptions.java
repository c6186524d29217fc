package io.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link DatasetsClient#push} records a version: message, author (by default the operating
 * system's user name, as MLflow's {@code mlflow.user}), tags to point at it, whether an unchanged
 * push still makes a version, metadata, how many uploads run at once (4) and who hears the
 * progress.
 */
public final class PushOptions {
  private String message;
  private String author = System.getProperty("user.name");
  private final List<String> tags = new ArrayList<>();
  private boolean allowUnchanged;
  private boolean rehash;
  private JsonNode metadata;
  private int parallelism = 4;
  private ProgressListener progress = ProgressListener.NONE;

  public PushOptions message(String message) {
    this.message = message;
    return this;
  }

  public PushOptions author(String author) {
    this.author = author;
    return this;
  }

  public PushOptions tag(String tag) {
    this.tags.add(tag);
    return this;
  }

  public PushOptions tags(List<String> tags) {
    this.tags.addAll(tags);
    return this;
  }

  /** Hash every file again instead of trusting the hash cache of unchanged files. */
  public PushOptions rehash(boolean rehash) {
    this.rehash = rehash;
    return this;
  }

  public boolean rehash() {
    return rehash;
  }

  public PushOptions allowUnchanged(boolean allowUnchanged) {
    this.allowUnchanged = allowUnchanged;
    return this;
  }

  /** Free JSON metadata of the version (an object), or null. */
  public PushOptions metadata(JsonNode metadata) {
    this.metadata = metadata;
    return this;
  }

  public PushOptions parallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.parallelism = parallelism;
    return this;
  }

  public PushOptions progress(ProgressListener progress) {
    this.progress = progress == null ? ProgressListener.NONE : progress;
    return this;
  }

  public String message() {
    return message;
  }

  public String author() {
    return author;
  }

  public List<String> tags() {
    return List.copyOf(tags);
  }

  public boolean allowUnchanged() {
    return allowUnchanged;
  }

  public JsonNode metadata() {
    return metadata;
  }

  public int parallelism() {
    return parallelism;
  }

  public ProgressListener progress() {
    return progress;
  }
}
