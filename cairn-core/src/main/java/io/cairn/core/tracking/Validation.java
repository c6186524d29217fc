package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MLflow's input rules (mlflow/utils/validation.py), checked once before anything is stored.
 * Messages start with MLflow's standard forms ("Invalid value X for parameter 'p' supplied",
 * "Missing value for required parameter 'p'.", "'p' exceeds the maximum length of N characters"),
 * so tools that match them keep working, and go on to say what was found and what was expected.
 */
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
          "Missing value for required parameter 'key'. A %s needs a non-empty key.", kind);
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw CairnException.invalid(
          "'%s' exceeds the maximum length of %d characters: the %s key '%s...' is %d characters"
              + " long",
          lengthEntity(kind), MAX_KEY_LENGTH, kind, key.substring(0, 40), key.length());
    }
    if (!KEY.matcher(key).matches()) {
      throw CairnException.invalid(
          "Invalid value %s for parameter '%s' supplied: not a valid %s name. Names may only"
              + " contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ),"
              + " colon(:) and slashes (/).",
          quote(key), keyParameter(kind), kind);
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
          "Invalid value %s for parameter '%s' supplied: not a valid %s name. Names may be treated"
              + " as files, so they must be relative paths that need no normalising (no leading"
              + " '/', no '//', '.' or '..' parts).",
          quote(key), keyParameter(kind), kind);
    }
  }

  /** The parameter MLflow names in a bad key's message: a metric's key is its 'name'. */
  private static String keyParameter(String kind) {
    return kind.equals("metric") ? "name" : "key";
  }

  /** The entity MLflow names when a key is too long ('Param key', 'Metric name', 'key'). */
  private static String lengthEntity(String kind) {
    return switch (kind) {
      case "param" -> "Param key";
      case "metric" -> "Metric name";
      default -> "key";
    };
  }

  /** An experiment's artifact location, at most {@link #MAX_ARTIFACT_LOCATION_LENGTH} long. */
  public static void artifactLocation(String location) {
    if (location != null && location.length() > MAX_ARTIFACT_LOCATION_LENGTH) {
      throw CairnException.invalid(
          "Invalid artifact path length. The length of the artifact path cannot be greater than %d"
              + " characters; got %d.",
          MAX_ARTIFACT_LOCATION_LENGTH, location.length());
    }
  }

  public static void paramValue(String key, String value) {
    if (value.length() > MAX_PARAM_VALUE_LENGTH) {
      throw CairnException.invalid(
          "'value' exceeds the maximum length of %d characters: the value of param '%s' is %d"
              + " characters long",
          MAX_PARAM_VALUE_LENGTH, key, value.length());
    }
  }

  public static void tagValue(String key, String value, int limit) {
    if (value.length() > limit) {
      throw CairnException.invalid(
          "'value' exceeds the maximum length of %d characters: the value of tag '%s' is %d"
              + " characters long",
          limit, key, value.length());
    }
  }

  /** Whether a text has the form of a run id (whether or not such a run exists). */
  public static boolean isRunId(String runId) {
    return RUN_ID.matcher(runId).matches();
  }

  public static void runId(String runId) {
    if (runId == null || runId.isEmpty()) {
      throw CairnException.invalid(missing("run_id"));
    }
    if (!RUN_ID.matcher(runId).matches()) {
      throw CairnException.invalid(
          "Invalid value %s for parameter 'run_id' supplied: not a run id (expected letters,"
              + " digits, '_' and '-', starting with a letter or digit)",
          quote(clip(runId)));
    }
  }

  public static void experimentId(String experimentId) {
    if (experimentId == null || experimentId.isEmpty()) {
      throw CairnException.invalid(missing("experiment_id"));
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
      throw CairnException.invalid(
          "Invalid experiment name: '%s'. A non-empty name is required.", name == null ? "" : name);
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw CairnException.invalid(
          "'name' exceeds the maximum length of %d characters: the experiment name is %d"
              + " characters long",
          MAX_EXPERIMENT_NAME_LENGTH, name.length());
    }
  }

  public static int maxResults(Integer requested, int defaultValue, int limit) {
    if (requested == null) {
      return defaultValue;
    }
    if (requested < 1) {
      throw CairnException.invalid(
          "Invalid value %d for parameter 'max_results' supplied. It must be a positive integer.",
          requested);
    }
    if (requested > limit) {
      throw CairnException.invalid(
          "Invalid value %d for parameter 'max_results' supplied. It must be at most %d.",
          requested, limit);
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
            "Invalid value %d for parameter 'timestamp' supplied: metric '%s' needs milliseconds"
                + " since the epoch, >= 0",
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
          "'%s' exceeds the maximum length of %d characters: got %d", field, limit, value.length());
    }
  }

  /** MLflow's message for a required parameter that is absent or empty. */
  public static String missing(String parameter) {
    return "Missing value for required parameter '" + parameter + "'.";
  }

  /** A value as MLflow shows it in messages: JSON (a string in double quotes, escaped). */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  static String clip(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
