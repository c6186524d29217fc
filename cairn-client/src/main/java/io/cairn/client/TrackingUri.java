package io.cairn.client;

import java.util.Map;

/**
 * Where the server is: {@code --url}, else {@code CAIRN_URL}, else {@code MLFLOW_TRACKING_URI}
 * (when it is an http(s) URI), else {@code http://127.0.0.1:5000}.
 */
public final class TrackingUri {
  public static final String DEFAULT = "http://127.0.0.1:5000";

  private TrackingUri() {}

  public static String resolve(String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return trim(flag);
    }
    String cairn = env.get("CAIRN_URL");
    if (cairn != null && !cairn.isBlank()) {
      return trim(cairn);
    }
    String mlflow = env.get("MLFLOW_TRACKING_URI");
    if (mlflow != null && (mlflow.startsWith("http://") || mlflow.startsWith("https://"))) {
      return trim(mlflow);
    }
    return DEFAULT;
  }

  private static String trim(String url) {
    String u = url.trim();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }
}
