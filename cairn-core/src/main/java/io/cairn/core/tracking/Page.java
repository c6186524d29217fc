package io.cairn.core.tracking;

import io.cairn.core.search.PageToken;
import java.util.List;

/** One page of results; {@code nextPageToken} is null on the last page. */
public record Page<T>(List<T> items, String nextPageToken) {
  public Page {
    items = List.copyOf(items);
  }

  /**
   * A page from a query that asked for one row more than {@code limit}: the extra row, when it
   * came, means there is a next page, starting at {@code offset + limit}.
   */
  public static <T> Page<T> cut(List<T> found, int limit, long offset) {
    if (found.size() > limit) {
      return new Page<>(found.subList(0, limit), PageToken.encode(offset + limit));
    }
    return new Page<>(found, null);
  }
}
