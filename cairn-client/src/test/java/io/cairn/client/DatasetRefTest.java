package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.DatasetsClient.Ref;
import io.cairn.core.error.CairnException;
import org.junit.jupiter.api.Test;

/** References as users type them. */
class DatasetRefTest {
  @Test
  void parsesNameVersionTagAndLatest() {
    assertThat(Ref.parse("wine")).isEqualTo(new Ref("wine", null));
    assertThat(Ref.parse("wine").apiRef()).isEqualTo("latest");
    assertThat(Ref.parse("wine@3")).isEqualTo(new Ref("wine", "3"));
    assertThat(Ref.parse("wine@clean").apiRef()).isEqualTo("clean");
    assertThat(Ref.parse("wine@latest")).isEqualTo(new Ref("wine", "latest"));
    assertThat(Ref.parse("my.data-set_1@v2023").toString()).isEqualTo("my.data-set_1@v2023");
  }

  @Test
  void refusesEmptyPartsAndSecondAts() {
    for (String bad : new String[] {"", " ", "@3", "wine@", "wine@3@4"}) {
      assertThatThrownBy(() -> Ref.parse(bad)).as(bad).isInstanceOf(CairnException.class);
    }
  }

  @Test
  void pushTagsFollowTheServersRule() {
    DatasetPush.checkTag("clean");
    DatasetPush.checkTag("v2023");
    for (String bad : new String[] {"3", "latest", "-x", "a b", ""}) {
      assertThatThrownBy(() -> DatasetPush.checkTag(bad))
          .as(bad)
          .isInstanceOf(CairnException.class);
    }
  }
}
