package io.cairn.server.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may talk to the server from a browser, and by which names.
 *
 * @param allowedHosts the Host header values served (MLflow's {@code --allowed-hosts}); {@code *}
 *     in a pattern matches anything, {@code *} alone every host. Others are refused with 403, so a
 *     DNS-rebinding page cannot reach the server through a name it controls.
 * @param corsAllowedOrigins origins (scheme://host[:port]) besides the server's own whose pages may
 *     change data (POST, PUT, PATCH, DELETE) and read answers (MLflow's {@code
 *     --cors-allowed-origins}); {@code *} allows every origin
 * @param publicUrl the URL clients reach the server at, used for the URLs the server hands out
 *     (multipart part URLs); null: {@code http://<host>:<port>} of the listening socket
 */
public record WebSecurity(
    List<String> allowedHosts, List<String> corsAllowedOrigins, String publicUrl) {
  public WebSecurity {
    allowedHosts = List.copyOf(allowedHosts);
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    if (publicUrl != null) {
      publicUrl = publicUrl.replaceAll("/+$", "");
      if (!publicUrl.matches("(?i)https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
        throw new IllegalArgumentException(
            "--public-url must be an http:// or https:// URL, got '" + publicUrl + "'");
      }
    }
  }

  /** The defaults for a server listening on {@code bindHost}: see {@link #defaultHosts}. */
  public static WebSecurity defaults(String bindHost) {
    return new WebSecurity(defaultHosts(bindHost), List.of(), null);
  }

  /**
   * The Host names a server listening on {@code bindHost} answers by default: the loopback names
   * (with any port) when it listens on loopback; when it listens on every interface, also the
   * machine's own name and the private (RFC 1918, RFC 4193) addresses, as MLflow 3 does; when it
   * listens on one address, also that address.
   */
  public static List<String> defaultHosts(String bindHost) {
    List<String> hosts = new ArrayList<>();
    for (String name : List.of("localhost", "127.0.0.1", "[::1]")) {
      hosts.add(name);
      hosts.add(name + ":*");
    }
    if (isLoopback(bindHost)) {
      return hosts;
    }
    if (bindHost.equals("0.0.0.0") || bindHost.equals("::") || bindHost.equals("[::]")) {
      try {
        String self = InetAddress.getLocalHost().getHostName();
        hosts.add(self);
        hosts.add(self + ":*");
      } catch (UnknownHostException e) {
        // no name of its own: its addresses below still work
      }
      hosts.addAll(List.of("10.*", "192.168.*", "fc*:*", "fd*:*", "[fc*", "[fd*"));
      for (int i = 16; i < 32; i++) {
        hosts.add("172." + i + ".*");
      }
    } else {
      String h =
          bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
      hosts.add(h);
      hosts.add(h + ":*");
    }
    return hosts;
  }

  /** The defaults of {@link #defaultHosts} in a few words, for the start-up summary. */
  public static String describeDefaults(String bindHost) {
    List<String> hosts = defaultHosts(bindHost);
    String loopback = "localhost, 127.0.0.1, [::1]";
    if (isLoopback(bindHost)) {
      return loopback + " (any port)";
    }
    if (hosts.contains("10.*")) {
      String name = hosts.get(6).equals("10.*") ? "" : hosts.get(6) + ", ";
      return loopback
          + ", "
          + name
          + "private addresses (10.*, 172.16-31.*, 192.168.*, fc/fd::)"
          + " (any port)";
    }
    return loopback + ", " + hosts.get(6) + " (any port)";
  }

  static boolean isLoopback(String host) {
    String h = host.replace("[", "").replace("]", "");
    return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1");
  }

  /** Comma-separated values of a flag, trimmed, empty ones dropped. */
  public static List<String> list(String commaSeparated) {
    List<String> out = new ArrayList<>();
    if (commaSeparated != null) {
      for (String s : commaSeparated.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }
}
