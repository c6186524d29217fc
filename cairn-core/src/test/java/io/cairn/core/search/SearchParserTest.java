package io.cairn.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchParserTest {
  private static Filter parse(String text) {
    return SearchParser.parseFilter(text, SearchSchema.RUNS);
  }

  private static Filter.Comparison cmp(EntityType type, String key, Op op, Object value) {
    return new Filter.Comparison(Identifier.of(type, key), op, value);
  }

  @Test
  void parsesMlflowComparisonsJoinedByAnd() {
    Filter f = parse("metrics.acc > 0.9 and params.model = 'tree' AND tags.`my tag` LIKE 'a%'");
    assertThat(f)
        .isEqualTo(
            new Filter.And(
                List.of(
                    cmp(EntityType.METRIC, "acc", Op.GT, 0.9),
                    cmp(EntityType.PARAM, "model", Op.EQ, "tree"),
                    cmp(EntityType.TAG, "my tag", Op.LIKE, "a%"))));
  }

  @Test
  void acceptsMlflowPrefixSynonymsAndQuotedKeys() {
    assertThat(parse("metric.a = 1")).isEqualTo(cmp(EntityType.METRIC, "a", Op.EQ, 1.0));
    assertThat(parse("parameter.p != \"x\"")).isEqualTo(cmp(EntityType.PARAM, "p", Op.NE, "x"));
    assertThat(parse("tags.\"mlflow.runName\" = 'r'"))
        .isEqualTo(cmp(EntityType.TAG, "mlflow.runName", Op.EQ, "r"));
    assertThat(parse("metrics.val/loss <= -1.5e-3"))
        .isEqualTo(cmp(EntityType.METRIC, "val/loss", Op.LE, -1.5e-3));
    assertThat(parse("tag.`mlflow.prompt.is_prompt` != 'true'"))
        .isEqualTo(cmp(EntityType.TAG, "mlflow.prompt.is_prompt", Op.NE, "true"));
  }

  @Test
  void resolvesAttributeAliases() {
    assertThat(parse("attributes.run_id IN ('a', 'b')"))
        .isEqualTo(cmp(EntityType.ATTRIBUTE, "run_id", Op.IN, List.of("a", "b")));
    assertThat(parse("run_name = 'x'"))
        .isEqualTo(cmp(EntityType.ATTRIBUTE, "run_name", Op.EQ, "x"));
    assertThat(parse("attr.created > 5"))
        .isEqualTo(cmp(EntityType.ATTRIBUTE, "start_time", Op.GT, 5.0));
    assertThat(parse("run.status NOT IN ('FAILED')"))
        .isEqualTo(cmp(EntityType.ATTRIBUTE, "status", Op.NOT_IN, List.of("FAILED")));
  }

  @Test
  void orBindsLooserThanAnd_andParenthesesGroup() {
    Filter f = parse("metrics.a > 1 OR metrics.b > 2 AND params.p = 'x'");
    assertThat(f).isInstanceOf(Filter.Or.class);
    assertThat(((Filter.Or) f).parts().get(1)).isInstanceOf(Filter.And.class);
    Filter g = parse("(metrics.a > 1 OR metrics.b > 2) AND params.p = 'x'");
    assertThat(g).isInstanceOf(Filter.And.class);
    assertThat(((Filter.And) g).parts().get(0)).isInstanceOf(Filter.Or.class);
  }

  @Test
  void parsesMetricSummariesAndNullChecks() {
    assertThat(parse("max(metrics.loss) < 2"))
        .isEqualTo(
            new Filter.Comparison(
                new Identifier(EntityType.METRIC, "loss", Aggregate.MAX), Op.LT, 2.0));
    assertThat(parse("tags.t IS NOT NULL"))
        .isEqualTo(cmp(EntityType.TAG, "t", Op.IS_NOT_NULL, null));
    // A metric named "loss.min" is not the summary syntax.
    assertThat(parse("metrics.loss.min < 1"))
        .isEqualTo(cmp(EntityType.METRIC, "loss.min", Op.LT, 1.0));
  }

  @Test
  void parsesOrderBy() {
    assertThat(SearchParser.parseOrderBy("metrics.`my loss` DESC", SearchSchema.RUNS))
        .isEqualTo(new OrderBy(Identifier.of(EntityType.METRIC, "my loss"), false));
    assertThat(SearchParser.parseOrderBy("start_time", SearchSchema.RUNS))
        .isEqualTo(new OrderBy(Identifier.of(EntityType.ATTRIBUTE, "start_time"), true));
    assertThat(SearchParser.parseOrderBy("min(metrics.loss) asc", SearchSchema.RUNS))
        .isEqualTo(new OrderBy(new Identifier(EntityType.METRIC, "loss", Aggregate.MIN), true));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "metrics.acc >",
        "metrics.acc > 'high'",
        "params.p = unquoted",
        "params.p > 'a'",
        "foo.bar = 1",
        "nonsense = 'x'",
        "metrics.a > 1 metrics.b > 2",
        "(metrics.a > 1",
        "params.p IN 'a'",
        "tags.t = 'unterminated",
        "min(params.p) = 'a'",
        "metrics.a ~ 1",
      })
  void badFilters_failWithInvalidParameterValueAndPosition(String text) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("position");
  }

  @Test
  void badFilter_messageSaysWhatWasExpected() {
    assertThatThrownBy(() -> parse("metrics.acc > 'high'"))
        .hasMessageContaining("expected a number to compare with 'metrics.acc'")
        .hasMessageContaining("position 15");
  }

  @Test
  void experimentsSchema_refusesMetrics() {
    assertThatThrownBy(() -> SearchParser.parseFilter("metrics.a > 1", SearchSchema.EXPERIMENTS))
        .hasMessageContaining("experiments cannot be searched by metrics");
  }

  @Test
  void blankFilter_isNoFilter() {
    assertThat(parse("  ")).isNull();
    assertThat(parse(null)).isNull();
  }

  @Test
  void pageTokens_roundTrip_andForgedOnesAreRefused() {
    assertThat(PageToken.decode(PageToken.encode(1234))).isEqualTo(1234);
    assertThat(PageToken.decode("eyJvZmZzZXQiOiAxMDB9")).isEqualTo(100);
    assertThatThrownBy(() -> PageToken.decode("not-a-token"))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("Invalid page token");
  }
}
