package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact proxy over HTTP, including path attacks sent byte for byte. */
class ArtifactApiTest {
  static final String A = "/api/2.0/mlflow-artifacts/artifacts";
  @TempDir static Path dir;
  static ServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerFixture(dir.resolve("data"));
    Files.writeString(dir.resolve("secret.txt"), "TOP SECRET");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void uploadListDownloadDelete() {
    byte[] content = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    assertThat(server.put(A + "/1/run/artifacts/data/table.csv", content).status()).isEqualTo(200);
    ServerFixture.Answer list = server.get(A + "?path=1/run/artifacts/data");
    assertThat(list.json().get("files").toString())
        .isEqualTo("[{\"path\":\"table.csv\",\"is_dir\":false,\"file_size\":8}]");
    assertThat(server.get(A + "?path=1/run/artifacts").json().get("files").toString())
        .isEqualTo("[{\"path\":\"data\",\"is_dir\":true}]");
    assertThat(server.get(A + "?path=1/missing").json().get("files")).isEmpty();
    ServerFixture.Answer download = server.get(A + "/1/run/artifacts/data/table.csv");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.raw().body()).isEqualTo(content);
    assertThat(download.raw().headers().firstValue("Content-Disposition").orElse(""))
        .startsWith("attachment");
    assertThat(download.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    ServerFixture.Answer dirGet = server.get(A + "/1/run/artifacts/data");
    assertThat(dirGet.status()).isEqualTo(404);
    assertThat(dirGet.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(server.delete(A + "/1/run/artifacts/data/table.csv").status()).isEqualTo(200);
    assertThat(server.get(A + "/1/run/artifacts/data/table.csv").status()).isEqualTo(404);
  }

  @Test
  void multipartUpload_partsThroughTheServer() throws Exception {
    byte[] first = new byte[3000];
    byte[] second = new byte[1234];
    java.util.Arrays.fill(first, (byte) 1);
    java.util.Arrays.fill(second, (byte) 2);
    com.fasterxml.jackson.databind.JsonNode created =
        server
            .post(
                "/api/2.0/mlflow-artifacts/mpu/create/2/mp/artifacts",
                "{\"path\": \"local/dir/w.bin\", \"num_parts\": 2}")
            .json();
    String id = created.get("upload_id").asText();
    StringBuilder parts = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonNode c : created.get("credentials")) {
      int n = c.get("part_number").asInt();
      String url = c.get("url").asText();
      assertThat(url).startsWith(server.url() + "/api/2.0/mlflow-artifacts/mpu/part/" + id);
      ServerFixture.Answer put =
          server.put(url.substring(server.url().length()), n == 1 ? first : second);
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      parts
          .append(parts.length() == 0 ? "" : ",")
          .append("{\"part_number\": ")
          .append(n)
          .append(", \"etag\": \"")
          .append(put.raw().headers().firstValue("ETag").orElseThrow())
          .append("\"}");
    }
    assertThat(server.get(A + "/2/mp/artifacts/w.bin").status()).isEqualTo(404);
    String wrong = parts.toString().replaceFirst("\"etag\": \"[0-9a-f]", "\"etag\": \"x");
    ServerFixture.Answer refused =
        server.post(
            "/api/2.0/mlflow-artifacts/mpu/complete/2/mp/artifacts",
            "{\"path\": \"w.bin\", \"upload_id\": \"" + id + "\", \"parts\": [" + wrong + "]}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(refused.json().get("message").asText()).contains("Part 1", "ETag");
    assertThat(
            server
                .post(
                    "/api/2.0/mlflow-artifacts/mpu/complete/2/mp/artifacts",
                    "{\"path\": \"w.bin\", \"upload_id\": \""
                        + id
                        + "\", \"parts\": ["
                        + parts
                        + "]}")
                .status())
        .isEqualTo(200);
    byte[] whole = server.get(A + "/2/mp/artifacts/w.bin").raw().body();
    assertThat(whole).hasSize(4234);
    assertThat(whole[0]).isEqualTo((byte) 1);
    assertThat(whole[4233]).isEqualTo((byte) 2);
    assertThat(server.get(A + "?path=2/mp/artifacts").body()).doesNotContain(".cairn-");
  }

  @Test
  void traversalAttempts_neverReachOutsideTheStore() {
    String[] attacks = {
      A + "/../../secret.txt",
      A + "/1/../../../secret.txt",
      A + "/%2e%2e/%2e%2e/secret.txt",
      A + "/1/%2E%2E/%2E%2E/%2E%2E/secret.txt",
      A + "/%252e%252e/%252e%252e/secret.txt",
      A + "/..%2f..%2fsecret.txt",
      A + "/%2Ftmp%2Fsecret.txt",
      A + "/1/..%5c..%5csecret.txt",
      A + "?path=../../",
      A + "?path=%2e%2e%2f%2e%2e",
      A + "?path=/etc",
    };
    for (String attack : attacks) {
      ServerFixture.Answer a = server.raw("GET", attack);
      assertThat(a.status()).as(attack + " -> " + a.body()).isBetween(400, 499);
      assertThat(a.body()).as(attack).doesNotContain("TOP SECRET").doesNotContain("secret.txt\",");
      ServerFixture.Answer put = server.raw("PUT", attack);
      assertThat(put.status()).as("PUT " + attack).isBetween(400, 499);
    }
    assertThat(dir.resolve("data").resolve("planted")).doesNotExist();
  }

  @Test
  void overlongNames_are400NotServerErrors() {
    ServerFixture.Answer a = server.put(A + "/1/" + "a".repeat(300) + ".txt", new byte[] {1});
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("message").asText()).contains("longer than 255 bytes");
  }

  @Test
  void symlinkInTheStore_isNotFollowed() throws Exception {
    Path store = dir.resolve("data").resolve("artifacts");
    Files.createDirectories(store);
    Files.createSymbolicLink(store.resolve("escape"), dir);
    ServerFixture.Answer a = server.get(A + "/escape/secret.txt");
    assertThat(a.status()).isBetween(400, 499);
    assertThat(a.body()).doesNotContain("TOP SECRET");
    assertThat(server.put(A + "/escape/planted.txt", new byte[] {1}).status()).isBetween(400, 499);
    assertThat(dir.resolve("planted.txt")).doesNotExist();
  }
}
