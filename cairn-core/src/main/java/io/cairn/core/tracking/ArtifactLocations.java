package io.cairn.core.tracking;

/**
 * Where the artifacts of experiments, runs and logged models live by default, as URIs the clients
 * use. With the artifact proxy the root is {@code mlflow-artifacts:}, so a run's artifacts are at
 * {@code mlflow-artifacts:/<experiment>/<run>/artifacts}, as MLflow lays them out.
 */
public record ArtifactLocations(String root) {
  public ArtifactLocations {
    root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public static ArtifactLocations proxied() {
    return new ArtifactLocations("mlflow-artifacts:");
  }

  public String experiment(long experimentId) {
    return root + "/" + experimentId;
  }

  public static String run(String experimentLocation, String runId) {
    return trim(experimentLocation) + "/" + runId + "/artifacts";
  }

  public static String loggedModel(String experimentLocation, String modelId) {
    return trim(experimentLocation) + "/models/" + modelId + "/artifacts";
  }

  private static String trim(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }
}
