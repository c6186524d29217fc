package io.cairn.server.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import io.cairn.core.tracking.Metric;
import java.io.IOException;
import java.util.List;

/**
 * Metric points written as MLflow's Metric messages (key, value with NaN and Infinity as strings,
 * timestamp, step, and run_id, model_id and dataset fields when set), straight to the response
 * without a JSON node per point: a get-history page holds 25,000 of them. The one writer of that
 * message, for runs' data as well. {@code withRunId} false leaves out run_id, as MLflow's
 * get-history does (its bulk-interval answer keeps it).
 */
record MetricList(List<Metric> metrics, boolean withRunId) implements JsonSerializable {
  @Override
  public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
    g.writeStartArray(this, metrics.size());
    // A page's points share their key and run id: each is escaped and encoded once.
    Quoted key = new Quoted();
    Quoted runId = new Quoted();
    for (Metric m : metrics) {
      g.writeStartObject();
      g.writeFieldName("key");
      g.writeString(key.of(m.key()));
      double v = m.value();
      if (Double.isNaN(v)) {
        g.writeStringField("value", "NaN");
      } else if (Double.isInfinite(v)) {
        g.writeStringField("value", v > 0 ? "Infinity" : "-Infinity");
      } else {
        g.writeNumberField("value", v);
      }
      g.writeNumberField("timestamp", m.timestamp());
      g.writeNumberField("step", m.step());
      if (withRunId && m.runId() != null) {
        g.writeFieldName("run_id");
        g.writeString(runId.of(m.runId()));
      }
      writeIfPresent(g, "model_id", m.modelId());
      writeIfPresent(g, "dataset_name", m.datasetName());
      writeIfPresent(g, "dataset_digest", m.datasetDigest());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  @Override
  public void serializeWithType(
      JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
    serialize(g, provider);
  }

  /** The last string seen, kept in its encoded form. */
  private static final class Quoted {
    private String last;
    private SerializedString encoded;

    SerializedString of(String s) {
      if (!s.equals(last)) {
        last = s;
        encoded = new SerializedString(s);
      }
      return encoded;
    }
  }

  private static void writeIfPresent(JsonGenerator g, String field, String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }
}
