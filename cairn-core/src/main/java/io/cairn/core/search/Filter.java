package io.cairn.core.search;

import java.util.List;

/**
 * A parsed search filter. {@code AND} binds tighter than {@code OR}, as in SQL. MLflow's own
 * filters (comparisons joined by AND) parse to the same meaning.
 */
public sealed interface Filter {
  /** All of the parts hold. */
  record And(List<Filter> parts) implements Filter {
    public And {
      parts = List.copyOf(parts);
    }
  }

  /** At least one of the parts holds. */
  record Or(List<Filter> parts) implements Filter {
    public Or {
      parts = List.copyOf(parts);
    }
  }

  /**
   * One comparison. {@code value} is a String or a Double for the binary operators, a {@code
   * List<String>} for IN and NOT IN, and null for IS NULL and IS NOT NULL.
   */
  record Comparison(Identifier identifier, Op op, Object value) implements Filter {}
}
