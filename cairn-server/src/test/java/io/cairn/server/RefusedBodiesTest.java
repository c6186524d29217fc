package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request refused while its body is still being sent gets its answer: the server must not close
 * the connection under a client that is still writing (the kernel would reset it, and java.net.http
 * then drops the answer it already had: about 1 in 10 such requests before).
 */
class RefusedBodiesTest {
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

  private static Map<String, Integer> send(String path, int times, int size) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] body = new byte[size];
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < times; i++) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.url() + path))
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(20))
              .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
              .build();
      String answer;
      try {
        answer =
            Integer.toString(
                client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
      } catch (IOException e) {
        answer = "no answer: " + e.getMessage();
      }
      answers.merge(answer, 1, Integer::sum);
    }
    return answers;
  }

  @Test
  void malformedUrlJettyRefuses_whileAChunkedBodyArrives_isAnswered() throws Exception {
    assertThat(send("/api/2.0/mlflow-artifacts/artifacts/%00/x.bin", 300, 10_240))
        .isEqualTo(Map.of("400", 300));
  }

  @Test
  void bodyOverTheLimit_whileItArrives_isAnswered() throws Exception {
    assertThat(send("/api/2.0/mlflow/experiments/create", 20, 17 << 20))
        .isEqualTo(Map.of("400", 20));
  }
}
