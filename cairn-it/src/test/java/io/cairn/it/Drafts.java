package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of hostile requests for every endpoint of the catalogue. */
final class Drafts {
  private static final Pattern SEGMENT = Pattern.compile("\\{[^}]*}");

  private Drafts() {}

  static Arbitrary<Draft> any() {
    return Arbitraries.of(Endpoints.ALL).flatMap(Drafts::forEndpoint);
  }

  static Arbitrary<Draft> forEndpoint(Endpoints.Endpoint e) {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.just(e.method())),
            Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE")));
    Arbitrary<JsonNode> fields = mutations().map(ms -> Draft.mutate(e.template(), ms));
    Arbitrary<byte[]> raw =
        e.carrier() == Endpoints.Carrier.BYTES
            ? Arbitraries.bytes().array(byte[].class).ofMaxSize(4096)
            : Nasty.rawBodies().injectNull(0.8);
    return Combinators.combine(
            method,
            paths(e.path()),
            fields,
            raw,
            Nasty.contentTypes(),
            Arbitraries.of(false, false, false, true))
        .as((m, p, f, r, c, chunked) -> new Draft(e, m, p, f, r, c, chunked));
  }

  static Arbitrary<List<Draft.Mutation>> mutations() {
    Arbitrary<Draft.Mutation> one =
        Combinators.combine(
                Arbitraries.of(Draft.Mutation.Kind.class),
                Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 30),
                Nasty.fieldNames(),
                Nasty.values())
            .as(Draft.Mutation::new);
    return one.list().ofMaxSize(3);
  }

  /** The path as it is, or with one of its variable segments replaced by hostile text. */
  static Arbitrary<String> paths(String path) {
    long segments = SEGMENT.matcher(path).results().count();
    if (segments == 0) {
      return Arbitraries.just(path);
    }
    Arbitrary<String> replaced =
        Combinators.combine(Arbitraries.integers().between(0, (int) segments - 1), Nasty.strings())
            .as((i, s) -> replaceSegment(path, i, s.replace("{", "").replace("}", "")));
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(path)), Tuple.of(1, replaced));
  }

  private static String replaceSegment(String path, int index, String text) {
    Matcher m = SEGMENT.matcher(path);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(i++ == index ? "{" + text + "}" : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }
}
