package io.cairn.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenTest {
  @ParameterizedTest
  @ValueSource(strings = {"0123456789abcdef0123456789abcdef", "a/b\"c\\d", "ünïcode 🚀", "x"})
  void keysetTokenWithAnId_roundTrips(String id) {
    String token = PageToken.encodeAfter(id, 0, Double.doubleToLongBits(-0.25), Long.MIN_VALUE);
    PageToken.After after = PageToken.decodeAfterId(token, 3);
    assertThat(after.id()).isEqualTo(id);
    assertThat(after.key()).containsExactly(0, Double.doubleToLongBits(-0.25), Long.MIN_VALUE);
  }

  @Test
  void offsetTokensAndNoToken_areNotKeysets_butOffsetsStillDecode() {
    assertThat(PageToken.decodeAfterId(null, 3)).isNull();
    assertThat(PageToken.decodeAfterId("", 3)).isNull();
    String offset = PageToken.encode(200);
    assertThat(PageToken.decodeAfterId(offset, 3)).isNull();
    assertThat(PageToken.decode(offset)).isEqualTo(200);
    // a history keyset (no id) is no run keyset, and the other way round
    assertThatThrownBy(() -> PageToken.decodeAfterId(PageToken.encodeAfter(1, 2, 3), 3))
        .isInstanceOf(CairnException.class);
    assertThatThrownBy(() -> PageToken.decodeAfter(PageToken.encodeAfter("r", 1, 2, 3), 3))
        .isInstanceOf(CairnException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"after\": [0, 1], \"id\": \"cg\"}",
        "{\"after\": [0, 1, 2], \"id\": \"\"}",
        "{\"after\": [0, 1, 2], \"id\": \"c g\"}",
        "{\"after\": [0, 1, x], \"id\": \"cg\"}",
        "{\"after\": [0, 1, 2]}"
      })
  void tokensNotIssued_areInvalidParameterValue(String json) {
    String token = Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> PageToken.decodeAfterId(token, 3))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
  }
}
