package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.PullOptions;
import io.cairn.client.PushOptions;
import io.cairn.server.ServerConfig;
import io.cairn.server.ServerFixture;
import io.cairn.storage.s3.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push and pull workflows with the server's contents in S3 (a real S3-protocol server on
 * loopback): push, unchanged re-push, a changed push, pull, diff, delete and garbage collection.
 */
class DatasetsS3Test {
  @TempDir Path dir;

  @Test
  void pushPullDiffDeleteAndGc_withContentsInS3() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("data/images"));
    Random random = new Random(3);
    for (int i = 0; i < 40; i++) {
      byte[] bytes = new byte[i % 10 == 0 ? (2 << 20) + i : 3000 + i];
      random.nextBytes(bytes);
      Files.write(folder.resolve("img-" + i + ".bin"), bytes);
    }
    StringBuilder csv = new StringBuilder("id,score\n");
    for (int i = 0; i < 1000; i++) {
      csv.append(i).append(',').append(i * 0.25).append('\n');
    }
    Path table = dir.resolve("data/table.csv");
    Files.writeString(table, csv, StandardCharsets.UTF_8);

    try (S3TestServer s3 = S3TestServer.start()) {
      s3.createBucket("lake");
      ServerConfig local = ServerConfig.embedded("127.0.0.1", 0, dir.resolve("server"));
      ServerConfig config =
          new ServerConfig(
              local.host(),
              0,
              local.dataDir(),
              local.dbUrl(),
              null,
              null,
              local.artifactsDir(),
              local.maxRequestBytes(),
              s3.settings("lake", "cairn"));
      try (ServerFixture server = new ServerFixture(config)) {
        DatasetsClient datasets = new DatasetsClient(new CairnClient(server.url()));
        DatasetsClient.PushResult first =
            datasets.push("lake", dir.resolve("data"), new PushOptions().rehash(true));
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.files()).isEqualTo(41);
        assertThat(first.bytesUploaded()).isEqualTo(first.totalBytes());

        DatasetsClient.PushResult again =
            datasets.push("lake", dir.resolve("data"), new PushOptions().rehash(true));
        assertThat(again.created()).isFalse();
        assertThat(again.bytesUploaded()).isZero();

        Files.writeString(table, csv + "1000,250.0\n", StandardCharsets.UTF_8);
        Files.delete(folder.resolve("img-1.bin"));
        DatasetsClient.PushResult second =
            datasets.push("lake", dir.resolve("data"), new PushOptions().rehash(true));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.filesUploaded()).isEqualTo(1);

        Path copy = dir.resolve("copy");
        DatasetsClient.PullResult pulled = datasets.pull("lake@1", copy, new PullOptions());
        assertThat(pulled.files()).isEqualTo(41);
        assertThat(Files.readString(copy.resolve("table.csv"))).isEqualTo(csv.toString());
        assertThat(Files.mismatch(folder.resolve("img-0.bin"), copy.resolve("images/img-0.bin")))
            .isEqualTo(-1L);

        JsonNode diff = datasets.diff("lake", "1", "2");
        assertThat(diff.at("/removed/0/path").asText()).isEqualTo("images/img-1.bin");
        assertThat(diff.at("/changed/0/table/rows_added").asLong()).isEqualTo(1);

        DatasetsClient.DeleteResult deleted = datasets.deleteVersion("lake", "1", true);
        assertThat(deleted.freedBlobs()).as("img-1 and the old table").isEqualTo(2);
        assertThat(datasets.gc(0).freedBlobs()).isZero();
        DatasetsClient.PullResult latest =
            datasets.pull("lake", dir.resolve("copy2"), new PullOptions());
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.files()).isEqualTo(40);
      }
    }
  }
}
