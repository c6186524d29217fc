package io.cairn.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void digest_dependsOnContentNotOrder() {
    List<DatasetFile> one = List.of(new DatasetFile("x/a", 1, A), new DatasetFile("b", 2, B));
    List<DatasetFile> two = List.of(new DatasetFile("b", 2, B), new DatasetFile("x/a", 1, A));
    assertThat(Manifest.digest(Manifest.checked(one)))
        .isEqualTo(Manifest.digest(Manifest.checked(two)))
        .hasSize(64);
    assertThat(Manifest.digest(Manifest.checked(List.of(new DatasetFile("b", 2, B)))))
        .isNotEqualTo(Manifest.digest(Manifest.checked(one)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/abs", "a//b", "a/./b", "../x", "a/..", "a\\b", "a\u0001b", "x/"})
  void badPaths_areRefused(String path) {
    assertThatThrownBy(() -> Manifest.checked(List.of(new DatasetFile(path, 1, A))))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("File path");
  }

  @Test
  void duplicatesBadDigestsAndFileFolderClashes_areRefused() {
    assertThatThrownBy(
            () -> Manifest.checked(List.of(new DatasetFile("a", 1, A), new DatasetFile("a", 1, A))))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> Manifest.checked(List.of(new DatasetFile("a", 1, "ABC"))))
        .hasMessageContaining("sha256");
    assertThatThrownBy(
            () ->
                Manifest.checked(List.of(new DatasetFile("a", 1, A), new DatasetFile("a/b", 1, B))))
        .hasMessageContaining("both a file and a folder");
    assertThatThrownBy(() -> Manifest.checked(List.of())).hasMessageContaining("at least one file");
  }
}
