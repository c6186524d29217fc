package io.cairn.server.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests written byte for byte, so that headers a client library guards (Host, Origin) can be
 * what a hostile page or a DNS-rebinding name would make a browser send.
 */
final class RawHttp {
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return new ObjectMapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    String code() {
      return json().path("error_code").asText();
    }
  }

  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  /** Sends a request; {@code headers} are "Name: value" lines; Host defaults to 127.0.0.1. */
  Answer send(String method, String path, String body, String... headers) {
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    boolean host = false;
    for (String h : headers) {
      host |= h.regionMatches(true, 0, "Host:", 0, 5);
      head.append(h).append("\r\n");
    }
    if (!host) {
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    head.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int at = response.indexOf("\r\n\r\n");
      Map<String, String> fields = new LinkedHashMap<>();
      response
          .substring(0, at)
          .lines()
          .skip(1)
          .forEach(
              l -> {
                int colon = l.indexOf(':');
                fields.put(
                    l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
              });
      String text = response.substring(at + 4);
      if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
        text = text.replaceAll("(?m)^[0-9a-fA-F]+\r\n|\r\n", "");
      }
      return new Answer(status, fields, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
