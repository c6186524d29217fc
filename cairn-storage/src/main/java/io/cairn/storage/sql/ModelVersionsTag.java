package io.cairn.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code mlflow.modelVersions} tag of a logged model: the registered model versions made from
 * it, as MLflow's {@code set_model_versions_tags} writes it: a JSON list of {@code {"name": ...,
 * "version": n}} in the order they were made, in Python's {@code json.dumps} form (", " and ": "
 * separators, non-ASCII escaped), so tools comparing the text see MLflow's.
 */
final class ModelVersionsTag {
  static final String KEY = "mlflow.modelVersions";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelVersionsTag() {}

  /**
   * The tag's value with one more version; the value unchanged (re-written) when it lists it
   * already. A value that is not a JSON list is replaced, where MLflow would fail after creating
   * the version.
   */
  static String with(String existing, String name, long version) {
    ArrayNode list = JSON.createArrayNode();
    if (existing != null) {
      try {
        JsonNode parsed = JSON.readTree(existing);
        if (parsed != null && parsed.isArray()) {
          list = (ArrayNode) parsed;
        }
      } catch (JsonProcessingException e) {
        // not MLflow's JSON: start the list again
      }
    }
    boolean listed = false;
    for (JsonNode entry : list) {
      listed |=
          entry.isObject()
              && entry.size() == 2
              && name.equals(entry.path("name").textValue())
              && entry.path("version").isIntegralNumber()
              && entry.path("version").longValue() == version;
    }
    if (!listed) {
      list.addObject().put("name", name).put("version", version);
    }
    StringBuilder out = new StringBuilder();
    write(list, out);
    return out.toString();
  }

  /** Python's {@code json.dumps} with its defaults. */
  private static void write(JsonNode node, StringBuilder out) {
    if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        out.append(i > 0 ? ", " : "");
        write(node.get(i), out);
      }
      out.append(']');
    } else if (node.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      for (boolean first = true; fields.hasNext(); first = false) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(first ? "" : ", ");
        string(field.getKey(), out);
        out.append(": ");
        write(field.getValue(), out);
      }
      out.append('}');
    } else if (node.isTextual()) {
      string(node.textValue(), out);
    } else {
      out.append(node.toString());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
