package io.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI's files as a browser gets them: types, cache rules and security headers. */
class UiAssetsTest {
  @TempDir static Path dir;
  static ServerFixture server;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void root_isThePageWithItsSecurityHeaders_andIsNeverCached() {
    ServerFixture.Answer a = server.get("/");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>");
    var headers = a.raw().headers();
    assertThat(headers.firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(headers.firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(headers.firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            v ->
                assertThat(v)
                    .contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval"));
    assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(headers.firstValue("Referrer-Policy")).hasValue("same-origin");
  }

  @Test
  void modulesAndWebJars_areServedWithTheirTypesAndCacheRules() {
    ServerFixture.Answer app = server.get("/ui/pages/runs.js");
    assertThat(app.status()).isEqualTo(200);
    assertThat(app.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
    assertThat(app.raw().headers().firstValue("Cache-Control")).hasValue("max-age=60");
    ServerFixture.Answer uplot = server.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
    assertThat(uplot.status()).isEqualTo(200);
    assertThat(uplot.raw().headers().firstValue("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("immutable"));
  }

  @Test
  void unknownFilesAndClassFiles_areNotFound() {
    assertThat(server.get("/ui/nothing.js").status()).isEqualTo(404);
    assertThat(server.get("/ui/README").status()).isEqualTo(404);
    assertThat(server.raw("GET", "/ui/../io/cairn/server/CairnServer.class").status())
        .isIn(400, 404);
    assertThat(server.raw("GET", "/webjars/%2e%2e/%2e%2e/logback.xml").status()).isIn(400, 404);
  }
}
