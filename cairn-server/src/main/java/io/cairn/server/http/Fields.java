package io.cairn.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.cairn.core.error.CairnException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request's fields, from a JSON body or (for GET) from query parameters, read with the protobuf
 * JSON rules MLflow's server parses requests with: strings only as JSON strings, int64 as integral
 * numbers or numeric strings, doubles as numbers, numeric strings or "NaN"/"Infinity"/"-Infinity",
 * booleans only as true/false (in a query string "true"/"false" in any case). A field of the wrong
 * type is INVALID_PARAMETER_VALUE in MLflow's form, "Invalid value 123 for parameter 'name'
 * supplied: ...". Not thread-safe; one per request.
 */
public final class Fields {
  private final JsonNode json;
  private final Map<String, List<String>> query;
  private final String prefix;

  private Fields(JsonNode json, Map<String, List<String>> query, String prefix) {
    this.json = json;
    this.query = query;
    this.prefix = prefix;
  }

  public static Fields ofJson(JsonNode json) {
    if (json != null && !json.isObject() && !json.isNull() && !json.isMissingNode()) {
      throw CairnException.invalid("The request body must be a JSON object");
    }
    return new Fields(json == null ? NullNode.getInstance() : json, null, "");
  }

  public static Fields ofQuery(Map<String, List<String>> query) {
    return new Fields(null, query, "");
  }

