package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.RegisteredModel;
import io.cairn.core.registry.TensorSpec;
import java.util.List;

/** Registry records as MLflow's JSON (versions as strings), plus Cairn's ONNX description. */
final class RegistryWire {
  private RegistryWire() {}

  static ObjectNode model(RegisteredModel m) {
    ObjectNode o = Wire.F.objectNode();
    o.put("name", m.name());
    o.put("creation_timestamp", m.creationTimestamp());
    o.put("last_updated_timestamp", m.lastUpdatedTimestamp());
    if (m.userId() != null) {
      o.put("user_id", m.userId());
    }
    if (m.description() != null && !m.description().isEmpty()) {
      o.put("description", m.description()); // MLflow's to_proto leaves an empty one out
    }
    ArrayNode latest = o.putArray("latest_versions");
    m.latestVersions().forEach(v -> latest.add(version(v)));
    o.set("tags", Wire.tags(m.tags()));
    ArrayNode aliases = o.putArray("aliases");
    m.aliases()
        .forEach(
            (alias, v) -> aliases.addObject().put("alias", alias).put("version", Long.toString(v)));
    return o;
  }

  static ObjectNode version(ModelVersion v) {
    ObjectNode o = Wire.F.objectNode();
    o.put("name", v.name());
    o.put("version", Long.toString(v.version()));
    o.put("creation_timestamp", v.creationTimestamp());
    o.put("last_updated_timestamp", v.lastUpdatedTimestamp());
    if (v.userId() != null) {
      o.put("user_id", v.userId());
    }
    o.put("current_stage", v.stage().wire());
    // MLflow's server stores a request's unset description and run link as "" and answers them.
    o.put("description", v.description() == null ? "" : v.description());
    o.put("source", v.source());
    if (v.runId() != null) {
      o.put("run_id", v.runId());
    }
    o.put("status", v.status());
    if (v.statusMessage() != null) {
      o.put("status_message", v.statusMessage());
    }
    o.set("tags", Wire.tags(v.tags()));
    o.put("run_link", v.runLink() == null ? "" : v.runLink());
    ArrayNode aliases = o.putArray("aliases");
    v.aliases().forEach(aliases::add);
    if (v.modelId() != null) {
      o.put("model_id", v.modelId());
    }
    return o;
  }

  static ArrayNode onnx(List<ModelVersion.OnnxFile> files) {
    ArrayNode out = Wire.F.arrayNode();
    for (ModelVersion.OnnxFile f : files) {
      OnnxDescription d = f.description();
      ObjectNode o = out.addObject();
      o.put("path", f.path());
      o.set("inputs", tensors(d.inputs()));
      o.set("outputs", tensors(d.outputs()));
      ObjectNode opsets = o.putObject("opset_imports");
      d.opsetImports().forEach(opsets::put);
      o.put("ir_version", d.irVersion());
      o.put("producer_name", d.producerName());
      o.put("producer_version", d.producerVersion());
      o.put("graph_name", d.graphName());
      o.put("node_count", d.nodeCount());
      o.put("file_size", d.fileSize());
      o.put("sha256", d.sha256());
    }
    return out;
  }

  private static ArrayNode tensors(List<TensorSpec> specs) {
    ArrayNode out = Wire.F.arrayNode();
    for (TensorSpec t : specs) {
      ObjectNode o = out.addObject().put("name", t.name()).put("type", t.elementType());
      if (t.shape() != null) {
        ArrayNode shape = o.putArray("shape");
        t.shape().forEach(shape::add);
      }
    }
    return out;
  }
}
