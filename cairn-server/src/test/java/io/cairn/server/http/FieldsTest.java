package io.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire reader's text checks on query parameters, which no HTTP client can fill with a lone
 * surrogate (URLs are UTF-8 and the server decodes a broken sequence to U+FFFD): the same rule as
 * for JSON bodies, checked here directly.
 */
class FieldsTest {
  private static void assertRefused(Runnable read, String fragment) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining(fragment);
  }

  @Test
  void queryParameters_withALoneSurrogate_areRefusedNamingTheParameter() {
    Fields f =
        Fields.ofQuery(
            Map.of(
                "name", List.of("a\ud800"),
                "ids", List.of("1", "\udc00"),
                "max_results", List.of("\udbff")));
    assertRefused(() -> f.string("name"), "'name': it holds a lone UTF-16 surrogate (\\ud800");
    assertRefused(() -> f.strings("ids"), "'ids'");
    assertRefused(() -> f.longValue("max_results"), "'max_results'");
  }

  @Test
  void surrogatePairs_areText() {
    Fields f = Fields.ofQuery(Map.of("name", List.of("smile \ud83d\ude00")));
    assertThat(f.string("name")).isEqualTo("smile \ud83d\ude00");
  }
}
