package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.EntityType;
import io.cairn.core.search.Filter;
import io.cairn.core.tracking.LoggedModelOrder;
import io.cairn.core.tracking.MetricDataset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL of a logged-model search, as MLflow's {@code search_logged_models}: a filter, the
 * datasets its metric comparisons look at (or that a model must have metrics on), and an order
 * whose metrics may be those of one dataset; then newest first and model id.
 */
final class LoggedModelSearchSql {
  /** A metric comparison sees each model's latest value of the metric (of each dataset given). */
  private static final String LATEST_ROW =
      "k.is_nan = FALSE AND NOT EXISTS (SELECT 1 FROM logged_model_metrics n WHERE"
          + " n.model_id = k.model_id AND n.key = k.key AND (n.step, n.timestamp, n.value)"
          + " > (k.step, k.timestamp, k.value)";

  private static final Map<String, String> ATTRIBUTES =
      Map.of(
          "model_id", "lm.model_id",
          "name", "lm.name",
          "model_type", "lm.model_type",
          "status", "lm.status",
          "source_run_id", "lm.source_run_id",
          "experiment_id", "CAST(lm.experiment_id AS TEXT)",
          "creation_timestamp", "lm.creation_timestamp_ms",
          "last_updated_timestamp", "lm.last_updated_timestamp_ms");

  private LoggedModelSearchSql() {}

  /** The query (its columns given) and, into {@code args}, its arguments. */
  static String select(
      String columns,
      Collection<String> experimentIds,
      Filter filter,
      List<LoggedModelOrder> orderBy,
      List<MetricDataset> datasets,
      int limit,
      long offset,
      Dialect dialect,
      List<Object> args) {
    experimentIds.forEach(id -> args.add(Long.parseLong(id)));
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(columns)
            .append(" FROM logged_models lm WHERE lm.experiment_id IN (")
            .append(Tx.placeholders(experimentIds.size()))
            .append(") AND lm.lifecycle_stage = 'active' AND ")
            .append(FilterSql.compile(filter, entity(datasets), dialect, args));
    if (!datasets.isEmpty() && !comparesMetrics(filter)) {
      sql.append(" AND lm.model_id IN (SELECT d.model_id FROM logged_model_metrics d WHERE ")
          .append(onDatasets("d", datasets, args))
          .append(')');
    }
    sql.append(" ORDER BY ").append(order(orderBy, args)).append(" LIMIT ? OFFSET ?");
    args.add(limit);
    args.add(offset);
    return sql.toString();
  }

  private static FilterSql.Entity entity(List<MetricDataset> datasets) {
    List<Object> metricArgs = new ArrayList<>();
    String metricRows =
        datasets.isEmpty()
            ? LATEST_ROW + ")"
            : LATEST_ROW
                + " AND n.dataset_name = k.dataset_name AND n.dataset_digest = k.dataset_digest) AND "
                + onDatasets("k", datasets, metricArgs);
    Map<EntityType, FilterSql.KeyedTable> keyed = new HashMap<>();
    keyed.put(EntityType.PARAM, new FilterSql.KeyedTable("logged_model_params", "model_id", null));
    keyed.put(EntityType.TAG, new FilterSql.KeyedTable("logged_model_tags", "model_id", null));
    keyed.put(
        EntityType.METRIC,
        new FilterSql.KeyedTable("logged_model_metrics", "model_id", metricRows, metricArgs));
    return new FilterSql.Entity(
        "lm.model_id", ATTRIBUTES, keyed, LoggedModelSearchSql::statusValue);
  }

  /** Metric rows (as {@code alias}) logged on one of the datasets. */
  private static String onDatasets(String alias, List<MetricDataset> datasets, List<Object> args) {
    StringBuilder sql = new StringBuilder("(");
    for (MetricDataset d : datasets) {
      sql.append(sql.length() > 1 ? " OR " : "")
          .append('(')
          .append(alias)
          .append(".dataset_name = ?");
      args.add(d.name());
      if (d.digest() != null) {
        sql.append(" AND ").append(alias).append(".dataset_digest = ?");
        args.add(d.digest());
      }
      sql.append(')');
    }
    return sql.append(") AND ").append(alias).append(".dataset_name <> ''").toString();
  }

  private static boolean comparesMetrics(Filter filter) {
    if (filter instanceof Filter.And and) {
      return and.parts().stream().anyMatch(LoggedModelSearchSql::comparesMetrics);
    }
    if (filter instanceof Filter.Or or) {
      return or.parts().stream().anyMatch(LoggedModelSearchSql::comparesMetrics);
    }
    return filter instanceof Filter.Comparison c && c.identifier().type() == EntityType.METRIC;
  }

  private static String order(List<LoggedModelOrder> orderBy, List<Object> args) {
    StringBuilder order = new StringBuilder();
    boolean byCreation = false;
    for (LoggedModelOrder o : orderBy) {
      String dir = o.by().ascending() ? " ASC" : " DESC";
      String key = o.by().identifier().key();
      if (o.by().identifier().type() == EntityType.METRIC) {
        String latest = latest(o, args);
        order.append("CASE WHEN ").append(latest).append(" IS NULL THEN 1 ELSE 0 END, ");
        order.append(latest(o, args)).append(dir).append(", ");
      } else if (o.by().identifier().type() == EntityType.ATTRIBUTE) {
        String column = key.equals("experiment_id") ? "lm.experiment_id" : ATTRIBUTES.get(key);
        byCreation |= key.equals("creation_timestamp");
        order.append("(").append(column).append(" IS NULL), ").append(column).append(dir);
        order.append(", ");
      } else {
        throw CairnException.invalid(
            "Invalid order by field name: %s. Only metrics are supported.", key);
      }
    }
    if (!byCreation) {
      order.append("lm.creation_timestamp_ms DESC, ");
    }
    return order.append("lm.model_id ASC").toString();
  }

  /** The latest point of a metric (of the order's dataset), as a correlated scalar subquery. */
  private static String latest(LoggedModelOrder o, List<Object> args) {
    StringBuilder sql =
        new StringBuilder(
            "(SELECT m.value FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND m.key = ?");
    args.add(o.by().identifier().key());
    if (o.datasetName() != null) {
      sql.append(" AND m.dataset_name = ?");
      args.add(o.datasetName());
    }
    if (o.datasetDigest() != null) {
      sql.append(" AND m.dataset_digest = ?");
      args.add(o.datasetDigest());
    }
    return sql.append(
            " AND m.is_nan = FALSE ORDER BY m.step DESC, m.timestamp DESC, m.value DESC LIMIT 1)")
        .toString();
  }

  /**
   * Lets filters say {@code status = 'READY'} as MLflow's do, for the stored LOGGED_MODEL_READY.
   */
  private static Object statusValue(String attribute, Object value) {
    if (!attribute.equals("status")) {
      return value;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> statusValue(attribute, v)).toList();
    }
    String text = String.valueOf(value).toUpperCase(Locale.ROOT);
    return switch (text) {
      case "READY", "PENDING" -> "LOGGED_MODEL_" + text;
      case "FAILED", "UPLOAD_FAILED" -> "LOGGED_MODEL_UPLOAD_FAILED";
      case "UNSPECIFIED" -> "LOGGED_MODEL_STATUS_UNSPECIFIED";
      default -> text;
    };
  }
}
