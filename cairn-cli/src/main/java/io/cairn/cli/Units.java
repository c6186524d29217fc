package io.cairn.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes, rates and durations as people read and type them. */
final class Units {
  private static final String[] SIZES = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})([smhd]?)$");

  private Units() {}

  /** A size in decimal units with one decimal: 0 B, 999 B, 4.1 MB, 1.2 GB. */
  static String bytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = 0;
    while (v >= 999.95 && unit < SIZES.length - 1) {
      v /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, SIZES[unit]);
  }

  /** A transfer rate: 34.5 MB/s. */
  static String rate(double bytesPerSecond) {
    return bytes(Math.round(bytesPerSecond)) + "/s";
  }

  /** Seconds as m:ss, or h:mm:ss from an hour on. */
  static String clock(long seconds) {
    long s = Math.max(0, seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /**
   * Seconds of a duration typed as a number and a unit: {@code 0}, {@code 30s}, {@code 10m}, {@code
   * 2h}, {@code 1d}; a bare number is seconds.
   */
  static long seconds(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use a number and s, m, h or d (0, 30s, 10m, 2h, 1d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> n * 60;
      case "h" -> n * 3600;
      case "d" -> n * 86400;
      default -> n;
    };
  }
}
