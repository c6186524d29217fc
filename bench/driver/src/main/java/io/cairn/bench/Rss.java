package io.cairn.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resident memory of a server: VmRSS from /proc of the process and all its descendants (MLflow
 * runs several uvicorn workers; mlflow-go-backend runs a Python MLflow server beside its Go one).
 */
final class Rss {
  private Rss() {}

  static long treeRssBytes(long root) {
    long sum = 0;
    for (long pid : tree(root)) {
      sum += rssBytes(pid);
    }
    return sum;
  }

  static List<Long> tree(long root) {
    List<Long> out = new ArrayList<>();
    if (root <= 0 || !Files.exists(Path.of("/proc", Long.toString(root)))) {
      return out;
    }
    Map<Long, List<Long>> children = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : ds) {
        long ppid = ppid(p);
        if (ppid > 0) {
          children
              .computeIfAbsent(ppid, k -> new ArrayList<>())
              .add(Long.parseLong(p.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      // fall through with what was read
    }
    ArrayDeque<Long> todo = new ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty() && out.size() < 10_000) {
      long pid = todo.poll();
      out.add(pid);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return out;
  }

  private static long ppid(Path procDir) {
    try {
      String stat = Files.readString(procDir.resolve("stat"));
      // pid (comm) state ppid ...; comm may hold spaces and parentheses: cut at the last ')'.
      String rest = stat.substring(stat.lastIndexOf(')') + 2);
      String[] f = rest.split(" ", 3);
      return Long.parseLong(f[1]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // process gone
    }
    return 0;
  }

  /** Samples the tree's RSS every {@code periodMs} on a daemon thread until stopped. */
  static final class Sampler implements AutoCloseable {
    private final long pid;
    private final Thread thread;
    private volatile boolean running = true;
    private long max;
    private double sum;
    private int samples;

    Sampler(long pid, long periodMs) {
      this.pid = pid;
      this.thread =
          new Thread(
              () -> {
                while (running) {
                  long v = treeRssBytes(pid);
                  synchronized (this) {
                    max = Math.max(max, v);
                    sum += v;
                    samples++;
                  }
                  try {
                    Thread.sleep(periodMs);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "rss-sampler");
      thread.setDaemon(true);
      if (pid > 0) {
        thread.start();
      }
    }

    synchronized double maxMb() {
      return max / 1048576.0;
    }

    synchronized double meanMb() {
      return samples == 0 ? 0 : sum / samples / 1048576.0;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      if (pid > 0) {
        thread.join(2000);
      }
    }
  }
}
