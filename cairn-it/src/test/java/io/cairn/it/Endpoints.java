package io.cairn.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every MLflow endpoint Cairn registers (read from cairn-server's *Endpoints.java), each with a
 * valid request that the bad-input suite mutates. Placeholders are filled in when a request is
 * sent: {@code $EXP $EXPNAME $RUN $LM $MODEL $VERSION} name the sacrificial data, {@code $UNIQUE}
 * is new each time. Path segments in braces may be replaced by hostile text.
 */
final class Endpoints {
  static final String P = "/api/2.0/mlflow";
  static final String A = "/api/2.0/mlflow-artifacts";
  static final String AJAX = "/ajax-api/2.0/mlflow";

  /** How the request carries its fields. */
  enum Carrier {
    JSON,
    QUERY,
    BYTES
  }

  record Endpoint(String method, String path, JsonNode template, Carrier carrier) {
    /** MLflow's documented fallback signal: multipart and presigned transfers answer 501. */
    boolean mayAnswerNotImplemented() {
      return path.contains("/mpu/") || path.contains("/presigned/");
    }

    /** Downloads answer raw bytes, not JSON. */
    boolean answersBytes() {
      return method.equals("GET")
          && (path.startsWith(A + "/artifacts/")
              || path.endsWith("/get-artifact")
              || path.endsWith("/artifacts/files"));
    }

    boolean paged() {
      return template.has("page_token");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private Endpoints() {}

  private static Endpoint json(String method, String path, String template) {
    return new Endpoint(method, path, parse(template), Carrier.JSON);
  }

  private static Endpoint query(String path, String template) {
    return new Endpoint("GET", path, parse(template), Carrier.QUERY);
  }

  private static JsonNode parse(String template) {
    try {
      return Http.JSON.readTree(template.replace('\'', '"').replace('^', '\''));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(template, e);
    }
  }

  static final List<Endpoint> ALL =
      List.of(
          json(
              "POST",
              P + "/experiments/create",
              "{'name': 'fuzz-$UNIQUE', 'tags': [{'key': 'k', 'value': 'v'}]}"),
          query(P + "/experiments/get", "{'experiment_id': '$EXP'}"),
          query(P + "/experiments/get-by-name", "{'experiment_name': '$EXPNAME'}"),
          json(
              "POST",
              P + "/experiments/search",
              "{'max_results': 5, 'filter': 'name LIKE ^fuzz%^', 'order_by': ['name'], 'view_type': 'ALL', 'page_token': ''}"),
          query(
              P + "/experiments/search",
              "{'max_results': '5', 'filter': 'name != ^x^', 'page_token': ''}"),
          json(
              "POST",
              P + "/experiments/update",
              "{'experiment_id': '$EXP', 'new_name': 'fuzz-$UNIQUE'}"),
          json("POST", P + "/experiments/delete", "{'experiment_id': '$EXP'}"),
          json("POST", P + "/experiments/restore", "{'experiment_id': '$EXP'}"),
          json(
              "POST",
              P + "/experiments/set-experiment-tag",
              "{'experiment_id': '$EXP', 'key': 'k', 'value': 'v'}"),
          json(
              "POST",
              P + "/experiments/delete-experiment-tag",
              "{'experiment_id': '$EXP', 'key': 'k'}"),
          json(
              "POST",
              P + "/runs/create",
              "{'experiment_id': '$EXP', 'user_id': 'u', 'start_time': 1700000000000, 'run_name': 'r', 'tags': [{'key': 'k', 'value': 'v'}]}"),
          query(P + "/runs/get", "{'run_id': '$RUN'}"),
          query("/ajax-api/2.0/mlflow/runs/get", "{'run_id': '$RUN'}"),
          json(
              "POST",
              P + "/runs/update",
              "{'run_id': '$RUN', 'run_uuid': '$RUN', 'status': 'RUNNING', 'end_time': 1700000000001, 'run_name': 'r2'}"),
          json("POST", P + "/runs/delete", "{'run_id': '$RUN'}"),
          json("POST", P + "/runs/restore", "{'run_id': '$RUN'}"),
          json(
              "POST",
              P + "/runs/log-metric",
              "{'run_id': '$RUN', 'key': 'm', 'value': 1.5, 'timestamp': 1700000000000, 'step': 3}"),
          json(
              "POST",
              P + "/runs/log-parameter",
              "{'run_id': '$RUN', 'key': 'p$UNIQUE', 'value': 'v'}"),
          json("POST", P + "/runs/set-tag", "{'run_id': '$RUN', 'key': 't', 'value': 'v'}"),
          json(
              "POST",
              P + "/runs/log-batch",
              "{'run_id': '$RUN', 'metrics': [{'key': 'm', 'value': 2, 'timestamp': 1700000000000, 'step': 1}], 'params': [{'key': 'b$UNIQUE', 'value': 'v'}], 'tags': [{'key': 't', 'value': 'v'}]}"),
          json("POST", P + "/runs/delete-tag", "{'run_id': '$RUN', 'key': 't'}"),
          json(
              "POST",
              P + "/runs/search",
              "{'experiment_ids': ['$EXP'], 'filter': 'metrics.m > 0', 'order_by': ['metrics.m DESC'], 'max_results': 5, 'run_view_type': 'ACTIVE_ONLY', 'page_token': ''}"),
          json(
              "POST",
              P + "/runs/log-inputs",
              "{'run_id': '$RUN', 'datasets': [{'tags': [{'key': 'mlflow.data.context', 'value': 'train'}], 'dataset': {'name': 'd', 'digest': 'abc', 'source_type': 'local', 'source': '{}', 'schema': '{}', 'profile': '{}'}}], 'models': [{'model_id': '$LM'}]}"),
          json(
              "POST",
              P + "/runs/outputs",
              "{'run_id': '$RUN', 'models': [{'model_id': '$LM', 'step': 1}]}"),
          query(
              P + "/metrics/get-history",
              "{'run_id': '$RUN', 'metric_key': 'm', 'max_results': '5', 'page_token': ''}"),
          query(
              P + "/metrics/get-history-bulk-interval",
              "{'run_ids': '$RUN', 'metric_key': 'm', 'start_step': '0', 'end_step': '10', 'max_results': '5'}"),
          query(P + "/artifacts/list", "{'run_id': '$RUN', 'path': ''}"),
          query(
              AJAX + "/metrics/get-history-bulk",
              "{'run_id': '$RUN', 'metric_key': 'm', 'max_results': '5'}"),
          json("POST", AJAX + "/experiments/search-datasets", "{'experiment_ids': ['$EXP']}"),
          new Endpoint(
              "POST",
              AJAX + "/upload-artifact?run_uuid=$RUN&path=fuzz/$UNIQUE.bin",
              parse("{}"),
              Carrier.BYTES),
          query("/get-artifact", "{'run_uuid': '$RUN', 'path': 'fuzz.txt'}"),
          query(
              "/model-versions/get-artifact",
              "{'name': '$MODEL', 'version': '$VERSION', 'path': 'MLmodel'}"),
          query(AJAX + "/logged-models/{$LM}/artifacts/files", "{'artifact_file_path': 'MLmodel'}"),
          json(
              "POST",
              P + "/logged-models",
              "{'experiment_id': '$EXP', 'name': 'lm', 'model_type': 't', 'source_run_id': '$RUN', 'params': [{'key': 'a', 'value': 'b'}], 'tags': [{'key': 'k', 'value': 'v'}]}"),
          query(P + "/logged-models/{$LM}", "{'allow_deleted': 'true'}"),
          json(
              "PATCH",
              P + "/logged-models/{$LM}",
              "{'model_id': '$LM', 'status': 'LOGGED_MODEL_READY'}"),
          json("DELETE", P + "/logged-models/{$LM}", "{}"),
          json("PATCH", P + "/logged-models/{$LM}/tags", "{'tags': [{'key': 'k', 'value': 'v'}]}"),
          json("DELETE", P + "/logged-models/{$LM}/tags/{k}", "{}"),
          json(
              "POST",
              P + "/logged-models/{$LM}/params",
              "{'params': [{'key': 'p$UNIQUE', 'value': 'v'}]}"),
          json(
              "POST",
              P + "/logged-models/search",
              "{'experiment_ids': ['$EXP'], 'filter': 'name = ^lm^', 'order_by': [{'field_name': 'creation_time', 'ascending': true}], 'max_results': 5, 'page_token': ''}"),
          query(
              P + "/logged-models/{$LM}/artifacts/directories", "{'artifact_directory_path': ''}"),
          json(
              "POST",
              P + "/registered-models/create",
              "{'name': 'fuzz-$UNIQUE', 'description': 'd', 'tags': [{'key': 'k', 'value': 'v'}]}"),
          query(P + "/registered-models/get", "{'name': '$MODEL'}"),
          json(
              "POST",
              P + "/registered-models/rename",
              "{'name': '$MODEL', 'new_name': 'fuzz-$UNIQUE'}"),
          json("PATCH", P + "/registered-models/update", "{'name': '$MODEL', 'description': 'd2'}"),
          json("DELETE", P + "/registered-models/delete", "{'name': '$MODEL'}"),
          query(
              P + "/registered-models/search",
              "{'filter': 'name LIKE ^f%^', 'max_results': '5', 'order_by': 'name ASC', 'page_token': ''}"),
          json(
              "POST",
              P + "/registered-models/search",
              "{'filter': 'name LIKE ^f%^', 'max_results': 5, 'order_by': ['name ASC'], 'page_token': ''}"),
          json(
              "POST",
              P + "/registered-models/get-latest-versions",
              "{'name': '$MODEL', 'stages': ['None']}"),
          query(
              P + "/registered-models/get-latest-versions", "{'name': '$MODEL', 'stages': 'None'}"),
          json(
              "POST",
              P + "/registered-models/set-tag",
              "{'name': '$MODEL', 'key': 'k', 'value': 'v'}"),
          json("DELETE", P + "/registered-models/delete-tag", "{'name': '$MODEL', 'key': 'k'}"),
          json(
              "POST",
              P + "/registered-models/alias",
              "{'name': '$MODEL', 'alias': 'champion', 'version': '$VERSION'}"),
          json("DELETE", P + "/registered-models/alias", "{'name': '$MODEL', 'alias': 'champion'}"),
          query(P + "/registered-models/alias", "{'name': '$MODEL', 'alias': 'champion'}"),
          json(
              "POST",
              P + "/model-versions/create",
              "{'name': '$MODEL', 'source': 'mlflow-artifacts:/fuzz/model', 'run_id': '$RUN', 'description': 'd', 'tags': [{'key': 'k', 'value': 'v'}]}"),
          query(P + "/model-versions/get", "{'name': '$MODEL', 'version': '$VERSION'}"),
          json(
              "PATCH",
              P + "/model-versions/update",
              "{'name': '$MODEL', 'version': '$VERSION', 'description': 'd'}"),
          json(
              "POST",
              P + "/model-versions/transition-stage",
              "{'name': '$MODEL', 'version': '$VERSION', 'stage': 'Staging', 'archive_existing_versions': false}"),
          json("DELETE", P + "/model-versions/delete", "{'name': '$MODEL', 'version': '$VERSION'}"),
          query(
              P + "/model-versions/search",
              "{'filter': 'name = ^$MODEL^', 'max_results': '5', 'page_token': ''}"),
          json(
              "POST",
              P + "/model-versions/search",
              "{'filter': 'name = ^$MODEL^', 'max_results': 5, 'order_by': ['version_number DESC'], 'page_token': ''}"),
          query(
              P + "/model-versions/get-download-uri", "{'name': '$MODEL', 'version': '$VERSION'}"),
          json(
              "POST",
              P + "/model-versions/set-tag",
              "{'name': '$MODEL', 'version': '$VERSION', 'key': 'k', 'value': 'v'}"),
          json(
              "DELETE",
              P + "/model-versions/delete-tag",
              "{'name': '$MODEL', 'version': '$VERSION', 'key': 'k'}"),
          query("/api/cairn/v1/registered-models/{$MODEL}/versions/{$VERSION}", "{}"),
          query("/api/3.0/mlflow/server-info", "{}"),
          json(
              "POST",
              "/graphql",
              "{'query': 'query Q($id: String) { mlflowGetRun(input: {runId: $id}) { run { info {"
                  + " runId status } } } }', 'variables': {'id': '$RUN'}, 'operationName': 'Q'}"),
          query(
              "/graphql",
              "{'query': '{ mlflowGetExperiment(input: {experimentId: \\\"$EXP\\\"}) { experiment { name } } }'}"),
          query(A + "/artifacts", "{'path': 'fuzz'}"),
          query(A + "/artifacts/{fuzz}/{file.bin}", "{}"),
          new Endpoint("PUT", A + "/artifacts/{fuzz}/{$UNIQUE.bin}", parse("{}"), Carrier.BYTES),
          json("DELETE", A + "/artifacts/{fuzz}/{$UNIQUE.bin}", "{}"),
          json("POST", A + "/mpu/create/{fuzz}", "{'path': 'fuzz/big.bin', 'num_parts': 2}"),
          json(
              "POST",
              A + "/mpu/complete/{fuzz}",
              "{'path': 'fuzz/big.bin', 'upload_id': 'x', 'parts': [{'part_number': 1, 'etag': 'e', 'url': 'u'}]}"),
          json("POST", A + "/mpu/abort/{fuzz}", "{'path': 'fuzz/big.bin', 'upload_id': 'x'}"),
          new Endpoint(
              "PUT",
              A + "/mpu/part/{0123456789abcdef0123456789abcdef}/{1}?path=fuzz/big.bin",
              parse("{}"),
              Carrier.BYTES),
          query(A + "/presigned/{fuzz}/{file.bin}", "{}"));

  static List<Endpoint> paged() {
    return ALL.stream().filter(Endpoint::paged).toList();
  }

  static List<Endpoint> withJsonBody() {
    return ALL.stream().filter(e -> e.carrier() == Carrier.JSON).toList();
  }

  private static final Pattern ROUTE_LITERAL = Pattern.compile("'(/[a-z0-9\\-/{}<>_.]*)'");

  /**
   * Route literals in cairn-server's MLflow endpoint sources that no catalogue path contains: an
   * endpoint added to the server without a place in this suite.
   */
  static Set<String> routesMissingFromCatalogue(Path serverSources) {
    Set<String> missing = new TreeSet<>();
    List<String> known = new ArrayList<>();
    for (Endpoint e : ALL) {
      known.add(e.path().replaceAll("\\{[^}]*}", "x"));
    }
    try (Stream<Path> files = Files.list(serverSources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = ROUTE_LITERAL.matcher(Files.readString(f));
        while (m.find()) {
          String literal = m.group(1).replaceAll("\\{[^}]*}|<[^>]*>", "x");
          String[] parts = literal.split("/x", -1);
          boolean found =
              known.stream()
                  .anyMatch(
                      k -> {
                        int at = 0;
                        for (String part : parts) {
                          at = k.indexOf(part, at);
                          if (at < 0) {
                            return false;
                          }
                          at += part.length();
                        }
                        return true;
                      });
          if (!found) {
            missing.add(f.getFileName() + ": " + m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return missing;
  }
}
