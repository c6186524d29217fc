package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingUriTest {
  @Test
  void flagWins_thenCairnUrl_thenMlflowTrackingUri_thenDefault() {
    Map<String, String> env =
        Map.of("CAIRN_URL", "http://cairn:1/", "MLFLOW_TRACKING_URI", "http://mlflow:2");
    assertThat(TrackingUri.resolve("http://flag:3", env)).isEqualTo("http://flag:3");
    assertThat(TrackingUri.resolve(null, env)).isEqualTo("http://cairn:1");
    assertThat(TrackingUri.resolve(null, Map.of("MLFLOW_TRACKING_URI", "http://mlflow:2")))
        .isEqualTo("http://mlflow:2");
    assertThat(TrackingUri.resolve(null, Map.of())).isEqualTo("http://127.0.0.1:5000");
  }

  @Test
  void nonHttpMlflowTrackingUri_isNotAServer() {
    assertThat(TrackingUri.resolve(null, Map.of("MLFLOW_TRACKING_URI", "file:///tmp/mlruns")))
        .isEqualTo(TrackingUri.DEFAULT);
  }
}
