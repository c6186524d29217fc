package io.cairn.storage.s3;

import io.cairn.core.error.CairnException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where an S3-compatible artifact store is and how to sign in to it.
 *
 * @param bucket the bucket, required
 * @param prefix the key prefix under which artifacts live, without leading or trailing slashes;
 *     empty for the bucket's root
 * @param endpoint the store's URL ({@code http://127.0.0.1:9000} for MinIO, say), or null for AWS
 *     S3 itself
 * @param region the signing region, required by SigV4 even for stores that ignore it
 * @param pathStyle true for {@code http://host/bucket/key} addresses (most self-hosted stores),
 *     false for {@code http://bucket.host/key}
 * @param accessKey the access key id, or null to use the AWS SDK's default credentials chain
 *     (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, container and instance roles)
 * @param secretKey the secret access key; given exactly when {@code accessKey} is. Never printed:
 *     {@link #toString()} masks it.
 */
public record S3Settings(
    String bucket,
    String prefix,
    String endpoint,
    String region,
    boolean pathStyle,
    String accessKey,
    String secretKey) {
  /** The region used when none is configured, as the AWS CLI does for S3. */
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    if (bucket == null || bucket.isBlank()) {
      throw CairnException.invalid("The S3 bucket name is required");
    }
    if (bucket.contains("/")) {
      throw CairnException.invalid("Invalid S3 bucket name '%s': it contains '/'", bucket);
    }
    prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    endpoint = blankToNull(endpoint);
    region = blankToNull(region) == null ? DEFAULT_REGION : region.trim();
    accessKey = blankToNull(accessKey);
    secretKey = blankToNull(secretKey);
    if ((accessKey == null) != (secretKey == null)) {
      throw CairnException.invalid(
          "S3 credentials need both an access key and a secret key, got only the %s",
          accessKey == null ? "secret key" : "access key");
    }
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
  }

  /**
   * Settings for an {@code s3://bucket/prefix} URI; the other arguments are as in the record and
   * may be null (region then defaults to {@value #DEFAULT_REGION}).
   */
  public static S3Settings parse(
      String s3Uri,
      String endpoint,
      String region,
      boolean pathStyle,
      String accessKey,
      String secretKey) {
    if (s3Uri == null || !s3Uri.startsWith("s3://")) {
      throw CairnException.invalid(
          "Invalid S3 artifact location '%s': expected s3://bucket/prefix", s3Uri);
    }
    String rest = s3Uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw CairnException.invalid(
          "Invalid S3 artifact location '%s': the bucket name is missing", s3Uri);
    }
    return new S3Settings(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey);
  }

  /** The endpoint for messages: the configured URL without any user info, or AWS's own host. */
  public String displayEndpoint() {
    if (endpoint == null) {
      return "https://s3." + region + ".amazonaws.com";
    }
    URI uri = URI.create(endpoint);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /** The store location as an {@code s3://} URI. */
  public String uri() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  @Override
  public String toString() {
    return "S3Settings[uri="
        + uri()
        + ", endpoint="
        + (endpoint == null ? "(AWS)" : displayEndpoint())
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", accessKey="
        + (accessKey == null ? "(default chain)" : accessKey)
        + ", secretKey="
        + (secretKey == null ? "(default chain)" : "****")
        + "]";
  }

  private static void checkEndpoint(String endpoint) {
    try {
      URI uri = new URI(endpoint);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new URISyntaxException(endpoint, "not an http(s) URL with a host");
      }
    } catch (URISyntaxException e) {
      throw CairnException.invalid(
          "Invalid S3 endpoint '%s': expected a URL such as http://127.0.0.1:9000",
          endpoint.replaceAll("//[^/@]*@", "//****@"));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
