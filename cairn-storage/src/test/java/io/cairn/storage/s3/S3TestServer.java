package io.cairn.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.apis.ApiMetadata;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.filesystem.FilesystemApiMetadata;

/**
 * A real S3-protocol server (S3Proxy over jclouds' in-memory store) on a free loopback port, with
 * SigV4 authentication on so that signing and presigned URLs are checked. Start one per test class;
 * close it after.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "cairn-test-access";
  public static final String SECRET_KEY = "cairn-test-secret-0123456789";
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3TestServer(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
  }

  public static S3TestServer start() throws Exception {
    return start(false);
  }

  /**
   * Starts a server; {@code ignoreUnknownHeaders} makes it accept headers it does not implement
   * (the SDK's flexible checksums, which S3Proxy 3.0 answers with 501 by default).
   */
  public static S3TestServer start(boolean ignoreUnknownHeaders) throws Exception {
    return start(new TransientApiMetadata(), new Properties(), ignoreUnknownHeaders);
  }

  /**
   * Starts a server that keeps objects as files under {@code dir}: for objects larger than the
   * in-memory store can hold (2 GB, a Java array's limit).
   */
  public static S3TestServer startOnDisk(Path dir) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    return start(new FilesystemApiMetadata(), properties, false);
  }

  private static S3TestServer start(
      ApiMetadata api, Properties properties, boolean ignoreUnknownHeaders) throws Exception {
    BlobStoreContext context =
        ContextBuilder.newBuilder(api)
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(ignoreUnknownHeaders)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new S3TestServer(context, proxy);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** Settings for {@code s3://bucket/prefix} on this server, path-style, with its credentials. */
  public S3Settings settings(String bucket, String prefix) {
    return new S3Settings(bucket, prefix, endpoint(), "us-east-1", true, ACCESS_KEY, SECRET_KEY);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
