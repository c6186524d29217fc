package io.cairn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cairn.client.CairnClient;
import picocli.CommandLine.Option;

/** Options every client command shares: where the server is, and the output format. */
final class ServerOptions {
  @Option(
      names = "--url",
      description =
          "Server URL (else CAIRN_URL, else MLFLOW_TRACKING_URI, else http://127.0.0.1:5000).")
  String url;

  @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
  boolean json;

  CairnClient client() {
    return CairnClient.fromEnvironment(url);
  }

  void printJson(Object value) {
    try {
      System.out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
