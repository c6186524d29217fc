package io.cairn.storage.s3;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK failures into {@link CairnException}s. Messages name the endpoint, bucket and
 * artifact path and S3's error code, never the store's own message text, request ids or keys.
 */
final class S3Errors {
  private static final Set<String> ACCESS_CODES =
      Set.of(
          "AccessDenied",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "InvalidToken",
          "ExpiredToken",
          "AllAccessDisabled");
  private static final Set<String> REGION_CODES =
      Set.of("PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraint");
  private static final Set<String> PART_CODES =
      Set.of("InvalidPart", "InvalidPartOrder", "EntityTooSmall", "InvalidArgument");

  private final S3Settings settings;

  S3Errors(S3Settings settings) {
    this.settings = settings;
  }

  /** S3's error code, or null when the answer had none (HEAD requests have no body). */
  static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  static boolean isNotFound(SdkException e) {
    return e instanceof S3Exception s3 && s3.statusCode() == 404 && !isMissingBucket(s3);
  }

  static boolean isMissingBucket(S3Exception e) {
    return "NoSuchBucket".equals(code(e));
  }

  /**
   * The exception for a failed call.
   *
   * @param action what was being done, as a verb phrase: "read", "list", "complete the upload of"
   * @param what the artifact path (or upload) the call was about, for the message
   */
  CairnException translate(SdkException e, String action, Object what) {
    if (e instanceof S3Exception s3) {
      return fromStatus(s3, action, what);
    }
    if (isCredentialsMissing(e)) {
      return new CairnException(
          ErrorCode.INVALID_STATE,
          "No AWS credentials for the S3 artifact store at "
              + settings.displayEndpoint()
              + ": give an access key and secret key, or set AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)",
          e);
    }
    if (e instanceof SdkClientException && hasIoCause(e)) {
      return new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "Cannot reach the S3 artifact store at "
              + settings.displayEndpoint()
              + " to "
              + action
              + " '"
              + what
              + "' ("
              + ioCauseName(e)
              + "); try again later",
          e);
    }
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "Could not " + action + " '" + what + "' in S3: " + e.getClass().getSimpleName(),
        e);
  }

  /** Like {@link #translate}, for multipart calls: a bad part list is the client's mistake. */
  CairnException translateMultipart(SdkException e, String action, Object what, String uploadId) {
    if (e instanceof S3Exception s3) {
      String code = code(s3);
      if ("NoSuchUpload".equals(code) || (s3.statusCode() == 404 && !isMissingBucket(s3))) {
        return CairnException.notFound("No multipart upload '%s' for '%s'", uploadId, what);
      }
      if (PART_CODES.contains(code)) {
        return CairnException.invalid(
            "Cannot %s '%s': S3 refused the parts (%s)", action, what, code);
      }
    }
    return translate(e, action, what);
  }

  private CairnException fromStatus(S3Exception e, String action, Object what) {
    String code = code(e);
    int status = e.statusCode();
    String bucket = "bucket '" + settings.bucket() + "' at " + settings.displayEndpoint();
    if (isMissingBucket(e)) {
      return new CairnException(ErrorCode.INVALID_STATE, "The S3 " + bucket + " does not exist", e);
    }
    if (status == 404) {
      return CairnException.notFound("No artifact at '%s'", what);
    }
    if (status == 403 || ACCESS_CODES.contains(code)) {
      return new CairnException(
          ErrorCode.INVALID_STATE,
          "S3 refused access to the "
              + bucket
              + " ("
              + (code == null ? "status 403" : code)
              + "): check the credentials and the bucket's policy",
          e);
    }
    if (status == 301 || REGION_CODES.contains(code)) {
      return new CairnException(
          ErrorCode.INVALID_STATE,
          "The S3 "
              + bucket
              + " is not in region '"
              + settings.region()
              + "' ("
              + (code == null ? "status " + status : code)
              + "): set the region of the bucket",
          e);
    }
    if (status >= 500 || status == 429 || "SlowDown".equals(code)) {
      return new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "The S3 artifact store at "
              + settings.displayEndpoint()
              + " could not "
              + action
              + " '"
              + what
              + "' now (status "
              + status
              + (code == null ? "" : " " + code)
              + "); try again later",
          e);
    }
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "S3 at "
            + settings.displayEndpoint()
            + " answered status "
            + status
            + (code == null ? "" : " " + code)
            + " when asked to "
            + action
            + " '"
            + what
            + "'",
        e);
  }

  private static boolean isCredentialsMissing(SdkException e) {
    String message = e.getMessage();
    return e instanceof SdkClientException
        && message != null
        && message.startsWith("Unable to load credentials");
  }

  private static boolean hasIoCause(Throwable e) {
    return ioCauseName(e) != null;
  }

  private static String ioCauseName(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        Throwable io = t instanceof UncheckedIOException u ? u.getCause() : t;
        return io.getClass().getSimpleName();
      }
    }
    return null;
  }
}
