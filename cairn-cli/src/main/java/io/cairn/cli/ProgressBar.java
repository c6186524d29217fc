package io.cairn.cli;

import io.cairn.client.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Draws a push's or pull's progress on one terminal line, redrawn with '\r' at most ten times a
 * second: phase, bar, percent, bytes done and total, rate and time left. Drawn only when {@code
 * draw} (a terminal and not --quiet); warnings and notes are printed either way.
 */
final class ProgressBar implements ProgressListener {
  static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR = 20;

  private final PrintStream err;
  private final boolean draw;
  private final LongSupplier nanos;
  private String phase;
  private long total;
  private long done;
  private long started;
  private long lastDrawn;
  private int lastLength;

  ProgressBar(PrintStream err, boolean draw) {
    this(err, draw, System::nanoTime);
  }

  ProgressBar(PrintStream err, boolean draw, LongSupplier nanos) {
    this.err = err;
    this.draw = draw;
    this.nanos = nanos;
  }

  /** A bar for the terminal: drawn when there is a console and not {@code quiet}. */
  static ProgressBar forConsole(boolean quiet) {
    return new ProgressBar(System.err, !quiet && System.console() != null);
  }

  @Override
  public synchronized void begin(String phase, int files, long totalBytes) {
    this.phase = phase;
    this.total = totalBytes;
    this.done = 0;
    this.started = nanos.getAsLong();
    this.lastDrawn = started - REDRAW_NANOS;
    redraw(false);
  }

  @Override
  public synchronized void progress(long bytesDone) {
    done = bytesDone;
    redraw(false);
  }

  @Override
  public synchronized void end() {
    if (phase != null) {
      done = Math.max(done, 0);
      redraw(true);
      if (draw) {
        err.print('\n');
        err.flush();
      }
      lastLength = 0;
      phase = null;
    }
  }

  @Override
  public synchronized void warning(String message) {
    clear();
    err.println("warning: " + message);
    err.flush();
  }

  @Override
  public synchronized void note(String message) {
    clear();
    err.println(message);
    err.flush();
  }

  private void redraw(boolean force) {
    if (!draw || phase == null) {
      return;
    }
    long now = nanos.getAsLong();
    if (!force && now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    String line = render(phase, done, total, (now - started) / 1e9);
    StringBuilder out = new StringBuilder("\r").append(line);
    if (line.length() < lastLength) {
      out.append(" ".repeat(lastLength - line.length()));
    }
    lastLength = line.length();
    err.print(out);
    err.flush();
  }

  private void clear() {
    if (draw && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      lastLength = 0;
      lastDrawn = 0;
    }
  }

  /**
   * One line of progress, under 80 characters: {@code uploading [#######.....] 52% 2.1 GB/4.0 GB
   * 34.2 MB/s ETA 0:55}.
   */
  static String render(String phase, long done, long total, double seconds) {
    long d = Math.max(0, Math.min(done, total));
    double fraction = total <= 0 ? 1 : (double) d / total;
    int filled = (int) Math.floor(fraction * BAR);
    String bar = "#".repeat(filled) + ".".repeat(BAR - filled);
    double rate = seconds > 0 ? d / seconds : 0;
    String eta;
    if (d >= total) {
      eta = "in " + Units.clock(Math.round(seconds));
    } else if (rate > 0) {
      eta = "ETA " + Units.clock((long) Math.ceil((total - d) / rate));
    } else {
      eta = "ETA --:--";
    }
    return String.format(
        Locale.ROOT,
        "%-11s [%s] %3d%% %s/%s %s %s",
        phase,
        bar,
        (int) Math.floor(fraction * 100),
        Units.bytes(d),
        Units.bytes(total),
        Units.rate(rate),
        eta);
  }
}
