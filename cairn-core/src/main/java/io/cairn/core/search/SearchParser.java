package io.cairn.core.search;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Lexer.Kind;
import io.cairn.core.search.Lexer.Token;
import io.cairn.core.search.SearchSchema.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses MLflow's search filter and order_by grammar, extended with OR, parentheses, IS [NOT] NULL
 * and the metric summaries {@code min(...)}, {@code max(...)}, {@code last(...)}. Every error is an
 * INVALID_PARAMETER_VALUE naming the position where the text went wrong.
 *
 * <p>Thread-safe: every call works on its own state.
 */
public final class SearchParser {
  private static final Map<String, EntityType> PREFIXES =
      Map.ofEntries(
          Map.entry("metric", EntityType.METRIC),
          Map.entry("metrics", EntityType.METRIC),
          Map.entry("param", EntityType.PARAM),
          Map.entry("params", EntityType.PARAM),
          Map.entry("parameter", EntityType.PARAM),
          Map.entry("parameters", EntityType.PARAM),
          Map.entry("tag", EntityType.TAG),
          Map.entry("tags", EntityType.TAG),
          Map.entry("attribute", EntityType.ATTRIBUTE),
          Map.entry("attributes", EntityType.ATTRIBUTE),
          Map.entry("attr", EntityType.ATTRIBUTE),
          Map.entry("run", EntityType.ATTRIBUTE),
          Map.entry("dataset", EntityType.DATASET),
          Map.entry("datasets", EntityType.DATASET));

  private final String input;
  private final String what;
  private final SearchSchema schema;
  private final List<Token> tokens;
  private int index;

  private SearchParser(String input, String what, SearchSchema schema) {
    this.input = input;
    this.what = what;
    this.schema = schema;
    this.tokens = Lexer.tokenize(input, what);
  }

  /** Parses a filter; null or blank text means no filter and gives null. */
  public static Filter parseFilter(String text, SearchSchema schema) {
    if (text == null || text.isBlank()) {
      return null;
    }
    SearchParser parser = new SearchParser(text, "filter", schema);
    Filter filter = parser.orExpression();
    parser.expectEnd();
    return filter;
  }

