package io.cairn.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The mlflow.modelVersions tag, compared with what MLflow's json.dumps writes. */
class ModelVersionsTagTest {
  @Test
  void firstVersion_isAOneEntryList() {
    assertThat(ModelVersionsTag.with(null, "m", 1))
        .isEqualTo("[{\"name\": \"m\", \"version\": 1}]");
  }

  @Test
  void listedVersion_isNotRepeated_otherEntriesAreKeptAsPythonWritesThem() {
    String existing = "[{\"name\":\"m\",\"version\":1},{\"name\":\"x\",\"version\":\"2\"}]";
    assertThat(ModelVersionsTag.with(existing, "m", 1))
        .isEqualTo("[{\"name\": \"m\", \"version\": 1}, {\"name\": \"x\", \"version\": \"2\"}]");
    // A version written as a string is another entry for Python's dict comparison too.
    assertThat(ModelVersionsTag.with(existing, "x", 2))
        .endsWith(", {\"name\": \"x\", \"version\": 2}]");
  }

  @Test
  void nonAsciiAndQuotes_areEscapedAsJsonDumpsDoes() {
    assertThat(ModelVersionsTag.with(null, "d\u00e9j\u00e0 \"vu\"\n", 3))
        .isEqualTo("[{\"name\": \"d\\u00e9j\\u00e0 \\\"vu\\\"\\n\", \"version\": 3}]");
  }

  @Test
  void aValueThatIsNotAList_isStartedAgain() {
    assertThat(ModelVersionsTag.with("not json", "m", 2))
        .isEqualTo("[{\"name\": \"m\", \"version\": 2}]");
    assertThat(ModelVersionsTag.with("{\"name\": \"m\"}", "m", 2))
        .isEqualTo("[{\"name\": \"m\", \"version\": 2}]");
  }
}
