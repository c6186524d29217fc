package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Clients uploading artifact files of a few MiB each, one after another, through the artifact proxy
 * until the server dies (even-numbered uploaders with plain PUTs, odd ones with MLflow's multipart
 * protocol in 3 parts); then the check that every file a restarted server lists is whole and that
 * every acknowledged upload is there. File {@code n} of uploader {@code u} is {@code
 * crash/u<u>/f<n>.bin}, its size and bytes derived from (u, n).
 */
final class Uploads {
  private static final String PREFIX = "/api/2.0/mlflow-artifacts/artifacts";
  private static final String MPU = "/api/2.0/mlflow-artifacts/mpu";
  private static final Pattern NAME = Pattern.compile("f(\\d+)\\.bin");

  /** What the restarted server lists. */
  record Report(
      int attempted,
      int acknowledged,
      int unanswered,
      int listed,
      int unansweredListed,
      int tempFilesOnDisk,
      List<String> problems) {}

  private final Http http;
  private final List<List<Boolean>> acked = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  Uploads(Http http, int uploaders) {
    this.http = http;
    for (int u = 0; u < uploaders; u++) {
      acked.add(new ArrayList<>());
    }
  }

  static byte[] content(int uploader, int n) {
    SplittableRandom random = new SplittableRandom(uploader * 1_000_003L + n);
    byte[] bytes = new byte[(1 + random.nextInt(6)) * 1024 * 1024 + random.nextInt(4096)];
    random.nextBytes(bytes);
    return bytes;
  }

  void start() {
    for (int u = 0; u < acked.size(); u++) {
      int uploader = u;
      Thread t = new Thread(() -> uploadUntilStopped(uploader), "uploader-" + u);
      threads.add(t);
      t.start();
    }
  }

  private void uploadUntilStopped(int uploader) {
    List<Boolean> mine = acked.get(uploader);
    for (int n = 0; !stop.get(); n++) {
      try {
        mine.add(
            uploader % 2 == 0
                ? plain(uploader, n, content(uploader, n))
                : multipart(uploader, n, content(uploader, n)));
      } catch (IOException e) {
        mine.add(false);
        return;
      } catch (InterruptedException e) {
        mine.add(false);
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean plain(int uploader, int n, byte[] bytes)
      throws IOException, InterruptedException {
    HttpRequest put =
        http.request(PREFIX + "/crash/u" + uploader + "/f" + n + ".bin")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return http.trySend(put).status() == 200;
  }

  /** MLflow's multipart protocol: create, PUT each part to the URL given, complete. */
  private boolean multipart(int uploader, int n, byte[] bytes)
      throws IOException, InterruptedException {
    String dir = "/crash/u" + uploader;
    String file = "f" + n + ".bin";
    int parts = 3;
    Http.Answer created =
        http.trySend(
            json(
                MPU + "/create" + dir,
                "{\"path\": \"" + file + "\", \"num_parts\": " + parts + "}"));
    if (created.status() != 200) {
      return false;
    }
    JsonNode credentials = created.json().get("credentials");
    StringBuilder done = new StringBuilder();
    int slice = (bytes.length + parts - 1) / parts;
    for (int p = 0; p < parts; p++) {
      JsonNode c = credentials.get(p);
      byte[] part = Arrays.copyOfRange(bytes, p * slice, Math.min(bytes.length, (p + 1) * slice));
      HttpResponse<byte[]> r =
          http.tryExchange(
              HttpRequest.newBuilder(URI.create(c.get("url").asText()))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(part))
                  .build());
      if (r.statusCode() != 200) {
        return false;
      }
      done.append(done.length() == 0 ? "" : ", ")
          .append("{\"part_number\": ")
          .append(c.get("part_number").asInt())
          .append(", \"etag\": \"")
          .append(r.headers().firstValue("ETag").orElse(""))
          .append("\"}");
    }
    String uploadId = created.json().get("upload_id").asText();
    return http.trySend(
                json(
                    MPU + "/complete" + dir,
                    "{\"path\": \""
                        + file
                        + "\", \"upload_id\": \""
                        + uploadId
                        + "\", \"parts\": ["
                        + done
                        + "]}"))
            .status()
        == 200;
  }

  private HttpRequest json(String path, String body) {
    return http.request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  void awaitEnd(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Thread t : threads) {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
  }

  /** Lists and downloads what {@code server} has; counts leftover temp files under the store. */
  Report verify(Http server, Path artifactRoot) throws IOException {
    int attempted = 0;
    int acknowledged = 0;
    int unanswered = 0;
    int listed = 0;
    int unansweredListed = 0;
    List<String> problems = new ArrayList<>();
    Http.ok(server.get(PREFIX + "?path="))
        .get("files")
        .forEach(
            f -> {
              if (f.get("path").asText().startsWith(".cairn-")) {
                problems.add("the store's root lists " + f);
              }
            });
    JsonNode top = Http.ok(server.get(PREFIX + "?path=crash")).get("files");
    top.forEach(
        f -> {
          if (!f.get("is_dir").asBoolean() || !f.get("path").asText().matches("u\\d+")) {
            problems.add("unexpected entry in crash/: " + f);
          }
        });
    for (int u = 0; u < acked.size(); u++) {
      List<Boolean> mine = acked.get(u);
      attempted += mine.size();
      boolean[] present = new boolean[mine.size()];
      JsonNode files = Http.ok(server.get(PREFIX + "?path=crash/u" + u)).get("files");
      for (JsonNode f : files) {
        String name = f.get("path").asText();
        Matcher m = NAME.matcher(name);
        if (!m.matches() || Integer.parseInt(m.group(1)) >= mine.size()) {
          problems.add("listing of crash/u" + u + " shows " + f + ", which was never uploaded");
          continue;
        }
        int n = Integer.parseInt(m.group(1));
        present[n] = true;
        listed++;
        byte[] expected = content(u, n);
        if (f.path("file_size").asLong(-1) != expected.length) {
          problems.add(
              "crash/u" + u + "/" + name + " lists " + f + ", expected " + expected.length);
        }
        HttpResponse<byte[]> got =
            server.send(
                server.request(PREFIX + "/crash/u" + u + "/" + name).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (got.statusCode() != 200 || !Arrays.equals(got.body(), expected)) {
          problems.add(
              "crash/u"
                  + u
                  + "/"
                  + name
                  + " downloads as "
                  + got.body().length
                  + " bytes (status "
                  + got.statusCode()
                  + "), expected "
                  + expected.length
                  + " exact bytes");
        }
      }
      for (int n = 0; n < mine.size(); n++) {
        if (mine.get(n)) {
          acknowledged++;
          if (!present[n]) {
            problems.add("crash/u" + u + "/f" + n + ".bin was acknowledged but is not listed");
          }
        } else {
          unanswered++;
          unansweredListed += present[n] ? 1 : 0;
        }
      }
    }
    int temp;
    try (Stream<Path> walk = Files.walk(artifactRoot)) {
      temp =
          (int)
              walk.filter(
                      p ->
                          p.getFileName().toString().startsWith(".cairn-upload-")
                              || p.getFileName().toString().endsWith(".tmp")
                              || p.getParent().getFileName().toString().equals(".cairn-multipart"))
                  .count();
    }
    return new Report(
        attempted, acknowledged, unanswered, listed, unansweredListed, temp, problems);
  }
}
