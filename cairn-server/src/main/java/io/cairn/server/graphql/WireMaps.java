package io.cairn.server.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between MLflow's REST JSON (snake_case) and GraphQL values (camelCase, as graphene names MLflow's
 * proto fields): a REST answer becomes maps GraphQL's default fetchers read, and a GraphQL input
 * object becomes the REST request the endpoint reads. Stateless.
 */
final class WireMaps {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private WireMaps() {}

  /** A REST answer as maps, lists and plain values, object keys in camelCase. */
  static Object toGraphql(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> out.put(camel(e.getKey()), toGraphql(e.getValue())));
      return out;
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>(n.size());
      n.forEach(item -> out.add(toGraphql(item)));
      return out;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }

  /** A GraphQL input object as the REST request's JSON, keys in snake_case. */
  static ObjectNode toWire(Map<String, Object> input) {
    ObjectNode o = F.objectNode();
    if (input != null) {
      input.forEach((k, v) -> o.set(snake(k), value(v)));
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    }
    if (v instanceof Map<?, ?> m) {
      return toWire((Map<String, Object>) m);
    }
    if (v instanceof List<?> list) {
      ArrayNode a = F.arrayNode();
      list.forEach(item -> a.add(value(item)));
      return a;
    }
    if (v instanceof Integer i) {
      return F.numberNode(i);
    }
    if (v instanceof Long l) {
      return F.numberNode(l);
    }
    if (v instanceof Number d) {
      return F.numberNode(d.doubleValue());
    }
    if (v instanceof Boolean b) {
      return F.booleanNode(b);
    }
    return F.textNode(v.toString());
  }

  static String camel(String snake) {
    StringBuilder b = new StringBuilder(snake.length());
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = b.length() > 0;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }

  static String snake(String camel) {
    StringBuilder b = new StringBuilder(camel.length() + 4);
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
