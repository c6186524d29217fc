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
  void queryBooleans_areTrueOrFalseInAnyCase_andNothingElse() {
    Fields f =
        Fields.ofQuery(Map.of("a", List.of("TRUE"), "b", List.of("false"), "c", List.of("1")));
    assertThat(f.bool("a")).isTrue();
    assertThat(f.bool("b")).isFalse();
    assertThat(f.bool("missing")).isFalse();
    assertRefused(() -> f.bool("c"), "Invalid boolean value: 1, must be 'true' or 'false'.");
  }

  @Test
  void jsonFields_followProtobufJsonTypes_withMlflowsMessage() throws Exception {
    Fields f =
        Fields.ofJson(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    "{\"name\": 123, \"ok\": \"x\", \"flag\": \"true\", \"n\": \"12\","
                        + " \"spaced\": \"1 2\", \"whole\": 5.0, \"d\": \"2.5\","
                        + " \"ids\": [\"1\", 2], \"tags\": [{\"key\": 31}]}"));
    assertRefused(
        () -> f.string("name"),
        "Invalid value 123 for parameter 'name' supplied: expected a string, got a number");
    assertThat(f.string("ok")).isEqualTo("x");
    assertRefused(() -> f.bool("flag"), "Invalid value \"true\" for parameter 'flag' supplied");
    assertThat(f.longValue("n")).isEqualTo(12L);
    assertThat(f.longValue("whole")).isEqualTo(5L);
    assertRefused(() -> f.longValue("spaced"), "Invalid value \"1 2\" for parameter 'spaced'");
    assertThat(f.doubleValue("d")).isEqualTo(2.5);
    assertRefused(() -> f.strings("ids"), "parameter 'ids' supplied");
    assertRefused(
        () -> f.objects("tags").get(0).string("key"),
        "Invalid value 31 for parameter 'tags[0].key' supplied");
  }

  @Test
  void surrogatePairs_areText() {
    Fields f = Fields.ofQuery(Map.of("name", List.of("smile \ud83d\ude00")));
    assertThat(f.string("name")).isEqualTo("smile \ud83d\ude00");
  }
}
