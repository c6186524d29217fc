package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Invalid writes aimed straight at stored data are refused as a whole and change nothing; and the
 * values MLflow accepts at the edges (NaN, infinities, extreme steps and timestamps) are stored and
 * read back exactly, on SQLite and on PostgreSQL.
 */
class ProtectedDataIT {
  /** Names nothing: the poisoned requests aim at the protected data on purpose. */
  private static final Seed NOBODY =
      new Seed("nobody-0", "nobody-1", "nobody-2", "nobody-3", "nobody-4", "nobody-5", "nobody-6");

  private static Backends backends;
  private static int key;

  @BeforeContainer
  static void start() {
    backends = new Backends();
  }

  @AfterContainer
  static void stop() {
    backends.close();
  }

  @Property(tries = 120, seed = Seeds.FIXED)
  void invalidWrite_toStoredData_isRefusedWhole(@ForAll("poisoned") Draft d) {
    for (Backend b : backends.all) {
      Probe p = d.aim(b.guarded, NOBODY);
      Http.Answer a = p.send(b.http);
      p.assertWellBehaved(a, false, false);
      assertThat(a.status())
          .as("%s accepted an invalid write: %s -> %s", b.name, p, Text.clip(a.body()))
          .isBetween(400, 499);
      assertThat(b.guardedNow())
          .as("%s data after the refused %s", b.name, p)
          .isEqualTo(b.guardedSnapshot);
    }
  }

  @Provide
  Arbitrary<Draft> poisoned() {
    return Poisons.any();
  }

  /**
   * Every hand-written poisoned call and bad row, each time, so none depends on the random draw.
   */
  @Property(generation = GenerationMode.EXHAUSTIVE, seed = Seeds.FIXED)
  void everyListedInvalidCall_isRefusedWhole(@ForAll("listed") Draft d) {
    invalidWrite_toStoredData_isRefusedWhole(d);
  }

  @Provide
  Arbitrary<Draft> listed() {
    List<Draft> all = new ArrayList<>(Poisons.singles());
    all.addAll(Poisons.overLimit());
    // every bad row, once, in the middle of a batch of valid ones
    Poisons.METRICS.forEach(row -> all.add(Poisons.batch("metrics", row, 2, 1)));
    Poisons.PARAMS.forEach(row -> all.add(Poisons.batch("params", row, 2, 1)));
    Poisons.TAGS.forEach(row -> all.add(Poisons.batch("tags", row, 2, 1)));
    return Arbitraries.of(all);
  }

  @Property(tries = 80, seed = Seeds.FIXED)
  void edgeMetricValues_areStoredAndReadBackExactly(
      @ForAll("values") double value,
      @ForAll("steps") long step,
      @ForAll("timestamps") long timestamp,
      @ForAll boolean numbersAsStrings,
      @ForAll boolean viaBatch) {
    String name = "edge" + ++key;
    ObjectNode metric = Http.JSON.createObjectNode().put("key", name);
    if (Double.isNaN(value) || Double.isInfinite(value) || numbersAsStrings) {
      metric.put("value", wire(value));
    } else {
      metric.put("value", value);
    }
    if (numbersAsStrings) {
      metric.put("timestamp", Long.toString(timestamp)).put("step", Long.toString(step));
    } else {
      metric.put("timestamp", timestamp).put("step", step);
    }
    for (Backend b : backends.all) {
      String runId = b.roundTrip.runId();
      ObjectNode body = Http.JSON.createObjectNode().put("run_id", runId);
      if (viaBatch) {
        body.putArray("metrics").add(metric);
      } else {
        body.setAll(metric);
      }
      String path = Endpoints.P + (viaBatch ? "/runs/log-batch" : "/runs/log-metric");
      Http.ok(b.http.post(path, body.toString()));
      JsonNode history =
          Http.ok(
                  b.http.get(
                      Endpoints.P + "/metrics/get-history?run_id=" + runId + "&metric_key=" + name))
              .get("metrics");
      assertThat(history).as("%s history of %s", b.name, body).hasSize(1);
      assertPoint(b.name, history.get(0), value, step, timestamp);
      JsonNode run = Http.ok(b.http.get(Endpoints.P + "/runs/get?run_id=" + runId));
      JsonNode latest = null;
      for (JsonNode m : run.at("/run/data/metrics")) {
        if (m.get("key").asText().equals(name)) {
          latest = m;
        }
      }
      assertThat(latest).as("%s latest %s in runs/get", b.name, name).isNotNull();
      assertPoint(b.name + " runs/get", latest, value, step, timestamp);
    }
  }

  private static void assertPoint(String where, JsonNode m, double value, long step, long ts) {
    double stored =
        m.get("value").isTextual() ? parse(m.get("value").asText()) : m.get("value").asDouble();
    assertThat(Double.compare(stored, value) == 0 || stored == value)
        .as("%s: stored %s, sent %s", where, m, value)
        .isTrue();
    assertThat(m.get("step").asLong()).as("%s step: %s", where, m).isEqualTo(step);
    assertThat(m.get("timestamp").asLong()).as("%s timestamp: %s", where, m).isEqualTo(ts);
  }

  private static String wire(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    return Double.toString(v);
  }

  private static double parse(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  @Provide
  Arbitrary<Double> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            3,
            Arbitraries.of(
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                Double.MIN_VALUE,
                -0.0,
                1e-300)),
        Tuple.of(2, Arbitraries.doubles()));
  }

  @Provide
  Arbitrary<Long> steps() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L)),
        Tuple.of(2, Arbitraries.longs()));
  }

  @Provide
  Arbitrary<Long> timestamps() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(0L, Long.MAX_VALUE)),
        Tuple.of(2, Arbitraries.longs().between(0, Long.MAX_VALUE)));
  }
}
