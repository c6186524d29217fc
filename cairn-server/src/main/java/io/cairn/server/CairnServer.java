package io.cairn.server;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.dataset.BlobStore;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.ModelFiles;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.ArtifactLocations;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Ids;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.RunNames;
import io.cairn.core.tracking.RunService;
import io.cairn.ml.onnx.OrtOnnxInspector;
import io.cairn.ml.table.DuckDbTableProfiler;
import io.cairn.server.dataset.DatasetEndpoints;
import io.cairn.server.guard.RequestGuard;
import io.cairn.server.guard.WebSecurity;
import io.cairn.server.http.BodyBudget;
import io.cairn.server.http.BodyPrefetch;
import io.cairn.server.http.ErrorHandling;
import io.cairn.server.http.HttpLimits;
import io.cairn.server.http.JettyErrors;
import io.cairn.server.http.JsonApi;
import io.cairn.server.http.JsonBodies;
import io.cairn.server.http.UrlEscapes;
import io.cairn.server.mlflow.MlflowRoutes;
import io.cairn.server.ops.OpsEndpoints;
import io.cairn.server.ops.RequestObserver;
import io.cairn.server.ui.UiAssets;
import io.cairn.storage.local.LocalArtifactRepository;
import io.cairn.storage.local.LocalMultipartUploads;
import io.cairn.storage.s3.S3ArtifactRepository;
import io.cairn.storage.s3.S3Settings;
import io.cairn.storage.sql.Database;
import io.cairn.storage.sql.SqlDatasetStore;
import io.cairn.storage.sql.SqlExperimentStore;
import io.cairn.storage.sql.SqlLoggedModelStore;
import io.cairn.storage.sql.SqlRegistryStore;
import io.cairn.storage.sql.SqlRunStore;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.servlet.FilterHolder;

/**
 * The composition root: opens the stores, builds the services and serves them over HTTP. Created
 * with {@link #start}; the owner calls {@link #close}. Start-up failures are {@link
 * CairnException}s whose message is one sentence for the operator.
 */
public final class CairnServer implements AutoCloseable {
  public static final String VERSION = "0.1.0";
  private final Database db;
  private final Javalin app;
  private final PrometheusMeterRegistry registry;
  private final ArtifactRepository artifacts;
  private final List<AutoCloseable> resources;

  private CairnServer(
      Database db,
      Javalin app,
      PrometheusMeterRegistry registry,
      ArtifactRepository artifacts,
      List<AutoCloseable> resources) {
    this.db = db;
    this.app = app;
    this.registry = registry;
    this.artifacts = artifacts;
    this.resources = resources;
  }

  /** Where dataset file contents live inside the artifact store: a name no MLflow path reaches. */
  static final String DATASET_BLOBS = ".cairn-datasets";

  public static CairnServer start(ServerConfig config) {
    return start(config, Clock.systemUTC(), Ids.secure(), new RunNames(new SecureRandom()));
  }

