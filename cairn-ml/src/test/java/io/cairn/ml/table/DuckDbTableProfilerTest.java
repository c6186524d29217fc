package io.cairn.ml.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cairn.core.dataset.TableFormat;
import io.cairn.core.dataset.TableProfile;
import io.cairn.core.dataset.TableProfile.ColumnProfile;
import io.cairn.core.dataset.TableProfile.TopValue;
import io.cairn.core.dataset.TableProfiler.RowChanges;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.ml.table.TableFixtures.Expected;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DuckDbTableProfilerTest {
  private static final int ROWS = 100_000;

  @TempDir static Path shared;
  @TempDir Path dir;

  private static DuckDbTableProfiler profiler;
  private static Path csv;
  private static Map<String, Expected> expected;

  @BeforeAll
  static void writeTable() throws IOException {
    profiler = new DuckDbTableProfiler("256MB", 2, shared.resolve("duckdb"));
    csv = shared.resolve("blob-100k.part");
    expected = TableFixtures.newExpectations();
    TableFixtures.write(csv, ROWS, 42, ',', false, expected);
  }

  @AfterAll
  static void closeProfiler() {
    profiler.close();
  }

  @Test
  void csv_100kRows_statisticsMatchThoseComputedInJava() {
    profiler.profile(csv, TableFormat.CSV); // warm-up: loads DuckDB's native library
    long start = System.nanoTime();
    TableProfile p = profiler.profile(csv, TableFormat.CSV);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("[bench] profile of a %d-row CSV (%d bytes): %d ms%n", ROWS, size(csv), ms);

    assertMatchesExpected(p, TableFormat.CSV);
    assertThat(types(p))
        .containsExactly("BIGINT", "BIGINT", "DOUBLE", "VARCHAR", "VARCHAR", "DATE", "BOOLEAN");
  }

  @Test
  void largeTables_estimateDistinctValuesWithHyperLogLog() throws IOException {
    try (DuckDbTableProfiler estimating =
        new DuckDbTableProfiler("256MB", 2, dir.resolve("duckdb"), 0)) {
      TableProfile p = estimating.profile(csv, TableFormat.CSV);

      for (ColumnProfile c : p.columns()) {
        long exact = expected.get(c.name()).distinct();
        System.out.printf(
            "[hll] %s: estimate %d, exact %d (%+.2f%%)%n",
            c.name(), c.distinct(), exact, 100.0 * (c.distinct() - exact) / exact);
        assertThat((double) c.distinct())
            .as(c.name())
            .isCloseTo(exact, within(Math.max(1.0, 0.08 * exact)));
      }
    }
  }

  @Test
  void tsv_isReadWithTabDelimiter_commasStayInsideValues() throws IOException {
    Path tsv = dir.resolve("blob-1.part");
    Map<String, Expected> exp = TableFixtures.newExpectations();
    TableFixtures.write(tsv, 20_000, 7, '\t', false, exp);

    assertMatches(profiler.profile(tsv, TableFormat.TSV), TableFormat.TSV, exp, 20_000);

    Path notes = dir.resolve("blob-2.part");
    TableFixtures.lines(notes, List.of("name\tnote", "a\tx, y", "b\tx, y", "c\tz"));
    TableProfile p = profiler.profile(notes, TableFormat.TSV);
    assertThat(p.error()).isNull();
    assertThat(names(p)).containsExactly("name", "note");
    assertThat(p.columns().get(1).top())
        .containsExactly(new TopValue("x, y", 2), new TopValue("z", 1));
  }

  @Test
  void gzippedCsv_isRecognisedByItsMagicBytes() throws IOException {
    Path gz = dir.resolve("blob-3.part");
    Map<String, Expected> exp = TableFixtures.newExpectations();
    TableFixtures.write(gz, ROWS, 42, ',', true, exp);
    byte[] head = Arrays.copyOf(Files.readAllBytes(gz), 2);
    assertThat(head).containsExactly(0x1f, 0x8b);

    assertMatches(profiler.profile(gz, TableFormat.CSV), TableFormat.CSV, exp, ROWS);
  }

  @Test
  void gzippedTsv_isRead() throws IOException {
    Path gz = dir.resolve("blob-4.part");
    Map<String, Expected> exp = TableFixtures.newExpectations();
    TableFixtures.write(gz, 5_000, 3, '\t', true, exp);

    assertMatches(profiler.profile(gz, TableFormat.TSV), TableFormat.TSV, exp, 5_000);
  }

  @Test
  void parquet_writtenByDuckDb_hasTheSameStatisticsAndParquetTypes() throws Exception {
    Path parquet = dir.resolve("blob-5.part");
    duckdb("COPY (SELECT * FROM read_csv('" + csv + "')) TO '" + parquet + "' (FORMAT PARQUET)");

    TableProfile p = profiler.profile(parquet, TableFormat.PARQUET);

    assertMatchesExpected(p, TableFormat.PARQUET);
    assertThat(types(p))
        .containsExactly("BIGINT", "BIGINT", "DOUBLE", "VARCHAR", "VARCHAR", "DATE", "BOOLEAN");
  }

  @Test
  void parquet_nestedAndTemporalTypes_areProfiledAsValues() throws Exception {
    Path parquet = dir.resolve("blob-6.part");
    duckdb(
        "COPY (SELECT i, {'a': i % 3} AS st, [i % 2, 1] AS l, TIMESTAMPTZ '2024-01-01 00:00:00+02'"
            + " + INTERVAL (i % 4) HOUR AS ts, 12.5::DECIMAL(10,2) * i AS dec,"
            + " CASE WHEN i % 10 = 0 THEN NULL ELSE 'x' || (i % 3) END AS s"
            + " FROM range(1000) t(i)) TO '"
            + parquet
            + "' (FORMAT PARQUET)");

    TableProfile p = profiler.profile(parquet, TableFormat.PARQUET);

    assertThat(p.error()).isNull();
    assertThat(p.rows()).isEqualTo(1000);
    ColumnProfile st = column(p, "st");
    assertThat(st.type()).isEqualTo("STRUCT(a BIGINT)");
    assertThat(st.top()).extracting(TopValue::count).containsOnly(334L, 333L);
    assertThat(st.min()).isEqualTo("{'a': 0}");
    ColumnProfile ts = column(p, "ts");
    assertThat(ts.type()).isEqualTo("TIMESTAMP WITH TIME ZONE");
    assertThat(ts.min()).isEqualTo("2023-12-31 22:00:00+00");
    assertThat(ts.top()).hasSize(4).extracting(TopValue::count).containsOnly(250L);
    ColumnProfile dec = column(p, "dec");
    assertThat(dec.type()).startsWith("DECIMAL(");
    assertThat(dec.mean()).isCloseTo(12.5 * 999 / 2, within(1e-9));
    assertThat(dec.max()).isEqualTo("12487.50");
    assertThat(column(p, "l").top())
        .containsExactlyInAnyOrder(new TopValue("[0, 1]", 500), new TopValue("[1, 1]", 500));
    ColumnProfile s = column(p, "s");
    assertThat(s.missing()).isEqualTo(100);
    assertThat(s.top()).extracting(TopValue::count).containsExactly(300L, 300L, 300L);
  }

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void binaryFile_isUnreadableWithAOneSentenceReason(TableFormat format) throws IOException {
    byte[] bytes = new byte[200_000];
    new Random(1).nextBytes(bytes);
    Path bin = Files.write(dir.resolve("blob-7.part"), bytes);

    TableProfile p = profiler.profile(bin, format);

    assertUnreadable(p, format);
  }

  @Test
  void unreadableFiles_eachSayWhy() throws IOException {
    Path empty = Files.write(dir.resolve("empty.part"), new byte[0]);
    assertThat(assertUnreadable(profiler.profile(empty, TableFormat.CSV), TableFormat.CSV))
        .isEqualTo("The file is empty.");

    assertThat(assertUnreadable(profiler.profile(csv, TableFormat.PARQUET), TableFormat.PARQUET))
        .contains("PAR1");

    byte[] gz = Files.readAllBytes(gzip(csv, dir.resolve("whole.gz")));
    Path corrupt = Files.write(dir.resolve("corrupt.part"), Arrays.copyOf(gz, 40));
    assertThat(assertUnreadable(profiler.profile(corrupt, TableFormat.CSV), TableFormat.CSV))
        .contains("gzip");

    Path latin1 =
        Files.write(
            dir.resolve("latin1.part"),
            "name,v\nJos\u00e9,1\nb,2\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(assertUnreadable(profiler.profile(latin1, TableFormat.CSV), TableFormat.CSV))
        .startsWith("Not a readable CSV table: ")
        .containsIgnoringCase("utf-8");

    // Magic bytes at both ends but no Parquet inside: DuckDB's own complaint.
    byte[] fake = new byte[1000];
    new Random(2).nextBytes(fake);
    System.arraycopy("PAR1".getBytes(StandardCharsets.US_ASCII), 0, fake, 0, 4);
    System.arraycopy("PAR1".getBytes(StandardCharsets.US_ASCII), 0, fake, 996, 4);
    Path fakeParquet = Files.write(dir.resolve("fake.part"), fake);
    String reason =
        assertUnreadable(profiler.profile(fakeParquet, TableFormat.PARQUET), TableFormat.PARQUET);
    assertThat(reason).startsWith("Not a readable Parquet table: ").doesNotContain(dir.toString());
  }

  @Test
  void missingFile_isAnInternalError() {
    assertThatThrownBy(() -> profiler.profile(dir.resolve("nope.part"), TableFormat.CSV))
        .isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code())
        .isEqualTo(ErrorCode.INTERNAL_ERROR);
  }

  @Test
  void lateValueNotFittingTheSniffedType_isReadAgainWithTypesFromAllRows() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("x,y");
    for (int i = 0; i < 30_000; i++) {
      lines.add(i + ",a");
    }
    lines.add("n/a,b");
    Path late = TableFixtures.lines(dir.resolve("late.part"), lines);

    TableProfile p = profiler.profile(late, TableFormat.CSV);

    assertThat(p.error()).isNull();
    assertThat(p.rows()).isEqualTo(30_001);
    assertThat(column(p, "x").type()).isEqualTo("VARCHAR");
    assertThat(column(p, "x").max()).isEqualTo("n/a");
  }

  @Test
  void headerOnly_hasColumnsAndNoRows() throws IOException {
    Path h = TableFixtures.lines(dir.resolve("h.part"), List.of("a,b,c"));

    TableProfile p = profiler.profile(h, TableFormat.CSV);

    assertThat(p.error()).isNull();
    assertThat(p.rows()).isZero();
    assertThat(names(p)).containsExactly("a", "b", "c");
    assertThat(p.columns()).allSatisfy(c -> assertThat(c.count()).isZero());
  }

  @Test
  void oddColumnNames_areQuotedSafely() throws IOException {
    Path odd =
        TableFixtures.lines(
            dir.resolve("odd.part"),
            List.of(
                "\"a \"\"quoted\"\" name\",with space,dup,dup,'; DROP", "1,x,2,3,4", "2,y,3,4,5"));

    TableProfile p = profiler.profile(odd, TableFormat.CSV);

    assertThat(p.error()).isNull();
    assertThat(names(p))
        .containsExactly("a \"quoted\" name", "with space", "dup", "dup_1", "'; DROP");
    assertThat(column(p, "a \"quoted\" name").mean()).isEqualTo(1.5);
    assertThat(column(p, "'; DROP").max()).isEqualTo("5");
  }

  @Test
  void doublesWithNanAndInfinity_meanAndStdAreOverFiniteValues() throws IOException {
    Path f =
        TableFixtures.lines(
            dir.resolve("nan.part"), List.of("v", "1.0", "inf", "3.0", "nan", "-inf", "", "5.0"));

    ColumnProfile v = profiler.profile(f, TableFormat.CSV).columns().get(0);

    assertThat(v.type()).isEqualTo("DOUBLE");
    assertThat(v.count()).isEqualTo(6);
    assertThat(v.missing()).isEqualTo(1);
    assertThat(v.mean()).isEqualTo(3.0);
    assertThat(v.std()).isEqualTo(2.0);
    assertThat(v.q50()).isEqualTo(3.0);
    assertThat(v.min()).isEqualTo("-inf");
    assertThat(v.max()).isEqualTo("nan");
    assertThat(v.top()).isEmpty();
  }

  @Test
  void pathWithGlobCharacters_readsOnlyThatFile() throws IOException {
    Path weird = Files.createDirectories(dir.resolve("we[i]rd*"));
    Path target = TableFixtures.lines(weird.resolve("a?.part"), List.of("v", "1", "2"));
    TableFixtures.lines(weird.resolve("ab.part"), List.of("v", "7", "8", "9"));

    TableProfile p = profiler.profile(target, TableFormat.CSV);

    assertThat(p.error()).isNull();
    assertThat(p.rows()).isEqualTo(2);
  }

  @Test
  void longValues_areCut() throws IOException {
    String big = "x".repeat(5000);
    Path f = TableFixtures.lines(dir.resolve("long.part"), List.of("s", big, big, "y"));

    ColumnProfile s = profiler.profile(f, TableFormat.CSV).columns().get(0);

    assertThat(s.min()).hasSize(ProfileQuery.MAX_TEXT).endsWith("...");
    assertThat(s.top().get(0).count()).isEqualTo(2);
    assertThat(s.top().get(0).value()).hasSize(ProfileQuery.MAX_TEXT);
  }

  @Test
  void concurrentProfiles_shareOneDatabaseAndAreAllRight() throws Exception {
    List<Path> files = new ArrayList<>();
    List<Map<String, Expected>> exps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Path f = dir.resolve("c" + i + ".part");
      Map<String, Expected> exp = TableFixtures.newExpectations();
      TableFixtures.write(f, 10_000 + i, 100 + i, ',', i % 2 == 1, exp);
      files.add(f);
      exps.add(exp);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<TableProfile>> futures = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (Path f : files) {
          futures.add(pool.submit(() -> profiler.profile(f, TableFormat.CSV)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        int k = i % 4;
        assertMatches(futures.get(i).get(), TableFormat.CSV, exps.get(k), 10_000 + k);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void compareRows_countsAddedAndRemovedRowsAsMultisets() throws IOException {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(i + ",name" + (i % 37) + "," + (i * 0.5) + ",2024-01-" + (1 + i % 28));
    }
    rows.add("5,name5,2.5,2024-01-6"); // a second copy of row 5
    rows.add(",,,"); // all missing
    List<String> after = new ArrayList<>(rows);
    after.remove("10,name10,5.0,2024-01-11");
    after.remove("5,name5,2.5,2024-01-6"); // one of the two copies
    after.remove(",,,");
    after.add("1000,new,1.0,2024-02-01");
    after.add("1001,new,1.0,2024-02-01");
    after.add("1001,new,1.0,2024-02-01");
    after.add("7,name7,3.5,2024-01-8"); // a second copy of an existing row
    after.add(",name1,,");
    Collections.shuffle(after, new Random(5));
    String header = "id,name,x,day";
    Path b = TableFixtures.lines(dir.resolve("before.part"), TableFixtures.csv(header, rows));
    Path a = TableFixtures.lines(dir.resolve("after.part"), TableFixtures.csv(header, after));

    assertThat(profiler.compareRows(b, TableFormat.CSV, a, TableFormat.CSV))
        .isEqualTo(new RowChanges(5, 3));
    assertThat(profiler.compareRows(a, TableFormat.CSV, b, TableFormat.CSV))
        .isEqualTo(new RowChanges(3, 5));
    assertThat(profiler.compareRows(b, TableFormat.CSV, b, TableFormat.CSV))
        .isEqualTo(new RowChanges(0, 0));
  }

  @Test
  void compareRows_sameRowsShuffledReorderedColumnsOtherFormats_noChanges() throws Exception {
    List<String> rows = new ArrayList<>();
    List<String> swapped = new ArrayList<>();
    List<String> asDoubles = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(i + ",v" + (i % 10));
      swapped.add("v" + (i % 10) + "," + i);
      asDoubles.add(i + ".0,v" + (i % 10));
    }
    Collections.shuffle(swapped, new Random(1));
    Path b = TableFixtures.lines(dir.resolve("b.part"), TableFixtures.csv("n,s", rows));
    Path swappedCols =
        TableFixtures.lines(dir.resolve("s.part"), TableFixtures.csv("s,n", swapped));
    Path doubles = TableFixtures.lines(dir.resolve("d.part"), TableFixtures.csv("n,s", asDoubles));
    Path gz = gzip(b, dir.resolve("gz.part"));
    Path parquet = dir.resolve("p.part");
    duckdb("COPY (SELECT * FROM read_csv('" + b + "')) TO '" + parquet + "' (FORMAT PARQUET)");
    Path tsv =
        TableFixtures.lines(
            dir.resolve("t.part"),
            TableFixtures.csv(
                "n\ts", rows.stream().map(r -> r.replace(',', '\t')).collect(Collectors.toList())));

    RowChanges none = new RowChanges(0, 0);
    assertThat(profiler.compareRows(b, TableFormat.CSV, swappedCols, TableFormat.CSV))
        .isEqualTo(none);
    assertThat(profiler.compareRows(b, TableFormat.CSV, doubles, TableFormat.CSV)).isEqualTo(none);
    assertThat(profiler.compareRows(b, TableFormat.CSV, gz, TableFormat.CSV)).isEqualTo(none);
    assertThat(profiler.compareRows(parquet, TableFormat.PARQUET, b, TableFormat.CSV))
        .isEqualTo(none);
    assertThat(profiler.compareRows(tsv, TableFormat.TSV, b, TableFormat.CSV)).isEqualTo(none);
  }

  @Test
  void compareRows_differentColumnsOrUnreadableFile_isInvalidWithAClearSentence()
      throws IOException {
    Path b = TableFixtures.lines(dir.resolve("b.part"), List.of("a,b", "1,2"));
    Path other = TableFixtures.lines(dir.resolve("o.part"), List.of("a,c", "1,2"));
    Path empty = Files.write(dir.resolve("e.part"), new byte[0]);

    assertThatThrownBy(() -> profiler.compareRows(b, TableFormat.CSV, other, TableFormat.CSV))
        .isInstanceOf(CairnException.class)
        .hasMessage(
            "The rows cannot be compared because the columns differ: the earlier table has [a, b]"
                + " and the later one [a, c].")
        .extracting(e -> ((CairnException) e).code())
        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThatThrownBy(() -> profiler.compareRows(b, TableFormat.CSV, empty, TableFormat.CSV))
        .isInstanceOf(CairnException.class)
        .hasMessage(
            "The rows cannot be compared: the later file is not a readable CSV table (the file is"
                + " empty).");
    assertThatThrownBy(() -> profiler.compareRows(b, TableFormat.CSV, b, TableFormat.PARQUET))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith(
            "The rows cannot be compared: the later file is not a readable Parquet table");
  }

  @Test
  void constructor_refusesBadSettings() {
    assertThatThrownBy(() -> new DuckDbTableProfiler("lots", 2, dir))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DuckDbTableProfiler("1GB", 0, dir))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void close_removesItsTemporaryDirectory_andLaterCallsFail() throws IOException {
    Path temp = dir.resolve("tmp");
    DuckDbTableProfiler own = new DuckDbTableProfiler("128MB", 1, temp);
    Path f = TableFixtures.lines(dir.resolve("small.part"), List.of("a", "1"));
    assertThat(own.profile(f, TableFormat.CSV).rows()).isEqualTo(1);
    try (var list = Files.list(temp)) {
      assertThat(list.toList()).hasSize(1);
    }

    own.close();

    try (var list = Files.list(temp)) {
      assertThat(list.toList()).isEmpty();
    }
    assertThatThrownBy(() -> own.profile(f, TableFormat.CSV))
        .isInstanceOf(IllegalStateException.class);
  }

  // --- helpers

  private static void assertMatchesExpected(TableProfile p, TableFormat format) {
    assertMatches(p, format, expected, ROWS);
  }

  /** The statistics DuckDB found equal those computed in Java (approximations within bounds). */
  static void assertMatches(
      TableProfile p, TableFormat format, Map<String, Expected> exp, long rows) {
    assertThat(p.error()).isNull();
    assertThat(p.format()).isEqualTo(format);
    assertThat(p.rows()).isEqualTo(rows);
    assertThat(names(p)).containsExactlyElementsOf(exp.keySet());
    for (ColumnProfile c : p.columns()) {
      Expected e = exp.get(c.name());
      String what = c.name();
      assertThat(c.count()).as(what).isEqualTo(e.count);
      assertThat(c.missing()).as(what).isEqualTo(e.missing);
      assertThat(c.distinct()).as(what + " distinct").isEqualTo(e.distinct());
      if (e.numeric) {
        assertThat(Double.parseDouble(c.min())).as(what).isEqualTo(e.min());
        assertThat(Double.parseDouble(c.max())).as(what).isEqualTo(e.max());
        assertThat(c.mean()).as(what).isCloseTo(e.mean(), within(1e-9 * Math.abs(e.mean())));
        assertThat(c.std()).as(what).isCloseTo(e.std(), within(1e-9 * e.std()));
        double tolerance = 0.01 * (e.max() - e.min());
        assertThat(c.q25()).as(what + " q25").isCloseTo(e.quantile(0.25), within(tolerance));
        assertThat(c.q50()).as(what + " q50").isCloseTo(e.quantile(0.50), within(tolerance));
        assertThat(c.q75()).as(what + " q75").isCloseTo(e.quantile(0.75), within(tolerance));
        assertThat(c.top()).as(what).isEmpty();
      } else {
        assertThat(c.min()).as(what).isEqualTo(e.minText);
        assertThat(c.max()).as(what).isEqualTo(e.maxText);
        assertThat(c.mean()).isNull();
        assertThat(c.q50()).isNull();
        assertThat(c.top()).as(what).hasSizeBetween(1, ProfileQuery.TOP_VALUES);
        for (TopValue t : c.top()) {
          assertThat(t.count()).as(what + " " + t.value()).isEqualTo(e.counts.get(t.value()));
        }
        assertThat(c.top())
            .extracting(TopValue::count)
            .isSortedAccordingTo(Collections.reverseOrder());
      }
    }
    ColumnProfile category = column(p, "category");
    List<TopValue> exactTop =
        Arrays.stream(TableFixtures.CATEGORIES)
            .map(v -> new TopValue(v, exp.get("category").counts.get(v)))
            .toList();
    assertThat(category.top()).containsExactlyElementsOf(exactTop);
    assertThat(column(p, "flag").top())
        .extracting(TopValue::value)
        .containsExactly("false", "true");
  }

  private static String assertUnreadable(TableProfile p, TableFormat format) {
    assertThat(p.format()).isEqualTo(format);
    assertThat(p.rows()).isZero();
    assertThat(p.columns()).isEmpty();
    assertThat(p.error()).isNotBlank().doesNotContain("\n").endsWith(".").hasSizeLessThan(400);
    assertThat(p.error().substring(0, p.error().length() - 1)).doesNotContain(". ");
    return p.error();
  }

  private static ColumnProfile column(TableProfile p, String name) {
    return p.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> names(TableProfile p) {
    return p.columns().stream().map(ColumnProfile::name).toList();
  }

  private static List<String> types(TableProfile p) {
    return p.columns().stream().map(ColumnProfile::type).toList();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path gzip(Path from, Path to) throws IOException {
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(to))) {
      Files.copy(from, out);
    }
    return to;
  }

  private static void duckdb(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
