package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Aggregate;
import io.cairn.core.search.EntityType;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.ViewType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The SQL of one run search: filter, order_by joins, MLflow's tie-breakers and the page. */
record RunSearchSql(String sql, Object[] args) {
  static final FilterSql.Entity RUNS =
      new FilterSql.Entity(
          "r.run_uuid",
          Map.of(
              "run_id", "r.run_uuid",
              "run_name", "r.name",
              "status", "r.status",
              "user_id", "r.user_id",
              "artifact_uri", "r.artifact_uri",
              "lifecycle_stage", "r.lifecycle_stage",
              "start_time", "r.start_time",
              "end_time", "r.end_time"),
          Map.of(
              EntityType.METRIC,
                  new FilterSql.KeyedTable("latest_metrics", "run_uuid", "k.is_nan = FALSE"),
              EntityType.PARAM, new FilterSql.KeyedTable("params", "run_uuid", null),
              EntityType.TAG, new FilterSql.KeyedTable("tags", "run_uuid", null),
              EntityType.DATASET, new FilterSql.KeyedTable("run_dataset_inputs", "run_uuid", null)),
          (attribute, value) -> value);

  static RunSearchSql build(
      Collection<String> experimentIds,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      int limit,
      long offset,
      Dialect dialect) {
    List<Object> joinArgs = new ArrayList<>();
    StringBuilder joins = new StringBuilder();
    StringBuilder order = new StringBuilder();
    boolean byStartTime = false;
    int n = 0;
    for (OrderBy o : orderBy) {
      String dir = o.ascending() ? " ASC" : " DESC";
      String key = o.identifier().key();
      switch (o.identifier().type()) {
        case ATTRIBUTE -> {
          String column = RUNS.attributeColumns().get(key);
          byStartTime |= key.equals("start_time");
          order.append("(").append(column).append(" IS NULL), ").append(column).append(dir);
        }
        case METRIC -> {
          String alias = "o" + n++;
          joins
              .append(" LEFT JOIN latest_metrics ")
              .append(alias)
              .append(" ON ")
              .append(alias)
              .append(".run_uuid = r.run_uuid AND ")
              .append(alias)
              .append(".key = ?");
          joinArgs.add(key);
          String column =
              alias
                  + (o.identifier().aggregate() == Aggregate.MIN
                      ? ".min_value"
                      : o.identifier().aggregate() == Aggregate.MAX ? ".max_value" : ".value");
          order
              .append("CASE WHEN ")
              .append(column)
              .append(" IS NULL THEN 2 WHEN ")
              .append(alias)
              .append(".is_nan AND ")
              .append(o.identifier().aggregate() == Aggregate.LAST)
              .append(" THEN 1 ELSE 0 END, ")
              .append(column)
              .append(dir);
        }
        case PARAM, TAG -> {
          String alias = "o" + n++;
          String table = o.identifier().type() == EntityType.PARAM ? "params" : "tags";
          joins
              .append(" LEFT JOIN ")
              .append(table)
              .append(' ')
              .append(alias)
              .append(" ON ")
              .append(alias)
              .append(".run_uuid = r.run_uuid AND ")
              .append(alias)
              .append(".key = ?");
          joinArgs.add(key);
          order
              .append("(")
              .append(alias)
              .append(".value IS NULL), ")
              .append(alias)
              .append(".value")
              .append(dir);
        }
        default ->
            throw CairnException.invalid(
                "Invalid order_by clause: runs cannot be ordered by datasets");
      }
      order.append(", ");
    }
    if (!byStartTime) {
      order.append("r.start_time DESC, ");
    }
    order.append("r.run_uuid ASC");

    List<Object> whereArgs = new ArrayList<>(experimentIds.stream().map(Long::parseLong).toList());
    List<String> stages = viewType.stages().stream().map(LifecycleStage::wire).toList();
    whereArgs.addAll(stages);
    String condition = FilterSql.compile(filter, RUNS, dialect, whereArgs);
    String sql =
        "SELECT "
            + RunLoader.INFO_COLUMNS
            + " FROM runs r"
            + joins
            + " WHERE r.experiment_id IN ("
            + Tx.placeholders(experimentIds.size())
            + ")"
            + " AND r.lifecycle_stage IN ("
            + Tx.placeholders(stages.size())
            + ") AND "
            + condition
            + " ORDER BY "
            + order
            + " LIMIT ? OFFSET ?";
    List<Object> args = new ArrayList<>(joinArgs);
    args.addAll(whereArgs);
    args.add(limit);
    args.add(offset);
    return new RunSearchSql(sql, args.toArray());
  }
}