  public static CairnServer start(ServerConfig config, Clock clock, Ids ids, RunNames names) {
    prepareDataDir(config);
    ArtifactRepository artifacts;
    MultipartArtifactRepository multipart;
    ArtifactRepository blobRepository;
    Path blobTemp;
    if (config.s3() != null) {
      S3ArtifactRepository s3 = new S3ArtifactRepository(config.s3());
      s3.check();
      artifacts = s3;
      multipart = s3;
      S3Settings b = config.s3();
      String prefix = (b.prefix().isEmpty() ? "" : b.prefix() + "/") + DATASET_BLOBS;
      blobRepository =
          new S3ArtifactRepository(
              new S3Settings(
                  b.bucket(),
                  prefix,
                  b.endpoint(),
                  b.region(),
                  b.pathStyle(),
                  b.accessKey(),
                  b.secretKey()));
      blobTemp = config.dataDir().resolve("tmp").resolve("dataset-uploads");
    } else {
      LocalArtifactRepository local = new LocalArtifactRepository(config.artifactsDir());
      artifacts = local;
      multipart = new LocalMultipartUploads(local);
      // Inside the artifact root under a reserved name (no MLflow path reaches it), and on the same
      // file system, so verified uploads move into place atomically.
      blobRepository = new LocalArtifactRepository(config.artifactsDir().resolve(DATASET_BLOBS));
      blobTemp = config.artifactsDir().resolve(DATASET_BLOBS + "-tmp");
    }
    Database db = Database.open(config.dbUrl(), config.dbUser(), config.dbPassword(), 10);
    try {
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(meters);
      new JvmGcMetrics().bindTo(meters);
      new JvmThreadMetrics().bindTo(meters);
      new ProcessorMetrics().bindTo(meters);
      new UptimeMetrics().bindTo(meters);
      db.pool().setMetricRegistry(meters);

      ExperimentService experiments =
          new ExperimentService(new SqlExperimentStore(db), ArtifactLocations.proxied(), clock);
      RunService runs = new RunService(new SqlRunStore(db), experiments, ids, names, clock);
      LoggedModelService models =
          new LoggedModelService(new SqlLoggedModelStore(db), experiments, ids, names, clock);
      RegistryService registry =
          new RegistryService(
              new SqlRegistryStore(db),
              runs,
              models,
              new ModelFiles(artifacts, new OrtOnnxInspector()),
              clock);

      DuckDbTableProfiler profiler = new DuckDbTableProfiler(Leftovers.duckDbFolder(config));
      DatasetService datasets =
          new DatasetService(
              new SqlDatasetStore(db), new BlobStore(blobRepository), profiler, blobTemp, clock);

      // Schubfach for doubles: metric histories are mostly doubles, and it writes them 2-3x faster
      // than Double.toString, in their shortest exact form.
      ObjectMapper mapper =
          JsonMapper.builder()
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
              .build();
      BodyBudget budget = BodyBudget.forHeap(Runtime.getRuntime().maxMemory());
      JsonBodies bodies = new JsonBodies(mapper, budget, config.maxRequestBytes());
      WebSecurity web = config.web();
      String[] publicUrl = {web.publicUrl()};
      Javalin app =
          Javalin.create(
              c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
                c.http.maxRequestSize = config.maxRequestBytes();
                c.router.ignoreTrailingSlashes = true;
                c.jsonMapper(new JavalinJackson(mapper, false));
                c.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
                HttpLimits.apply(c, config.host(), config.port());
                c.jetty.modifyServletContextHandler(
                    h ->
                        h.addFilter(
                            new FilterHolder(
                                new BodyPrefetch(
                                    budget,
                                    bodies,
                                    HttpLimits::streamsItsBody,
                                    HttpLimits.MAX_STREAMS)),
                            "/*",
                            EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC)));
              });
      ErrorHandling.install(app);
      RequestObserver.install(app, meters);
      new RequestGuard(web).install(app);
      // Before any route decodes a URL, for every route.
      UrlEscapes.install(app);
      OpsEndpoints.register(app, db, meters, VERSION);
      UiAssets.register(app);
      JsonApi root = new JsonApi(app, mapper, bodies, List.of(""));
      MlflowRoutes.register(
          app,
          mapper,
          root,
          () -> publicUrl[0],
          experiments,
          runs,
          models,
          registry,
          artifacts,
          multipart);
      new DatasetEndpoints(datasets)
          .register(app, root.under(List.of(MlflowRoutes.CAIRN_PREFIX)), MlflowRoutes.CAIRN_PREFIX);
      try {
        app.start(config.host(), config.port());
      } catch (RuntimeException e) {
        throw new CairnException(ErrorCode.INVALID_STATE, bindMessage(config, e), e);
      }
      if (publicUrl[0] == null) {
        publicUrl[0] = defaultPublicUrl(config.host(), app.port());
      }
      List<AutoCloseable> resources =
          new java.util.ArrayList<>(List.of(profiler, Leftovers.sweep(config, blobTemp)));
      if (blobRepository instanceof AutoCloseable closeable) {
        resources.add(closeable);
      }
      if (artifacts instanceof AutoCloseable closeable) {
        resources.add(closeable);
      }
      return new CairnServer(db, app, meters, artifacts, resources);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Where clients reach a server that was given no {@code --public-url}: its listening address, or,
   * when it listens on every interface, the machine's name.
   */
  static String defaultPublicUrl(String host, int port) {
    String h = host;
    if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        h = "127.0.0.1";
      }
    } else if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + port;
  }

  private static String bindMessage(ServerConfig config, RuntimeException e) {
    String text = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause());
    if (text.contains("already in use") || text.contains("Address already in use")) {
      return "Port "
          + config.port()
          + " on "
          + config.host()
          + " is already in use; stop the other"
          + " process or choose another port with --port";
    }
    return "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage();
  }

  private static void prepareDataDir(ServerConfig config) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new CairnException(
          ErrorCode.INVALID_STATE,
          "Cannot create the data dir "
              + config.dataDir()
              + ": "
              + LocalArtifactRepository.reason(e)
              + "; choose another with --data-dir");
    }
    if (!Files.isWritable(config.dataDir())) {
      throw new CairnException(
          ErrorCode.INVALID_STATE,
          "The data dir " + config.dataDir() + " is not writable; choose another with --data-dir");
    }
  }

  public int port() {
    return app.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    app.stop();
    db.close();
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // the process is stopping; nothing is left to do with a store's client or the profiler
      }
    }
  }
}
