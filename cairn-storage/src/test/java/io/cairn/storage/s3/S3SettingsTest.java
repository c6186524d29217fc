package io.cairn.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
  @Test
  void parse_bucketAndPrefix_dropsSurroundingSlashes() {
    S3Settings s = S3Settings.parse("s3://bucket/a/b/", null, null, false, null, null);
    assertThat(s.bucket()).isEqualTo("bucket");
    assertThat(s.prefix()).isEqualTo("a/b");
    assertThat(s.region()).isEqualTo(S3Settings.DEFAULT_REGION);
    assertThat(s.endpoint()).isNull();
    assertThat(s.uri()).isEqualTo("s3://bucket/a/b");
    assertThat(s.displayEndpoint()).isEqualTo("https://s3.us-east-1.amazonaws.com");
  }

  @Test
  void parse_bucketOnly_hasAnEmptyPrefix() {
    S3Settings s =
        S3Settings.parse("s3://bucket", "http://127.0.0.1:9000", "eu-west-1", true, "", "");
    assertThat(s.prefix()).isEmpty();
    assertThat(s.accessKey()).isNull();
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.displayEndpoint()).isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void parse_notAnS3Uri_failsWithInvalidParameterValue() {
    for (String uri : new String[] {"http://bucket/x", "s3://", "s3:///prefix", "bucket"}) {
      assertThatThrownBy(() -> S3Settings.parse(uri, null, null, false, null, null))
          .isInstanceOfSatisfying(
              CairnException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
          .hasMessageContaining("Invalid S3 artifact location");
    }
  }

  @Test
  void accessKeyWithoutSecret_failsWithInvalidParameterValue() {
    assertThatThrownBy(() -> S3Settings.parse("s3://b", null, null, false, "AKIA", null))
        .hasMessageContaining("both an access key and a secret key");
  }

  @Test
  void badEndpoint_failsWithoutShowingUserInfo() {
    assertThatThrownBy(
            () -> S3Settings.parse("s3://b", "ftp://user:hunter2@host", null, false, null, null))
        .hasMessageContaining("Invalid S3 endpoint")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void toString_masksTheSecret() {
    S3Settings s = S3Settings.parse("s3://b/p", null, null, false, "AKIAEXAMPLE", "s3cr3t-value");
    assertThat(s.toString()).contains("AKIAEXAMPLE").doesNotContain("s3cr3t-value");
  }
}
