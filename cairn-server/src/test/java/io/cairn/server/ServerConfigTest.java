package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --artifacts} as {@code mlflow server --artifacts-destination} takes it. */
class ServerConfigTest {
  private static Path artifacts(String given) {
    return ServerConfig.embedded("127.0.0.1", 0, Path.of("data"))
        .withArtifacts(given, null, null, null)
        .artifactsDir();
  }

  @Test
  void fileUris_areLocalFolders() {
    assertThat(artifacts("file:///srv/cairn/artifacts")).isEqualTo(Path.of("/srv/cairn/artifacts"));
    assertThat(artifacts("file:/srv/a")).isEqualTo(Path.of("/srv/a"));
    assertThat(artifacts("file://localhost/srv/b")).isEqualTo(Path.of("/srv/b"));
    assertThat(artifacts("file:///srv/with%20space")).isEqualTo(Path.of("/srv/with space"));
    assertThat(artifacts("file:rel/arts")).isEqualTo(Path.of("rel/arts").toAbsolutePath());
  }

  @Test
  void plainPaths_areResolvedAgainstTheWorkingFolder() {
    assertThat(artifacts("arts")).isEqualTo(Path.of("arts").toAbsolutePath());
    assertThat(artifacts("/srv/x/../y")).isEqualTo(Path.of("/srv/y"));
  }

  @Test
  void fileUris_onAnotherHost_areRefused() {
    assertThatThrownBy(() -> artifacts("file://fileserver/share"))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("names the host 'fileserver'");
  }
}
