package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** MLflow's input rules (mlflow/utils/validation.py), checked once before anything is stored. */
public final class Validation {
  public static final int MAX_KEY_LENGTH = 250;
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  public static final int MAX_EXPERIMENT_TAG_VALUE_LENGTH = 20000;
  public static final int MAX_ARTIFACT_LOCATION_LENGTH = 2048;
  public static final int MAX_BATCH_METRICS = 1000;
  public static final int MAX_BATCH_PARAMS = 100;
  public static final int MAX_BATCH_TAGS = 100;
  public static final int MAX_BATCH_TOTAL = 1000;
  public static final int MAX_DATASET_NAME_LENGTH = 500;
  public static final int MAX_DATASET_DIGEST_LENGTH = 36;
  public static final int MAX_DATASET_SOURCE_LENGTH = 65535;
  public static final int MAX_DATASET_SCHEMA_LENGTH = 1048575;
  public static final int MAX_DATASET_PROFILE_LENGTH = 16777215;

  private static final Pattern KEY =
      Pattern.compile("^[/\\w.\\- :]*$", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern RUN_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");
  private static final Pattern EXPERIMENT_ID = Pattern.compile("^[0-9]{1,18}$");

  private Validation() {}

  /**
   * Checks a metric, param or tag key: MLflow's characters, length, and a path that is its own
   * normal form.
   */
  public static void key(String kind, String key) {
    if (key == null || key.isEmpty()) {
      throw CairnException.invalid(
          "Missing value for parameter '%s' key: a non-empty key is required", kind);
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw CairnException.invalid(
          "%s key '%s...' is %d characters long: the limit is %d",
          capital(kind), key.substring(0, 40), key.length(), MAX_KEY_LENGTH);
    }
    if (!KEY.matcher(key).matches()) {
      throw CairnException.invalid(
          "Invalid %s name: '%s'. Names may only contain alphanumerics, underscores (_), dashes (-),"
              + " periods (.), spaces ( ), colon(:) and slashes (/).",
          kind, key);
    }
    if (key.startsWith("/")
        || key.contains("//")
        || key.equals(".")
        || key.startsWith("./")
        || key.endsWith("/.")
        || key.contains("/./")
        || key.equals("..")
        || key.startsWith("../")
        || key.contains("/../")
        || key.endsWith("/..")) {
      throw CairnException.invalid(
          "Invalid %s name: '%s'. Names must be relative paths that need no normalising (no leading"
              + " '/', no '//', '.' or '..' parts).",
          kind, key);
    }
  }

  public static void paramValue(String key, String value) {
    if (value.length() > MAX_PARAM_VALUE_LENGTH) {
      throw CairnException.invalid(
          "Param value for '%s' is %d characters long: the limit is %d",
          key, value.length(), MAX_PARAM_VALUE_LENGTH);
    }
  }

  public static void tagValue(String key, String value, int limit) {
    if (value.length() > limit) {
      throw CairnException.invalid(
          "Tag value for '%s' is %d characters long: the limit is %d", key, value.length(), limit);
    }
  }

  /** Whether a text has the form of a run id (whether or not such a run exists). */
  public static boolean isRunId(String runId) {
    return RUN_ID.matcher(runId).matches();
  }

  public static void runId(String runId) {
    if (runId == null || runId.isEmpty()) {
      throw CairnException.invalid("Missing value for parameter 'run_id'");
    }
    if (!RUN_ID.matcher(runId).matches()) {
      throw CairnException.invalid(
          "Invalid value '%s' for parameter 'run_id': not a run id", clip(runId));
    }
  }

  public static void experimentId(String experimentId) {
    if (experimentId == null || experimentId.isEmpty()) {
      throw CairnException.invalid("Missing value for parameter 'experiment_id'");
    }
    if (!EXPERIMENT_ID.matcher(experimentId).matches()) {
      throw CairnException.invalid(
          "Invalid experiment ID '%s'. Experiment ID must be a valid integer.", clip(experimentId));
    }
  }

  /** At most this many experiment ids or IN-list values in one search. */
  public static final int MAX_SEARCH_IDS = 5000;

  public static void experimentIds(java.util.Collection<String> ids) {
    if (ids.size() > MAX_SEARCH_IDS) {
      throw CairnException.invalid(
          "A search can name at most %d experiment ids, got %d", MAX_SEARCH_IDS, ids.size());
    }
    ids.forEach(Validation::experimentId);
  }

  public static void experimentName(String name) {
    if (name == null || name.isBlank()) {
      throw CairnException.invalid("Invalid experiment name: a non-empty name is required");
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw CairnException.invalid(
          "Experiment name is %d characters long: the limit is %d",
          name.length(), MAX_EXPERIMENT_NAME_LENGTH);
    }
  }

  public static int maxResults(Integer requested, int defaultValue, int limit) {
    if (requested == null) {
      return defaultValue;
    }
    if (requested < 1) {
      throw CairnException.invalid("max_results must be a positive integer, got %d", requested);
    }
    if (requested > limit) {
      throw CairnException.invalid("max_results must be at most %d, got %d", limit, requested);
    }
    return requested;
  }

  /** Checks a batch's size limits and that no param key is given twice. */
  public static void batch(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    batchLimit("metrics", metrics.size(), MAX_BATCH_METRICS);
    batchLimit("params", params.size(), MAX_BATCH_PARAMS);
    batchLimit("tags", tags.size(), MAX_BATCH_TAGS);
    int total = metrics.size() + params.size() + tags.size();
    if (total > MAX_BATCH_TOTAL) {
      batchLimit("metrics, params, and tags in total", total, MAX_BATCH_TOTAL);
    }
    Set<String> seen = new HashSet<>();
    for (Param p : params) {
      if (!seen.add(p.key())) {
        throw CairnException.invalid(
            "Duplicate parameter keys have been submitted: ['%s']. Please ensure the request contains"
                + " only one param value per param key.",
            p.key());
      }
    }
    for (Metric m : metrics) {
      key("metric", m.key());
      if (m.timestamp() < 0) {
        throw CairnException.invalid(
            "Invalid timestamp %d for metric '%s': timestamps are milliseconds since the epoch, >= 0",
            m.timestamp(), m.key());
      }
    }
    for (Param p : params) {
      key("param", p.key());
      paramValue(p.key(), p.value());
    }
    for (Tag t : tags) {
      key("tag", t.key());
      tagValue(t.key(), t.value(), MAX_TAG_VALUE_LENGTH);
    }
  }

  private static void batchLimit(String entity, int count, int limit) {
    if (count > limit) {
      throw CairnException.invalid(
          "A batch logging request can contain at most %d %s. Got %d %s. Please split up %s across"
              + " multiple requests and try again.",
          limit, entity, count, entity, entity);
    }
  }

  public static void maxLength(String field, String value, int limit) {
    if (value != null && value.length() > limit) {
      throw CairnException.invalid(
          "%s is %d characters long: the limit is %d", field, value.length(), limit);
    }
  }

  static String clip(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
