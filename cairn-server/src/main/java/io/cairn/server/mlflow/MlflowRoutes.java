package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.RunService;
import io.cairn.server.graphql.GraphqlEndpoint;
import io.cairn.server.http.JsonApi;
import io.javalin.Javalin;
import java.util.List;
import java.util.function.Supplier;

/** Mounts MLflow's REST API: tracking under both API prefixes, and the artifact proxy. */
public final class MlflowRoutes {
  public static final List<String> PREFIXES = List.of("/api/2.0/mlflow", "/ajax-api/2.0/mlflow");
  public static final String ARTIFACTS_PREFIX = "/api/2.0/mlflow-artifacts";
  public static final String CAIRN_PREFIX = "/api/cairn/v1";

  private MlflowRoutes() {}

  public static void register(
      Javalin app,
      ObjectMapper mapper,
      JsonApi root,
      Supplier<String> publicUrl,
      ExperimentService experiments,
      RunService runs,
      LoggedModelService models,
      RegistryService registry,
      ArtifactRepository artifacts,
      MultipartArtifactRepository multipart) {
    JsonApi api = root.under(PREFIXES);
    new ExperimentEndpoints(experiments).register(api);
    new RunEndpoints(runs).register(api);
    ArtifactEndpoints artifactEndpoints = new ArtifactEndpoints(artifacts, runs, mapper);
    artifactEndpoints.register(app, api, ARTIFACTS_PREFIX);
    new MultipartEndpoints(multipart, publicUrl)
        .register(app, root.under(List.of(ARTIFACTS_PREFIX)), ARTIFACTS_PREFIX);
    new LoggedModelEndpoints(models, artifactEndpoints).register(api);
    new RegistryEndpoints(registry).register(api);
    new AjaxEndpoints(runs).register(root);
    new ArtifactFileEndpoints(artifacts, runs, models, registry).register(app);
    new ModelVersionDetails(registry, runs, models).register(root.under(List.of(CAIRN_PREFIX)));
    GraphqlEndpoint.register(app, root, mapper);
    // MLflow 3 clients ask what the server supports before artifact transfers; a 200 is cached.
    root.under(List.of("/api/3.0/mlflow"))
        .get(
            "/server-info",
            (f, ctx) ->
                mapper
                    .createObjectNode()
                    .put("multipart_uploads_enabled", false)
                    .put("multipart_downloads_enabled", false)
                    .put("workspaces_enabled", false));
  }
}
