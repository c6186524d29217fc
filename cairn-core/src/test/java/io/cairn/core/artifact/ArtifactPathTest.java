package io.cairn.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactPathTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "a/../../b",
        "a/..",
        "..",
        "%2e/a",
        "./%2e%2e",
        "/etc/passwd",
        "a\\..\\b",
        "C:/Windows",
        "%2e%2e/secret",
        "a/%2E%2E/%2e%2e/b",
        "%252e%252e/x",
        "%2Fetc%2Fpasswd",
        "a/%5c..%5cb",
        "a/\u0000b",
        "~/x",
        "a/\n/b"
      })
  void unsafePaths_areRefused(String text) {
    assertThatThrownBy(() -> ArtifactPath.parse(text))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("Invalid artifact path");
  }

  @Test
  void safePaths_areKept() {
    assertThat(ArtifactPath.parse("1/abc/artifacts/model/MLmodel").parts())
        .containsExactly("1", "abc", "artifacts", "model", "MLmodel");
    assertThat(ArtifactPath.parse("a//b/").toString()).isEqualTo("a/b");
    assertThat(ArtifactPath.parse("a/..b/c..d").toString()).isEqualTo("a/..b/c..d");
    assertThat(ArtifactPath.parse("").isRoot()).isTrue();
    assertThat(ArtifactPath.parse(".").isRoot()).isTrue();
    assertThat(ArtifactPath.parse("./a/./b").toString()).isEqualTo("a/b");
    assertThat(ArtifactPath.parse("data 100%.csv").name()).isEqualTo("data 100%.csv");
  }
}
