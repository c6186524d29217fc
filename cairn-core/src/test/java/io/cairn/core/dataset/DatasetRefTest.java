package io.cairn.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetRefTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "datasets:/wine/3|wine|3",
        "datasets:///wine/3|wine|3",
        "datasets:/wine@clean|wine|clean",
        "datasets:/wine/latest|wine|-",
        "datasets:/wine|wine|-",
        "cairn://datasets/wine/12|wine|12",
        "http://h:5000/api/cairn/v1/datasets/wine/versions/3|wine|3",
        "https://h/cairn/api/cairn/v1/datasets/wine/versions/3/files/data/train.csv|wine|3",
        "datasets:/my%20data/2|my data|2",
      })
  void sourceUris_nameVersions(String uri, String name, String version) {
    assertThat(DatasetRef.fromSourceUri(uri)).contains(new DatasetRef(name, version));
  }

  @ParameterizedTest
  @CsvSource({"/data/wine.csv", "s3://bucket/wine", "http://h/api/2.0/mlflow/x", "models:/m/1"})
  void otherSources_nameNothing(String uri) {
    assertThat(DatasetRef.fromSourceUri(uri)).isEmpty();
  }

  @Test
  void mlflowSourceJson_isRead() {
    assertThat(DatasetRef.fromSource("{\"url\": \"http://h/api/cairn/v1/datasets/w/versions/2\"}"))
        .contains(new DatasetRef("w", "2"));
    assertThat(DatasetRef.fromSource("{\"uri\": \"/tmp/x.csv\"}")).isEqualTo(Optional.empty());
  }

  @Test
  void userRefs() {
    assertThat(DatasetRef.parse("wine")).isEqualTo(new DatasetRef("wine", null));
    assertThat(DatasetRef.parse("wine@4")).isEqualTo(new DatasetRef("wine", "4"));
    assertThat(DatasetRef.parse("wine@latest")).isEqualTo(new DatasetRef("wine", null));
    assertThatThrownBy(() -> DatasetRef.parse("wine@")).isInstanceOf(CairnException.class);
    assertThatThrownBy(() -> DatasetRef.parse("@3")).isInstanceOf(CairnException.class);
  }
}
