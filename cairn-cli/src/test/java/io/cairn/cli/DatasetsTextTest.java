package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.client.DatasetsClient.DeleteResult;
import io.cairn.client.DatasetsClient.PullResult;
import io.cairn.client.DatasetsClient.PushResult;
import io.cairn.client.DatasetsClient.Ref;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pure parts of cairn datasets: units, durations, the progress bar, summaries, diffs. */
class DatasetsTextTest {
  @Test
  void bytes_inDecimalUnitsWithOneDecimal() {
    assertThat(Units.bytes(0)).isEqualTo("0 B");
    assertThat(Units.bytes(999)).isEqualTo("999 B");
    assertThat(Units.bytes(1000)).isEqualTo("1.0 kB");
    assertThat(Units.bytes(4_100_000)).isEqualTo("4.1 MB");
    assertThat(Units.bytes(999_960)).isEqualTo("1.0 MB");
    assertThat(Units.bytes(1_200_000_000L)).isEqualTo("1.2 GB");
    assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("9.2 EB");
    assertThat(Units.rate(34_500_000)).isEqualTo("34.5 MB/s");
  }

  @Test
  void durations_zeroSecondsMinutesHoursDays() {
    assertThat(Units.seconds("0")).isZero();
    assertThat(Units.seconds("45")).isEqualTo(45);
    assertThat(Units.seconds("30s")).isEqualTo(30);
    assertThat(Units.seconds("10m")).isEqualTo(600);
    assertThat(Units.seconds("2h")).isEqualTo(7200);
    assertThat(Units.seconds("1H")).isEqualTo(3600);
    assertThat(Units.seconds("1d")).isEqualTo(86400);
    for (String bad : new String[] {"", "h", "-1h", "1.5h", "1w", "10 m", "1h30m"}) {
      assertThatThrownBy(() -> Units.seconds(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a duration");
    }
    assertThat(Units.clock(0)).isEqualTo("0:00");
    assertThat(Units.clock(65)).isEqualTo("1:05");
    assertThat(Units.clock(3725)).isEqualTo("1:02:05");
  }

  @Test
  void progressLine_showsBarPercentBytesRateAndEta_inUnder80Characters() {
    assertThat(ProgressBar.render("uploading", 50_000_000, 100_000_000, 2.0))
        .isEqualTo("uploading   [##########..........]  50% 50.0 MB/100.0 MB 25.0 MB/s ETA 0:02");
    assertThat(ProgressBar.render("hashing", 0, 1000, 0))
        .isEqualTo("hashing     [....................]   0% 0 B/1.0 kB 0 B/s ETA --:--");
    assertThat(ProgressBar.render("downloading", 1000, 1000, 61))
        .isEqualTo("downloading [####################] 100% 1.0 kB/1.0 kB 16 B/s in 1:01");
    assertThat(ProgressBar.render("uploading", 0, 0, 0)).contains("100%");
    assertThat(ProgressBar.render("downloading", 999_000_000_000L, 999_900_000_000L, 3000.5))
        .hasSizeLessThan(80);
  }

  @Test
  void progressBar_redrawsWithCarriageReturnAtMostTenTimesASecond_andOnlyWhenAsked() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicLong now = new AtomicLong(1_000_000_000L);
    ProgressBar bar =
        new ProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), true, now::get);
    bar.begin("uploading", 2, 1000);
    for (int i = 1; i <= 100; i++) {
      now.addAndGet(5_000_000L); // 5 ms apart: 0.5 s in all
      bar.progress(i * 10L);
    }
    bar.end();
    String text = err.toString(StandardCharsets.UTF_8);
    long draws = text.chars().filter(c -> c == '\r').count();
    assertThat(draws).isBetween(5L, 8L); // begin, ~every 100 ms, end
    assertThat(text).endsWith("\n").contains("100%");

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    ProgressBar none =
        new ProgressBar(new PrintStream(quiet, true, StandardCharsets.UTF_8), false, now::get);
    none.begin("uploading", 1, 10);
    none.progress(10);
    none.warning("skipped symbolic link a");
    none.end();
    assertThat(quiet.toString(StandardCharsets.UTF_8))
        .isEqualTo("warning: skipped symbolic link a" + System.lineSeparator());
  }

  @Test
  void summaries() {
    assertThat(
            DatasetsCommand.Push.summary(
                new PushResult("wine", 3, true, 12, 1_204_100_000L, 2, 4_100_000, 1_200_000_000L),
                List.of()))
        .isEqualTo("pushed wine@3: 12 files, 4.1 MB uploaded, 1.2 GB already stored");
    assertThat(
            DatasetsCommand.Push.summary(
                new PushResult("wine", 3, false, 1, 10, 0, 0, 10), List.of("clean")))
        .isEqualTo(
            "pushed wine@3 (unchanged, no new version): 1 file, 0 B uploaded, 10 B already"
                + " stored; tagged clean");
    assertThat(
            DatasetsCommand.Pull.summary(
                new PullResult("wine", 2, 5, 3, 2, 3_000, 9_000), Path.of("out")))
        .isEqualTo("pulled wine@2 into out: 5 files, 3 downloaded (3.0 kB), 2 already present");
    assertThat(
            DatasetsCommand.Delete.summary(
                Ref.parse("wine@2"), new DeleteResult(true, List.of(), 3, 4_100_000, null)))
        .isEqualTo("Deleted wine@2; freed 3 contents (4.1 MB)");
    assertThat(
            DatasetsCommand.Delete.summary(
                Ref.parse("wine@2"), new DeleteResult(false, List.of(2L), 0, 0, null)))
        .startsWith("Kept wine@2, now deprecated: runs or model versions used it");
    assertThat(
            DatasetsCommand.Delete.summary(
                Ref.parse("wine"), new DeleteResult(false, List.of(1L, 3L), 1, 10, null)))
        .contains("versions 1, 3 deprecated and kept", "freed 1 content (10 B)");
  }

  @Test
  void diffText_filesTablesAndStatisticShifts() throws Exception {
    String json =
        """
        {"dataset":"wine","from":1,"to":2,
         "added":[{"path":"new.bin","size":2000000,"sha256":"aa"}],
         "removed":[{"path":"old.txt","size":12,"sha256":"bb"}],
         "renamed":[{"from":"a.txt","to":"b.txt","sha256":"cc","size":3}],
         "changed":[{"path":"train.csv","before":{"path":"train.csv","size":4100000,"sha256":"d1"},
           "after":{"path":"train.csv","size":4200000,"sha256":"d2"},
           "table":{"rows_before":100000,"rows_after":100050,"rows_added":60,"rows_removed":10,
             "columns_added":["extra"],"columns_removed":[],
             "type_changes":[{"column":"id","before":"BIGINT","after":"VARCHAR"}],
             "shifts":[{"column":"alcohol",
               "before":{"name":"alcohol","mean":10.4,"std":1.0666666,"missing":0,"distinct":111,"min":"8.0","max":"14.9"},
               "after":{"name":"alcohol","mean":10.5,"std":1.0666666,"missing":3,"distinct":111,"min":"8.0","max":"15.1"}}],
             "error":null}},
           {"path":"x.bin","before":{"size":5},"after":{"size":6},"table":null}],
         "unchanged":1995}
        """;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DiffText.print(
        new ObjectMapper().readTree(json), new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            "wine@1 -> wine@2: 1 added, 1 removed, 1 renamed, 2 changed, 1995 unchanged",
            "  + new.bin  (2.0 MB)",
            "  - old.txt  (12 B)",
            "  R a.txt -> b.txt",
            "  M train.csv  (4.1 MB -> 4.2 MB)",
            "rows 100000 -> 100050 (+60 added, -10 removed)",
            "columns added: extra",
            "type of id: BIGINT -> VARCHAR",
            "COLUMN",
            "10.4 -> 10.5",
            "1.06667",
            "0 -> 3",
            "14.9 -> 15.1",
            "  M x.bin  (5 B -> 6 B)");
    assertThat(DiffText.number(0.000012345)).isEqualTo("1.2345e-05");
    assertThat(DiffText.number(3)).isEqualTo("3");
    assertThat(DiffText.number(1234567.0)).isEqualTo("1.23457e+06");
  }
}
