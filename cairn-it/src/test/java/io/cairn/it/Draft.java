package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request before it is aimed at a server: an endpoint's template after mutation, with its
 * placeholders still in. {@link #aim} fills them in for one server's sacrificial data, and makes
 * sure that nothing in it names that server's protected data.
 */
record Draft(
    Endpoints.Endpoint endpoint,
    String method,
    String path,
    JsonNode fields,
    byte[] raw,
    String contentType,
    boolean chunked) {
  private static final Pattern SEGMENT = Pattern.compile("\\{([^}]*)}");
  private static final int MAX_URL_PART = 1000;

  /** One change to a template. */
  record Mutation(Kind kind, int index, int subIndex, String name, JsonNode value) {
    enum Kind {
      REMOVE,
      SET,
      ADD,
      DEEP,
      OVER_LIMIT,
      NULL
    }
  }

  static JsonNode mutate(JsonNode template, List<Mutation> mutations) {
    ObjectNode o = template.deepCopy();
    for (Mutation m : mutations) {
      List<String> names = names(o);
      String field = names.isEmpty() ? m.name() : names.get(m.index() % names.size());
      switch (m.kind()) {
        case REMOVE -> o.remove(field);
        case SET -> o.set(field, m.value());
        case ADD -> o.set(m.name(), m.value());
        case NULL -> o.putNull(field);
        case DEEP -> deep(o, field, m);
        case OVER_LIMIT -> overLimit(o, m.subIndex());
      }
    }
    return o;
  }

  private static List<String> names(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static void deep(ObjectNode o, String field, Mutation m) {
    JsonNode node = o.get(field);
    if (node instanceof ArrayNode a && !a.isEmpty()) {
      int i = m.subIndex() % a.size();
      if (a.get(i) instanceof ObjectNode element && !element.isEmpty()) {
        List<String> inner = names(element);
        element.set(inner.get(m.subIndex() % inner.size()), m.value());
      } else {
        a.set(i, m.value());
      }
    } else if (node instanceof ObjectNode inner && !inner.isEmpty()) {
      List<String> innerNames = names(inner);
      inner.set(innerNames.get(m.subIndex() % innerNames.size()), m.value());
    } else {
      o.set(field, m.value());
    }
  }

  /** Repeats an array's first element past MLflow's batch limits (100 params/tags, 1000 rows). */
  private static void overLimit(ObjectNode o, int seed) {
    int copies = seed % 2 == 0 ? 1001 : 101;
    for (String name : names(o)) {
      if (o.get(name) instanceof ArrayNode a && !a.isEmpty()) {
        JsonNode first = a.get(0);
        for (int i = a.size(); i < copies; i++) {
          a.add(first);
        }
        return;
      }
    }
  }

  /** The request for one server: placeholders filled with {@code target}, {@code guard} avoided. */
  Probe aim(Seed target, Seed guard) {
    Matcher m = SEGMENT.matcher(path);
    StringBuilder p = new StringBuilder();
    while (m.find()) {
      String segment = target.fill(m.group(1));
      segment = capped(segment);
      if (namesGuarded(segment, guard)) {
        segment = target.experimentId();
      }
      m.appendReplacement(p, Matcher.quoteReplacement(Http.enc(segment)));
    }
    m.appendTail(p);
    String fullPath = target.fill(p.toString());
    if (endpoint.carrier() == Endpoints.Carrier.QUERY || method.equals("GET")) {
      return new Probe(method, fullPath + query(target, guard), null, contentType, false);
    }
    byte[] body =
        raw != null
            ? raw
            : target.fill(scrub(fields, target, guard).toString()).getBytes(StandardCharsets.UTF_8);
    return new Probe(method, fullPath, body, contentType, chunked);
  }

  private String query(Seed target, Seed guard) {
    if (fields == null || !fields.isObject()) {
      return "";
    }
    StringBuilder q = new StringBuilder();
    JsonNode clean = scrub(fields, target, guard);
    for (Iterator<Map.Entry<String, JsonNode>> it = clean.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<JsonNode> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(values::add);
      } else {
        values.add(e.getValue());
      }
      for (JsonNode v : values) {
        if (q.length() > MAX_URL_PART * 6) {
          break; // see capped()
        }
        String text = v.isValueNode() ? (v.isNull() ? "" : v.asText()) : v.toString();
        q.append(q.length() == 0 ? "?" : "&")
            .append(Http.enc(capped(target.fill(e.getKey()))))
            .append('=')
            .append(Http.enc(capped(target.fill(text))));
      }
    }
    return q.toString();
  }

  /** Jetty refuses URLs over 16 KiB before Cairn sees them (HttpEdgesIT covers that case). */
  private static String capped(String text) {
    return text.length() > MAX_URL_PART ? text.substring(0, MAX_URL_PART) : text;
  }

  /** A copy in which no value, once filled in, names the guarded data. */
  private static JsonNode scrub(JsonNode node, Seed target, Seed guard) {
    if (node == null) {
      return Nasty.F.objectNode();
    }
    if (node.isValueNode()) {
      return namesGuarded(target.fill(node.asText()), guard)
          ? TextNode.valueOf(target.experimentId())
          : node;
    }
    JsonNode copy = node.deepCopy();
    if (copy instanceof ObjectNode o) {
      for (String name : names(o)) {
        o.set(name, scrub(o.get(name), target, guard));
      }
    } else if (copy instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, scrub(a.get(i), target, guard));
      }
    }
    return copy;
  }

  private static boolean namesGuarded(String text, Seed guard) {
    String trimmed = text.trim();
    for (String part : trimmed.split("/")) {
      if (!part.isEmpty()) {
        trimmed = part; // an artifact path's first part is an experiment id
        break;
      }
    }
    return trimmed.replaceFirst("^0+(?=\\d)", "").equals(guard.experimentId())
        || text.contains(guard.experimentName())
        || text.contains(guard.runId())
        || text.contains(guard.loggedModelId())
        || text.contains(guard.modelName());
  }
}
