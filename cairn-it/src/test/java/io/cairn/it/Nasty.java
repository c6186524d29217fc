package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile input: strings (empty, huge, control and NUL characters, lone surrogates,
 * non-BMP text, injection and path tricks, MLflow's special words), JSON values of every type, and
 * request bodies that are not JSON at all.
 */
final class Nasty {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Nasty() {}

  private static final List<String> SPECIAL =
      List.of(
          "NaN",
          "Infinity",
          "-Infinity",
          "inf",
          "1e309",
          "-0",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "0x10",
          " 5 ",
          "1.5",
          "true",
          "null",
          "None",
          "..",
          "../x",
          "../../etc/passwd",
          "/etc/passwd",
          "a/../../b",
          "%2e%2e%2f",
          "%00",
          "C:\\x",
          "\\\\server\\share",
          "'; DROP TABLE runs; --",
          "\" OR 1=1 --",
          "attributes.status = 'RUNNING'",
          "metrics.m > 0 AND params.p = 'x",
          "tags.`a` = 'b' OR",
          "((((",
          "name LIKE '%'",
          "ORDER BY",
          "metrics.m DESC, params.p",
          "Production",
          "Archived",
          "READY",
          "FINISHED",
          "LOGGED_MODEL_READY",
          "ACTIVE_ONLY",
          "DELETED_ONLY",
          "latest",
          "v1",
          "@champion",
          "runs:/x/model",
          "models:/m/1",
          "mlflow-artifacts:/x",
          "file:///etc/passwd",
          "s3://bucket/key",
          "mlflow.runName",
          ".cairn-upload-x",
          "eyJvZmZzZXQiOiAtMX0=",
          "$RUN",
          "$EXP",
          "$MODEL",
          "$LM",
          "$VERSION");

  static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(SPECIAL)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(24)),
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(
            1,
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)),
        Tuple.of(
            1,
            Arbitraries.of(
                "\u0000",
                "a\u0000b",
                "\uD83D\uDE00",
                "\uD834\uDD1E clef",
                "\uD800",
                "x\uDFFFy",
                "\u202Eevil",
                "\uFEFF",
                "e\u0301",
                "\u00e9\u4e2d\u0627")),
        Tuple.of(1, Arbitraries.of(260, 6001, 8001, 20_001, 70_000).map("x"::repeat)));
  }

  static Arbitrary<JsonNode> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, strings().map(F::textNode)),
        Tuple.of(
            2,
            Arbitraries.of(
                F.numberNode(0),
                F.numberNode(-1),
                F.numberNode(Integer.MAX_VALUE),
                F.numberNode(Long.MAX_VALUE),
                F.numberNode(Long.MIN_VALUE),
                F.numberNode(new BigInteger("18446744073709551616")),
                F.numberNode(new BigDecimal("1e400")),
                F.numberNode(-0.0),
                F.numberNode(1.5),
                F.numberNode(1e300))),
        Tuple.of(1, Arbitraries.longs().map(F::numberNode)),
        Tuple.of(1, Arbitraries.doubles().map(F::numberNode)),
        Tuple.of(1, Arbitraries.of(F.booleanNode(true), F.booleanNode(false), F.nullNode())));
  }

  /** Any JSON value: scalars, and arrays or objects of them two levels deep. */
  static Arbitrary<JsonNode> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.recursive(Nasty::scalars, Nasty::containers, 0, 2)),
        Tuple.of(1, Arbitraries.of(60, 62, 63, 64, 65, 200, 900).map(Nasty::nested)));
  }

  /** Arrays nested {@code depth} deep: around the server's limit, and far past it. */
  static JsonNode nested(int depth) {
    ArrayNode root = F.arrayNode();
    ArrayNode a = root;
    for (int i = 1; i < depth; i++) {
      a = a.addArray();
    }
    return root;
  }

  private static Arbitrary<JsonNode> containers(Arbitrary<JsonNode> inner) {
    Arbitrary<JsonNode> arrays =
        inner
            .list()
            .ofMaxSize(3)
            .map(
                items -> {
                  ArrayNode a = F.arrayNode();
                  items.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> objects =
        Arbitraries.maps(fieldNames(), inner)
            .ofMaxSize(3)
            .map(
                fields -> {
                  ObjectNode o = F.objectNode();
                  fields.forEach(o::set);
                  return o;
                });
    return Arbitraries.oneOf(inner, arrays, objects);
  }

  /** Names MLflow's requests use (so a junk object hits real fields), and random ones. */
  static Arbitrary<String> fieldNames() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            4,
            Arbitraries.of(
                "run_id",
                "run_uuid",
                "experiment_id",
                "experiment_ids",
                "name",
                "new_name",
                "key",
                "value",
                "timestamp",
                "step",
                "metrics",
                "params",
                "tags",
                "status",
                "end_time",
                "start_time",
                "max_results",
                "page_token",
                "filter",
                "order_by",
                "view_type",
                "run_view_type",
                "model_id",
                "version",
                "alias",
                "stage",
                "source",
                "description",
                "datasets",
                "models",
                "path",
                "metric_key",
                "run_ids")),
        Tuple.of(1, strings()));
  }

  /** Bodies that are not a JSON object: broken, truncated, deep, not UTF-8, not JSON at all. */
  static Arbitrary<byte[]> rawBodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            4,
            Arbitraries.of(
                    "{",
                    "}",
                    "{\"run_id\":",
                    "{\"run_id\": \"x\"",
                    "{\"a\":1}}",
                    "[]",
                    "[{}]",
                    "\"text\"",
                    "42",
                    "null",
                    "true",
                    "nul",
                    "{'single': 'quotes'}",
                    "{\"a\": NaN}",
                    "{\"a\": Infinity, \"b\": -Infinity}",
                    "{\"a\": 01}",
                    "{\"a\": 1e99999}",
                    "{\"a\": \"\\uD800\"}",
                    "{\"a\": \"\\u0000\"}",
                    "/* comment */ {}",
                    "{\"run_id\": \"x\", \"run_id\": \"y\"}",
                    "\uFEFF{}",
                    "<xml/>",
                    "run_id=x&key=y",
                    "\u0000",
                    " \t\r\n ")
                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(
            1,
            Arbitraries.of(
                    "[".repeat(3000),
                    "{\"a\":".repeat(2000),
                    "1".repeat(5000),
                    "{\"a\": \"" + "\\\"".repeat(10_000) + "\"}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(
            1,
            Arbitraries.of(
                new byte[] {(byte) 0xC3, 0x28},
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'},
                new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'},
                new byte[] {0, 0, 0, 0})),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
  }

  static Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("application/json")),
        Tuple.of(
            1,
            Arbitraries.of(
                "",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=ISO-8859-1",
                "application/octet-stream")));
  }
}
