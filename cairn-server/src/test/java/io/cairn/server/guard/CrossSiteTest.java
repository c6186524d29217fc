package io.cairn.server.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerConfig;
import io.cairn.server.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile web page can make a browser send to a Cairn on localhost: each such request is
 * refused and changes nothing, while the server's own pages and the MLflow clients go through.
 */
class CrossSiteTest {
  @TempDir static Path dir;
  static ServerFixture server;
  static ServerFixture open;
  static RawHttp raw;
  static String experiment;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir.resolve("a"));
    raw = new RawHttp(server.port());
    open =
        new ServerFixture(
            ServerConfig.embedded("127.0.0.1", 0, dir.resolve("b"))
                .withWeb(
                    new WebSecurity(
                        List.of("127.0.0.1:*", "cairn.example.org"),
                        List.of("https://ui.example.org"),
                        "https://cairn.example.org")));
    experiment =
        server
            .post("/api/2.0/mlflow/experiments/create", "{\"name\": \"victim\"}")
            .json()
            .get("experiment_id")
            .asText();
  }

  @AfterAll
  static void stop() {
    server.close();
    open.close();
  }

  private static String lifecycle() {
    return server
        .get("/api/2.0/mlflow/experiments/get?experiment_id=" + experiment)
        .json()
        .at("/experiment/lifecycle_stage")
        .asText();
  }

  @Test
  void textPlainPost_likeAFormOrNoCorsFetch_isRefusedAndChangesNothing() {
    String body = "{\"experiment_id\": \"" + experiment + "\"}";
    for (String type :
        List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain; charset=application/json")) {
      RawHttp.Answer a =
          raw.send("POST", "/api/2.0/mlflow/experiments/delete", body, "Content-Type: " + type);
      assertThat(a.status()).as(type).isEqualTo(400);
      assertThat(a.code()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(a.json().get("message").asText()).contains("application/json");
    }
    RawHttp.Answer none = raw.send("POST", "/api/2.0/mlflow/experiments/delete", body);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().get("message").asText()).contains("without a Content-Type");
    assertThat(lifecycle()).isEqualTo("active");
  }

  @Test
  void foreignOrigin_cannotChangeData_evenWithJsonOrNoBody() {
    String body = "{\"experiment_id\": \"" + experiment + "\"}";
    RawHttp.Answer json =
        raw.send(
            "POST",
            "/api/2.0/mlflow/experiments/delete",
            body,
            "Content-Type: application/json",
            "Origin: http://evil.example");
    assertThat(json.status()).isEqualTo(403);
    assertThat(json.code()).isEqualTo("PERMISSION_DENIED");
    assertThat(json.json().get("message").asText())
        .contains("http://evil.example")
        .contains("--cors-allowed-origins");
    RawHttp.Answer query =
        raw.send(
            "POST",
            "/api/2.0/mlflow/experiments/delete?experiment_id=" + experiment,
            null,
            "Origin: http://localhost:3000");
    assertThat(query.status()).isEqualTo(403);
    RawHttp.Answer nullOrigin =
        raw.send(
            "POST",
            "/api/cairn/v1/datasets/gc",
            "{}",
            "Content-Type: application/json",
            "Origin: null");
    assertThat(nullOrigin.status()).isEqualTo(403);
    RawHttp.Answer fetchSite =
        raw.send(
            "DELETE",
            "/api/2.0/mlflow-artifacts/artifacts/0/x.txt",
            null,
            "Sec-Fetch-Site: cross-site");
    assertThat(fetchSite.status()).isEqualTo(403);
    assertThat(lifecycle()).isEqualTo("active");
  }

  @Test
  void theServersOwnPages_andClientsWithoutOrigin_changeData() {
    String created =
        raw.send(
                "POST",
                "/api/2.0/mlflow/experiments/create",
                "{\"name\": \"own page\"}",
                "Content-Type: application/json; charset=utf-8",
                "Origin: http://127.0.0.1:" + server.port(),
                "Sec-Fetch-Site: same-origin")
            .json()
            .get("experiment_id")
            .asText();
    assertThat(created).isNotEmpty();
    RawHttp.Answer byName =
        raw.send(
            "POST",
            "/api/2.0/mlflow/experiments/update",
            "{\"experiment_id\": \"" + created + "\", \"new_name\": \"renamed\"}",
            "Content-Type: application/json",
            "Host: localhost:" + server.port(),
            "Origin: http://localhost:" + server.port());
    assertThat(byName.status()).isEqualTo(200);
  }

  @Test
  void allowedOrigin_changesData_andGetsCorsHeaders() {
    RawHttp ui = new RawHttp(open.port());
    RawHttp.Answer preflight =
        ui.send(
            "OPTIONS",
            "/api/2.0/mlflow/experiments/create",
            null,
            "Origin: https://ui.example.org",
            "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: content-type");
    assertThat(preflight.status()).isLessThan(300);
    assertThat(preflight.headers().get("access-control-allow-origin"))
        .isEqualTo("https://ui.example.org");
    RawHttp.Answer created =
        ui.send(
            "POST",
            "/api/2.0/mlflow/experiments/create",
            "{\"name\": \"from the ui\"}",
            "Content-Type: application/json",
            "Origin: https://ui.example.org");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.headers().get("access-control-allow-origin"))
        .isEqualTo("https://ui.example.org");
    RawHttp.Answer publicOrigin =
        ui.send(
            "POST",
            "/api/2.0/mlflow/experiments/create",
            "{\"name\": \"behind the proxy\"}",
            "Content-Type: application/json",
            "Host: cairn.example.org",
            "Origin: https://cairn.example.org");
    assertThat(publicOrigin.status()).as(publicOrigin.body()).isEqualTo(200);
    RawHttp.Answer other =
        ui.send(
            "POST",
            "/api/2.0/mlflow/experiments/create",
            "{\"name\": \"evil\"}",
            "Content-Type: application/json",
            "Origin: https://evil.example.org");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.headers()).doesNotContainKey("access-control-allow-origin");
  }

  @Test
  void methodOverrideHeaders_areRefused_andDeleteNothing() {
    server.put("/api/2.0/mlflow-artifacts/artifacts/0/keep.txt", "kept".getBytes());
    for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
      RawHttp.Answer a =
          raw.send(
              "POST", "/api/2.0/mlflow-artifacts/artifacts/0/keep.txt", null, header + ": DELETE");
      assertThat(a.status()).as(header).isEqualTo(400);
      assertThat(a.json().get("message").asText()).contains("not honoured");
    }
    assertThat(server.get("/api/2.0/mlflow-artifacts/artifacts/0/keep.txt").body())
        .isEqualTo("kept");
  }
}
