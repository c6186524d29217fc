package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.storage.s3.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact proxy and multipart uploads over a real S3-protocol server on loopback. */
class ArtifactApiS3Test {
  static final String A = "/api/2.0/mlflow-artifacts";
  @TempDir static Path dir;
  static S3TestServer s3;
  static ServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("cairn");
    ServerConfig local = ServerConfig.embedded("127.0.0.1", 0, dir);
    server =
        new ServerFixture(
            new ServerConfig(
                local.host(),
                0,
                local.dataDir(),
                local.dbUrl(),
                null,
                null,
                local.artifactsDir(),
                local.maxRequestBytes(),
                s3.settings("cairn", "mlflow")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    s3.close();
  }

  @Test
  void runArtifacts_roundTripThroughS3() {
    String exp =
        server
            .post("/api/2.0/mlflow/experiments/create", "{\"name\": \"s3\"}")
            .json()
            .get("experiment_id")
            .asText();
    JsonNode run =
        server
            .post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}")
            .json()
            .at("/run/info");
    String root = run.get("artifact_uri").asText().replace("mlflow-artifacts:/", "");
    byte[] bytes = "hello s3".getBytes();
    assertThat(server.put(A + "/artifacts/" + root + "/dir/a.txt", bytes).status()).isEqualTo(200);
    assertThat(server.get(A + "/artifacts/" + root + "/dir/a.txt").raw().body()).isEqualTo(bytes);
    JsonNode listed =
        server
            .get(
                "/api/2.0/mlflow/artifacts/list?run_id=" + run.get("run_id").asText() + "&path=dir")
            .json();
    assertThat(listed.get("files").toString())
        .isEqualTo("[{\"path\":\"dir/a.txt\",\"is_dir\":false,\"file_size\":8}]");
    assertThat(server.delete(A + "/artifacts/" + root + "/dir").status()).isEqualTo(200);
    assertThat(server.get(A + "/artifacts/" + root + "/dir/a.txt").status()).isEqualTo(404);
  }

  @Test
  void multipartUpload_withPresignedPartUrls() throws Exception {
    int part = 5 * 1024 * 1024;
    byte[] data = new byte[2 * part + 123];
    new Random(9).nextBytes(data);
    JsonNode created =
        server
            .post(
                A + "/mpu/create/1/run/artifacts",
                "{\"path\": \"local/weights.bin\", \"num_parts\": 3}")
            .json();
    String uploadId = created.get("upload_id").asText();
    HttpClient http = HttpClient.newHttpClient();
    StringBuilder parts = new StringBuilder();
    for (JsonNode c : created.get("credentials")) {
      int n = c.get("part_number").asInt();
      assertThat(c.get("url").asText()).startsWith(s3.endpoint());
      byte[] slice = Arrays.copyOfRange(data, (n - 1) * part, Math.min(data.length, n * part));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(c.get("url").asText()))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(slice))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      parts
          .append(parts.length() == 0 ? "" : ",")
          .append("{\"part_number\": ")
          .append(n)
          .append(", \"etag\": \"")
          .append(r.headers().firstValue("ETag").orElseThrow().replace("\"", "\\\""))
          .append("\"}");
    }
    assertThat(server.get(A + "/artifacts/1/run/artifacts/weights.bin").status()).isEqualTo(404);
    ServerFixture.Answer done =
        server.post(
            A + "/mpu/complete/1/run/artifacts",
            "{\"path\": \"local/weights.bin\", \"upload_id\": \""
                + uploadId
                + "\", \"parts\": ["
                + parts
                + "]}");
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(server.get(A + "/artifacts/1/run/artifacts/weights.bin").raw().body())
        .isEqualTo(data);
  }
}
