package io.cairn.it;

import java.net.http.HttpRequest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * What a hostile web page can add to a request it makes a browser send: a foreign Origin (or {@code
 * null}, from a sandboxed frame), a cross-site fetch mark, a content type a form or a no-CORS fetch
 * may use, a method override, or a DNS-rebinding Host name. The server must refuse every one of
 * them before any endpoint runs.
 */
record WebAttack(Kind kind, String value) {
  enum Kind {
    ORIGIN,
    FETCH_SITE,
    SIMPLE_TYPE,
    METHOD_OVERRIDE,
    HOST
  }

  static Arbitrary<WebAttack> any() {
    Arbitrary<String> origins =
        Arbitraries.of(
            "http://evil.example",
            "null",
            "http://localhost:3000",
            "http://127.0.0.1.evil.example",
            "https://127.0.0.1",
            "file://",
            "http://[::1]:1");
    Arbitrary<String> types =
        Arbitraries.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain; charset=application/json");
    Arbitrary<String> hosts =
        Arbitraries.of("evil.example", "evil.example:5000", "127.0.0.1.nip.io", "localhost.evil");
    return Arbitraries.of(Kind.class)
        .flatMap(
            k ->
                switch (k) {
                  case ORIGIN -> origins.map(v -> new WebAttack(k, v));
                  case FETCH_SITE ->
                      Arbitraries.of("cross-site", "same-site").map(v -> new WebAttack(k, v));
                  case SIMPLE_TYPE -> types.map(v -> new WebAttack(k, v));
                  case METHOD_OVERRIDE ->
                      Combinators.combine(
                              Arbitraries.of(
                                  "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"),
                              Arbitraries.of("DELETE", "PUT", "PATCH", "POST"))
                          .as((h, m) -> new WebAttack(k, h + ":" + m));
                  case HOST -> hosts.map(v -> new WebAttack(k, v));
                });
  }

  /** Whether a browser would send this with a request of that method (so it must be refused). */
  boolean refusable(String method) {
    return switch (kind) {
      case HOST, METHOD_OVERRIDE -> true;
      case ORIGIN, FETCH_SITE -> !method.equals("GET");
      case SIMPLE_TYPE -> !method.equals("GET");
    };
  }

  /** The probe's request with the attack added. */
  HttpRequest apply(Probe p, Http http) {
    HttpRequest.Builder b = http.request(p.pathAndQuery());
    String type = kind == Kind.SIMPLE_TYPE ? value : p.contentType();
    if (type != null && !type.isEmpty()) {
      b.header("Content-Type", type);
    }
    switch (kind) {
      case ORIGIN -> b.header("Origin", value);
      case FETCH_SITE -> b.header("Sec-Fetch-Site", value);
      case METHOD_OVERRIDE -> b.header(value.split(":")[0], value.split(":")[1]);
      case HOST -> b.header("Host", value);
      default -> {}
    }
    byte[] body = p.body() == null ? new byte[0] : p.body();
    return b.method(p.method(), HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  static final List<Integer> REFUSALS = List.of(400, 403);
}
