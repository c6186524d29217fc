package io.cairn.server.mlflow;

import io.cairn.core.error.CairnException;
import io.javalin.http.Context;

/**
 * The workspace a request works in. Until workspaces can be created there is one, {@code default};
 * a request naming another through MLflow's {@code X-MLFLOW-WORKSPACE} header is refused rather
 * than silently answered from the default one.
 */
public final class Workspace {
  static final String DEFAULT = "default";
  static final String HEADER = "X-MLFLOW-WORKSPACE";

  private Workspace() {}

  public static String of(Context ctx) {
    String name = ctx.header(HEADER);
    if (name == null || name.isEmpty() || name.equals(DEFAULT)) {
      return DEFAULT;
    }
    throw CairnException.notFound(
        "Workspace '%s' does not exist; this server has only '%s'", name, DEFAULT);
  }
}