  /** Parses one order_by clause such as {@code metrics.`my loss` DESC}. */
  public static OrderBy parseOrderBy(String text, SearchSchema schema) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("Invalid order_by clause: it is empty");
    }
    SearchParser parser = new SearchParser(text, "order_by clause", schema);
    Identifier id = parser.identifier();
    boolean ascending = true;
    Token t = parser.peek();
    if (t.isWord("ASC") || t.isWord("DESC")) {
      ascending = t.isWord("ASC");
      parser.index++;
    }
    parser.expectEnd();
    return new OrderBy(id, ascending);
  }

  /** Parses a list of order_by clauses. */
  public static List<OrderBy> parseOrderBy(List<String> clauses, SearchSchema schema) {
    List<OrderBy> out = new ArrayList<>();
    for (String clause : clauses) {
      out.add(parseOrderBy(clause, schema));
    }
    return out;
  }

  static CairnException syntaxError(String what, String input, int at, String problem) {
    return CairnException.invalid(
        "Invalid %s '%s' at position %d: %s", what, input, at + 1, problem);
  }

  private Filter orExpression() {
    List<Filter> parts = new ArrayList<>();
    parts.add(andExpression());
    while (peek().isWord("OR")) {
      index++;
      parts.add(andExpression());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.Or(parts);
  }

  private Filter andExpression() {
    List<Filter> parts = new ArrayList<>();
    parts.add(primary());
    while (peek().isWord("AND")) {
      index++;
      parts.add(primary());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
  }

  private Filter primary() {
    if (peek().kind() == Kind.LPAREN) {
      index++;
      Filter inner = orExpression();
      expect(Kind.RPAREN, "a closing parenthesis");
      return inner;
    }
    return comparison();
  }

  private Filter comparison() {
    int start = peek().position();
    Identifier id = identifier();
    Token t = next();
    String idText = input.substring(start, t.position()).trim();
    if (t.isWord("IS")) {
      boolean not = peek().isWord("NOT");
      if (not) {
        index++;
      }
      Token n = next();
      if (!n.isWord("NULL")) {
        throw error(n, "expected NULL after IS" + (not ? " NOT" : ""));
      }
      return new Filter.Comparison(id, not ? Op.IS_NOT_NULL : Op.IS_NULL, null);
    }
    Op op;
    if (t.kind() == Kind.OPERATOR) {
      op =
          switch (t.text()) {
            case "=" -> Op.EQ;
            case "!=" -> Op.NE;
            case "<" -> Op.LT;
            case "<=" -> Op.LE;
            case ">" -> Op.GT;
            default -> Op.GE;
          };
    } else if (t.isWord("LIKE")) {
      op = Op.LIKE;
    } else if (t.isWord("ILIKE")) {
      op = Op.ILIKE;
    } else if (t.isWord("IN")) {
      op = Op.IN;
    } else if (t.isWord("NOT") && peek().isWord("IN")) {
      index++;
      op = Op.NOT_IN;
    } else {
      throw error(
          t,
          "expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN,"
              + " IS NULL) after '"
              + idText
              + "'");
    }
    ValueType type = valueType(id);
    checkOperator(id, idText, op, type, t);
    if (op == Op.IN || op == Op.NOT_IN) {
      return new Filter.Comparison(id, op, stringList());
    }
    Token v = next();
    if (type == ValueType.NUMBER) {
      if (v.kind() == Kind.NUMBER) {
        return new Filter.Comparison(id, op, Double.parseDouble(v.text()));
      }
      if (v.kind() == Kind.STRING && id.type() == EntityType.ATTRIBUTE && isNumber(v.text())) {
        return new Filter.Comparison(id, op, Double.parseDouble(v.text()));
      }
      throw error(v, "expected a number to compare with '" + idText + "'");
    }
    if (v.kind() != Kind.STRING) {
      throw error(
          v,
          "expected a quoted string to compare with '"
              + idText
              + "', such as '"
              + (v.text().isEmpty() ? "value" : v.text())
              + "' in quotes");
    }
    return new Filter.Comparison(id, op, v.text());
  }

  private ValueType valueType(Identifier id) {
    return switch (id.type()) {
      case METRIC -> ValueType.NUMBER;
      case ATTRIBUTE -> schema.attributeType(id.key());
      default -> ValueType.STRING;
    };
  }

  private void checkOperator(Identifier id, String idText, Op op, ValueType type, Token at) {
    boolean ok =
        type == ValueType.NUMBER
            ? op != Op.LIKE && op != Op.ILIKE && op != Op.IN && op != Op.NOT_IN
            : !op.isOrdering();
    if (id.type() == EntityType.ATTRIBUTE
        && id.key().equals("run_id")
        && op != Op.EQ
        && op != Op.NE
        && op != Op.IN
        && op != Op.NOT_IN) {
      ok = false;
    }
    if (!ok) {
      throw error(
          at,
          "the operator "
              + op.symbol()
              + " cannot be used with '"
              + idText
              + "' ("
              + (type == ValueType.NUMBER
                  ? "a number: use =, !=, <, <=, >, >="
                  : "a string: use =, !=," + " LIKE, ILIKE, IN, NOT IN")
              + ")");
    }
  }

  private List<String> stringList() {
    expect(Kind.LPAREN, "'(' to start the list of values");
    List<String> values = new ArrayList<>();
    while (true) {
      Token v = next();
      if (v.kind() != Kind.STRING) {
        throw error(v, "expected a quoted string in the list");
      }
      values.add(v.text());
      if (values.size() > io.cairn.core.tracking.Validation.MAX_SEARCH_IDS) {
        throw error(
            v,
            "a list can hold at most "
                + io.cairn.core.tracking.Validation.MAX_SEARCH_IDS
                + " values");
      }
      Token sep = next();
      if (sep.kind() == Kind.RPAREN) {
        return values;
      }
      if (sep.kind() != Kind.COMMA) {
        throw error(sep, "expected ',' or ')' in the list of values");
      }
    }
  }

  private Identifier identifier() {
    Token t = next();
    if (t.kind() != Kind.WORD) {
      throw error(
          t,
          t.kind() == Kind.END
              ? "expected an identifier such as metrics.loss, found the end"
              : "expected an identifier such as metrics.loss, params.alpha, tags.team or an attribute");
    }
    Aggregate aggregate = Aggregate.LAST;
    if (t.quotedKey() == null && peek().kind() == Kind.LPAREN && aggregateOf(t.text()) != null) {
      aggregate = aggregateOf(t.text());
      index++;
      Identifier inner = identifier();
      expect(Kind.RPAREN, "')' to close " + t.text() + "(");
      if (inner.type() != EntityType.METRIC) {
        throw error(
            t, t.text() + "() applies to metrics only, as in " + t.text() + "(metrics.loss)");
      }
      return new Identifier(inner.type(), inner.key(), aggregate);
    }
    String text = t.quotedKey() == null ? t.text() : t.text() + "." + t.quotedKey();
    String prefix;
    String key;
    if (t.quotedKey() != null) {
      prefix = t.text();
      key = t.quotedKey();
    } else {
      int dot = t.text().indexOf('.');
      if (dot < 0) {
        if (schema.attribute(t.text()) != null) {
          return schema.resolve(EntityType.ATTRIBUTE, t.text(), aggregate, text);
        }
        throw error(
            t,
            "'"
                + t.text()
                + "' is not an attribute of "
                + schema.entityName()
                + "; prefix keys with metrics., params., tags. or attributes.");
      }
      prefix = t.text().substring(0, dot);
      key = t.text().substring(dot + 1);
    }
    EntityType type = PREFIXES.get(prefix.toLowerCase(Locale.ROOT));
    if (type == null) {
      throw error(
          t,
          "unknown prefix '"
              + prefix
              + "': expected metrics., params., tags., attributes."
              + " or datasets.");
    }
    return schema.resolve(type, key, aggregate, text);
  }

  private static Aggregate aggregateOf(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "min" -> Aggregate.MIN;
      case "max" -> Aggregate.MAX;
      case "last" -> Aggregate.LAST;
      default -> null;
    };
  }

  private static boolean isNumber(String text) {
    try {
      Double.parseDouble(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token t = tokens.get(index);
    if (t.kind() != Kind.END) {
      index++;
    }
    return t;
  }

  private void expect(Kind kind, String description) {
    Token t = next();
    if (t.kind() != kind) {
      throw error(t, "expected " + description);
    }
  }

  private void expectEnd() {
    Token t = peek();
    if (t.kind() != Kind.END) {
      throw error(
          t,
          "unexpected '"
              + t.text()
              + "'"
              + (what.equals("filter") ? "; join comparisons with AND or OR" : ""));
    }
  }

  private CairnException error(Token at, String problem) {
    return syntaxError(what, input, at.position(), problem);
  }
}