  private JsonNode node(String name) {
    JsonNode n = json.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private String first(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : checked(name, values.get(0));
  }

  /**
   * Refuses the NUL character, which no database column can hold, and text that is not valid
   * UTF-16: a lone surrogate (a JSON escape such as {@code \ud800} without its pair) would be
   * stored as '?'. Every string the request gives passes here, nested or repeated.
   */
  private String checked(String name, String value) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        throw CairnException.invalid(
            "Invalid value for parameter '%s%s' supplied: the NUL character (\\u0000) is not"
                + " allowed",
            prefix, name);
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1));
        if (!paired) {
          throw CairnException.invalid(
              "Invalid value for parameter '%s%s': it holds a lone UTF-16 surrogate (\\u%04x at"
                  + " character %d), which is not text; expected valid Unicode (a surrogate"
                  + " only as half of a pair)",
              prefix, name, (int) c, i);
        }
        i++;
      }
    }
    return value;
  }

  public boolean has(String name) {
    return json != null ? node(name) != null : first(name) != null;
  }

  public String string(String name) {
    if (json == null) {
      return first(name);
    }
    JsonNode n = node(name);
    if (n == null) {
      return null;
    }
    if (n.isTextual()) {
      return checked(name, n.asText());
    }
    throw wrongType(name, n, "a string");
  }

  public String requiredString(String name) {
    String value = string(name);
    if (value == null || value.isEmpty()) {
      throw CairnException.invalid(
          "Missing value for required parameter '%s%s'. See the API docs for more information about"
              + " request parameters.",
          prefix, name);
    }
    return value;
  }

  /** The value of the first of two synonymous fields that is present (run_id and run_uuid). */
  public String requiredEither(String name, String alias) {
    String value = string(name);
    if (value == null || value.isEmpty()) {
      value = string(alias);
    }
    if (value == null || value.isEmpty()) {
      return requiredString(name);
    }
    return value;
  }

  public Long longValue(String name) {
    String text;
    if (json == null) {
      text = first(name);
    } else {
      JsonNode n = node(name);
      if (n == null) {
        return null;
      }
      if (n.isIntegralNumber()) {
        if (!n.canConvertToLong()) {
          throw wrongType(name, n, "a 64-bit integer");
        }
        return n.asLong();
      }
      if (n.isNumber()
          && n.asDouble() == Math.rint(n.asDouble())
          && Math.abs(n.asDouble()) < 9e18) {
        return (long) n.asDouble();
      }
      if (!n.isTextual()) {
        throw wrongType(name, n, "an integer");
      }
      text = n.asText();
    }
    if (text == null || text.isEmpty()) {
      return null;
    }
    return parseLong(name, text);
  }

  /** A numeric string as protobuf reads it: digits, or an integral decimal ("5.0"), no spaces. */
  private long parseLong(String name, String text) {
    if (text.indexOf(' ') < 0) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        try {
          java.math.BigDecimal d = new java.math.BigDecimal(text);
          return d.longValueExact();
        } catch (NumberFormatException | ArithmeticException e2) {
          // falls through to the error below
        }
      }
    }
    throw wrongType(name, textNode(text), "an integer");
  }

  public Long requiredLong(String name) {
    Long value = longValue(name);
    if (value == null) {
      requiredString(name);
    }
    return value;
  }

  public Integer intValue(String name) {
    Long value = longValue(name);
    if (value == null) {
      return null;
    }
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw CairnException.invalid(
          "Invalid value %d for parameter '%s%s' supplied: too large, expected a 32-bit integer",
          value, prefix, name);
    }
    return value.intValue();
  }

  public Double doubleValue(String name) {
    String text;
    if (json == null) {
      text = first(name);
    } else {
      JsonNode n = node(name);
      if (n == null) {
        return null;
      }
      if (n.isNumber()) {
        return n.asDouble();
      }
      if (!n.isTextual()) {
        throw wrongType(name, n, "a number");
      }
      text = n.asText();
    }
    if (text == null) {
      return null;
    }
    switch (text) {
      case "NaN", "nan" -> {
        return Double.NaN;
      }
      case "Infinity", "inf", "+Infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Infinity", "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        try {
          return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw wrongType(name, textNode(text), "a number");
        }
      }
    }
  }

  public boolean bool(String name) {
    if (json == null) {
      String v = first(name);
      if (v == null) {
        return false;
      }
      if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
        throw CairnException.invalid(
            "Invalid boolean value: %s, must be 'true' or 'false'. (parameter '%s%s')",
            v, prefix, name);
      }
      return v.equalsIgnoreCase("true");
    }
    JsonNode n = node(name);
    if (n == null) {
      return false;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    throw wrongType(name, n, "true or false without quotes");
  }

  /** A repeated string field: a JSON array, or a repeated query parameter. */
  public List<String> strings(String name) {
    if (json == null) {
      List<String> values = query.get(name);
      if (values == null) {
        return List.of();
      }
      values.forEach(v -> checked(name, v));
      return values;
    }
    JsonNode n = node(name);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      if (n.isTextual()) {
        return List.of(checked(name, n.asText()));
      }
      throw wrongType(name, n, "a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isTextual()) {
        throw wrongType(name, n, "a list of strings");
      }
      out.add(checked(name, item.asText()));
    }
    return out;
  }

  /** A repeated message field, each element read as Fields of its own. */
  public List<Fields> objects(String name) {
    if (json == null) {
      return List.of();
    }
    JsonNode n = node(name);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw wrongType(name, n, "a list of objects");
    }
    List<Fields> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : n) {
      if (!item.isObject()) {
        throw wrongType(name, n, "a list of objects");
      }
      out.add(new Fields(item, null, prefix + name + "[" + i++ + "]."));
    }
    return out;
  }

  /**
   * An object field as JSON text (for free metadata), or null; anything but an object is refused.
   */
  public String jsonObjectText(String name) {
    JsonNode n = json == null ? null : node(name);
    if (n == null) {
      String v = json == null ? first(name) : null;
      if (v == null) {
        return null;
      }
      try {
        n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(v);
      } catch (java.io.IOException e) {
        throw wrongType(name, textNode(v), "a JSON object");
      }
    }
    if (!n.isObject()) {
      throw wrongType(name, n, "a JSON object");
    }
    String text = n.toString();
    checked(name, text);
    return text;
  }

  /** A repeated number field: a JSON array of numbers, or null when absent. */
  public List<Double> doubles(String name) {
    JsonNode n = json == null ? null : node(name);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      throw wrongType(name, n, "a list of numbers");
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isNumber()) {
        throw wrongType(name, n, "a list of numbers");
      }
      out.add(item.asDouble());
    }
    return out;
  }

  /** A nested message field, or null. */
  public Fields object(String name) {
    if (json == null) {
      return null;
    }
    JsonNode n = node(name);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      throw wrongType(name, n, "an object");
    }
    return new Fields(n, null, prefix + name + ".");
  }

  /**
   * MLflow's message for a value of the wrong type (utils/validation.py invalid_value): the value
   * as compact JSON, the parameter's path, then what was expected and what was found.
   */
  private CairnException wrongType(String name, JsonNode value, String expected) {
    String shown = value.toString();
    if (shown.length() > 200) {
      shown = shown.substring(0, 200) + "...";
    }
    return CairnException.invalid(
        "Invalid value %s for parameter '%s%s' supplied: expected %s, got %s",
        shown, prefix, name, expected, kind(value));
  }

  private static String kind(JsonNode value) {
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    if (value.isNumber()) {
      return "a number";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isObject() ? "an object" : "a " + value.getNodeType().name().toLowerCase();
  }

  private static JsonNode textNode(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
  }
}
