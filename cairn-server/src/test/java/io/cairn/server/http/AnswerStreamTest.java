package io.cairn.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An answer that fails while it is being written never reaches the client as a shorter answer that
 * looks whole: before anything was sent it is a clean 500 with MLflow's error JSON; after, the
 * connection is cut, so the client sees a broken response.
 */
class AnswerStreamTest {
  static io.javalin.Javalin app;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A value whose serialization fails: what a stored value Jackson cannot write would do. */
  static final class Poison {
    public String getValue() {
      throw new IllegalStateException("cannot be written");
    }
  }

  static ObjectNode answer(int strings) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode items = o.putArray("items");
    for (int i = 0; i < strings; i++) {
      items.add("item number " + i + " of a long answer");
    }
    o.set("poison", new POJONode(new Poison()));
    return o;
  }

  @BeforeAll
  static void start() {
    ObjectMapper mapper = new ObjectMapper();
    app = io.javalin.Javalin.create(c -> c.showJavalinBanner = false);
    ErrorHandling.install(app);
    JsonApi api =
        new JsonApi(
            app,
            mapper,
            new JsonBodies(mapper, BodyBudget.forHeap(1L << 30), 1 << 20),
            List.of(""));
    api.get("/small", (f, ctx) -> answer(10));
    api.get("/large", (f, ctx) -> answer(100_000));
    app.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void failureBeforeAnythingWasSent_isACleanError() throws Exception {
    HttpResponse<String> r = get("/small");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).startsWith("{\"error_code\":\"INTERNAL_ERROR\"").doesNotContain("item");
  }

  @Test
  void failureAfterTheAnswerStarted_cutsTheConnection() {
    assertThatThrownBy(() -> get("/large")).isInstanceOf(IOException.class);
  }
}
