package io.cairn.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** MLflow's resolve_uri_if_local, as the server applies it to a new experiment's location. */
class LocalLocationTest {
  private static final Path CWD = Path.of("/srv/cairn");

  @Test
  void relativeLocalLocations_areResolvedUnderTheWorkingFolder() {
    assertThat(LocalLocation.resolve("arts/x", CWD)).isEqualTo("/srv/cairn/arts/x");
    assertThat(LocalLocation.resolve("./arts", CWD)).isEqualTo("/srv/cairn/arts");
    assertThat(LocalLocation.resolve("file:arts/x", CWD)).isEqualTo("file:///srv/cairn/arts/x");
    assertThat(LocalLocation.resolve("file:a?x=1", CWD)).isEqualTo("file:///srv/cairn/a?x=1");
  }

  @Test
  void absoluteAndRemoteLocations_areKeptAsGiven() {
    assertThat(LocalLocation.resolve("/data/arts", CWD)).isEqualTo("/data/arts");
    assertThat(LocalLocation.resolve("file:///data/arts", CWD)).isEqualTo("file:///data/arts");
    assertThat(LocalLocation.resolve("file:/data", CWD)).isEqualTo("file:/data");
    assertThat(LocalLocation.resolve("s3://bucket/p", CWD)).isEqualTo("s3://bucket/p");
    assertThat(LocalLocation.resolve("mlflow-artifacts:/1", CWD)).isEqualTo("mlflow-artifacts:/1");
    assertThat(LocalLocation.resolve("", CWD)).isEmpty();
  }
}
