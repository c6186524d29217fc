package io.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real server as a child process: {@code java -jar cairn-cli/target/cairn.jar server --port 0
 * ...}. Its output is drained all the time (a full pipe would stall it) and the last lines are kept
 * for failure messages. The owner closes it (SIGTERM) or kills it ({@link #killHard}, SIGKILL).
 */
final class ServerProcess implements AutoCloseable {
  private static final String READY = "Tracking URI: ";
  private static final int KEPT_LINES = 300;

  private final Process process;
  private final Deque<String> lines = new ArrayDeque<>();
  private final CompletableFuture<String> url = new CompletableFuture<>();

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::drain, "cairn-server-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** The jar `mvn package` built; failsafe passes its path as the system property cairn.jar. */
  static Path jar() {
    String configured = System.getProperty("cairn.jar");
    Path jar =
        configured == null || configured.isBlank()
            ? Path.of("..", "cairn-cli", "target", "cairn.jar")
            : Path.of(configured);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          jar.toAbsolutePath()
              + " is missing: these tests run in `mvn verify`, after `package` builds it");
    }
    return jar.toAbsolutePath().normalize();
  }

  /**
   * Starts {@code cairn server --port 0 --data-dir <dataDir>} plus {@code serverArgs}, with {@code
   * jvmArgs} for the JVM, and waits (up to 60 s) until it prints its tracking URI.
   */
  static ServerProcess start(Path dataDir, List<String> jvmArgs, List<String> serverArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar().toString(), "server", "--port", "0"));
    command.addAll(List.of("--data-dir", dataDir.toString()));
    command.addAll(serverArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    ServerProcess server;
    try {
      server = new ServerProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    try {
      server.url.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      server.process.destroyForcibly();
      throw new AssertionError("the server did not start:\n" + server.output(), e);
    }
    return server;
  }

  private void drain() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (lines) {
          lines.addLast(line);
          if (lines.size() > KEPT_LINES) {
            lines.removeFirst();
          }
        }
        if (line.startsWith(READY)) {
          url.complete(line.substring(READY.length()).trim());
        }
      }
    } catch (IOException e) {
      // the process is gone; what it printed is kept
    }
    url.completeExceptionally(new IllegalStateException("the server exited"));
  }

  String url() {
    return url.join();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines the server printed. */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Peak resident memory in MiB (VmHWM from /proc), or -1 when it cannot be read. */
  long peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * SIGKILL: on Linux {@link Process#destroyForcibly} sends signal 9, so no shutdown hook or
   * finally block runs. Returns the exit code, 137 (128 + 9) when the signal killed it.
   */
  int killHard() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the server survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
