package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Aggregate;
import io.cairn.core.search.EntityType;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.RunCursor;
import io.cairn.core.tracking.ViewType;
import java.sql.SQLException;
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
      FilterSql.Probe probe)
      throws SQLException {
    Order order = Order.of(orderBy, 0);
    Where where = Where.of(experimentIds, viewType, filter, probe);
    String sql =
        "SELECT "
            + RunLoader.INFO_COLUMNS
            + " FROM runs r"
            + order.joins
            + " WHERE "
            + where.sql
            + " ORDER BY "
            + order.sql
            + " LIMIT ? OFFSET ?";
    List<Object> args = new ArrayList<>(order.args);
    args.addAll(where.args);
    args.add(limit);
    args.add(offset);
    return new RunSearchSql(sql, args.toArray());
  }

  /**
   * A search ordered first by a metric's latest value, as three queries that together give the same
   * order: runs with a number for the metric (ordered by it, so the database can walk the (key,
   * value) index and stop after the page instead of sorting every match), then runs whose latest
   * value is NaN, then runs without the metric. Each ends in {@code LIMIT ?}; the caller fills it
   * with the rows still wanted. With a cursor (the order is then the metric alone), the list starts
   * at the cursor's segment, whose query starts after the cursor's run. Null when the order does
   * not start with a metric's latest value.
   */
  static List<RunSearchSql> segments(
      Collection<String> experimentIds,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      FilterSql.Probe probe,
      RunCursor after)
      throws SQLException {
    if (!startsWithMetric(orderBy)) {
      return null;
    }
    OrderBy first = orderBy.get(0);
    Order rest = Order.of(orderBy.subList(1, orderBy.size()), 1);
    Where where = Where.of(experimentIds, viewType, filter, probe);
    String key = first.identifier().key();
    String dir = first.ascending() ? " ASC" : " DESC";
    String joinFirst = " JOIN latest_metrics o0 ON o0.run_uuid = r.run_uuid AND o0.key = ?";
    List<RunSearchSql> out = new ArrayList<>();
    int from = after == null ? RunCursor.NUMBER : after.segment();
    for (int segment = from; segment <= RunCursor.ABSENT; segment++) {
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT ").append(RunLoader.INFO_COLUMNS);
      sql.append(" FROM runs r");
      if (segment == RunCursor.ABSENT) {
        sql.append(rest.joins)
            .append(" WHERE NOT EXISTS (SELECT 1 FROM latest_metrics o0")
            .append(" WHERE o0.run_uuid = r.run_uuid AND o0.key = ?)");
        args.addAll(rest.args);
        args.add(key);
      } else {
        sql.append(joinFirst)
            .append(rest.joins)
            .append(" WHERE o0.is_nan = ")
            .append(segment == RunCursor.NAN ? "TRUE" : "FALSE");
        args.add(key);
        args.addAll(rest.args);
      }
      sql.append(" AND ").append(where.sql);
      args.addAll(where.args);
      if (after != null && segment == after.segment()) {
        sql.append(" AND ");
        if (segment == RunCursor.NUMBER) {
          // The redundant range lets the database seek the (key, value) index to the cursor.
          String before = first.ascending() ? ">" : "<";
          sql.append("o0.value ")
              .append(before)
              .append("= ? AND (o0.value ")
              .append(before)
              .append(" ? OR (o0.value = ? AND ");
          args.addAll(List.of(after.value(), after.value(), after.value()));
        }
        sql.append("(r.start_time < ? OR (r.start_time = ? AND r.run_uuid > ?))");
        args.addAll(List.of(after.startTime(), after.startTime(), after.runId()));
        if (segment == RunCursor.NUMBER) {
          sql.append("))");
        }
      }
      sql.append(" ORDER BY ")
          .append(segment == RunCursor.NUMBER ? "o0.value" + dir + ", " : "")
          .append(rest.sql)
          .append(" LIMIT ?");
      out.add(new RunSearchSql(sql.toString(), args.toArray()));
    }
    return out;
  }

  /** Whether the order starts with a metric's latest value (the {@link #segments} form). */
  static boolean startsWithMetric(List<OrderBy> orderBy) {
    return !orderBy.isEmpty() && orderBy.get(0).byLatestMetric();
  }

  /** The rows a walk of the metric's (key, value) index visits: the runs with a number for it. */
  static FilterSql.WalkCount metricWalk(Tx tx, String key) {
    return bound ->
        count(
            tx,
            "SELECT 1 FROM latest_metrics w WHERE w.key = ? AND w.is_nan = FALSE LIMIT " + bound,
            key);
  }

  /** The rows a walk of an experiment's runs in start-time order visits. */
  static FilterSql.WalkCount experimentWalk(Tx tx, Collection<String> experimentIds) {
    return bound ->
        count(
            tx,
            "SELECT 1 FROM runs w WHERE w.experiment_id IN ("
                + Tx.placeholders(experimentIds.size())
                + ") LIMIT "
                + bound,
            experimentIds.stream().map(Long::parseLong).toArray());
  }

  private static long count(Tx tx, String rows, Object... args) throws SQLException {
    return tx.first("SELECT COUNT(*) FROM (" + rows + ") AS t", rs -> rs.getLong(1), args)
        .orElse(0L);
  }

  /** The WHERE clause: experiments, lifecycle stages and the filter. */
  private record Where(String sql, List<Object> args) {
    static Where of(
        Collection<String> experimentIds, ViewType viewType, Filter filter, FilterSql.Probe probe)
        throws SQLException {
      List<Object> args = new ArrayList<>(experimentIds.stream().map(Long::parseLong).toList());
      List<String> stages = viewType.stages().stream().map(LifecycleStage::wire).toList();
      args.addAll(stages);
      String condition = FilterSql.compile(filter, RUNS, probe.tx().dialect(), args, probe);
      return new Where(
          "r.experiment_id IN ("
              + Tx.placeholders(experimentIds.size())
              + ") AND r.lifecycle_stage IN ("
              + Tx.placeholders(stages.size())
              + ") AND "
              + condition,
          args);
    }
  }

  /**
   * The joins and ORDER BY terms of order_by clauses, with MLflow's tie-breakers (start_time
   * descending, then run id) at the end; join aliases are numbered from {@code firstAlias}.
   */
  private record Order(String joins, String sql, List<Object> args) {
    static Order of(List<OrderBy> orderBy, int firstAlias) {
      List<Object> joinArgs = new ArrayList<>();
      StringBuilder joins = new StringBuilder();
      StringBuilder order = new StringBuilder();
      boolean byStartTime = false;
      int n = firstAlias;
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
      return new Order(joins.toString(), order.toString(), joinArgs);
    }
  }
}
