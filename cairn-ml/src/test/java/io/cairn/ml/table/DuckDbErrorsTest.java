package io.cairn.ml.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DuckDbErrorsTest {
  private static final String SPILL = "/tmp/cairn/cairn-duckdb-1/spill";

  @Test
  void sniffingFailure_keepsTheExplanationAndDropsThePathAndTheAdvice() {
    SQLException e =
        new SQLException(
            "Invalid Input Error: Error when sniffing file \"/data/blob-1.part\".\n"
                + "It was not possible to automatically detect the CSV parsing dialect\n"
                + "The search space used was:\nDelimiter Candidates: ',', '|'\n"
                + "Possible fixes:\n* Set delimiter (e.g., delim=',')\n\n\n"
                + "LINE 1: SELECT count(*) FROM read_csv('/data/blob-1.part')\n     ^^^^");

    assertThat(DuckDbErrors.isDataError(e, SPILL)).isTrue();
    assertThat(DuckDbErrors.reason(e, "/data/blob-1.part"))
        .isEqualTo("it was not possible to automatically detect the CSV parsing dialect");
  }

  @Test
  void csvConversionError_keepsTheLineAndMakesOneClause() {
    SQLException e =
        new SQLException(
            "Conversion Error: CSV Error on Line: 30002\nOriginal Line: abc,b\n"
                + "Error when converting column \"x\". Could not convert string \"abc\" to 'BIGINT'"
                + "\n\nColumn x is being converted as type BIGINT\n  file = /data/blob-1.part\n");

    assertThat(DuckDbErrors.isLateConversionError(e)).isTrue();
    assertThat(DuckDbErrors.isDataError(e, SPILL)).isTrue();
    assertThat(DuckDbErrors.reason(e, "/data/blob-1.part"))
        .isEqualTo(
            "line 30002: error when converting column \"x\"; could not convert string \"abc\" to"
                + " 'BIGINT'");
  }

  @Test
  void readingErrors_areTheFiles_engineErrorsAreNot() {
    assertThat(
            DuckDbErrors.isDataError(
                new SQLException("IO Error: Input is not a GZIP stream: /data/b.part"), SPILL))
        .isTrue();
    assertThat(
            DuckDbErrors.reason(
                new SQLException("IO Error: Input is not a GZIP stream: /data/b.part"),
                "/data/b.part"))
        .isEqualTo("input is not a GZIP stream");
    assertThat(
            DuckDbErrors.isDataError(
                new SQLException(
                    "IO Error: Could not write file \"" + SPILL + "/duckdb_temp_storage-0.tmp\""),
                SPILL))
        .isFalse();
    assertThat(
            DuckDbErrors.isDataError(new SQLException("IO Error: No space left on device"), SPILL))
        .isFalse();
    assertThat(
            DuckDbErrors.isDataError(
                new SQLException("Out of Memory Error: failed to allocate data of size 16 MiB"),
                SPILL))
        .isFalse();
    assertThat(DuckDbErrors.isDataError(new SQLException("INTERNAL Error: oops"), SPILL)).isFalse();
    assertThat(
            DuckDbErrors.isDataError(
                new SQLException("Binder Error: Referenced column \"x\" not found"), SPILL))
        .isFalse();
  }

  @Test
  void fatalErrors_invalidateTheDatabase() {
    assertThat(
            DuckDbErrors.isDatabaseInvalidated(
                new SQLException(
                    "FATAL Error: Failed: database has been invalidated because of a previous"
                        + " fatal error")))
        .isTrue();
    assertThat(DuckDbErrors.isDatabaseInvalidated(new SQLException("Conversion Error: x")))
        .isFalse();
  }

  @Test
  void longReasons_areCut() {
    String reason =
        DuckDbErrors.reason(new SQLException("Invalid Input Error: " + "x".repeat(1000)), "/p");

    assertThat(reason).hasSize(300).endsWith("...");
  }
}
