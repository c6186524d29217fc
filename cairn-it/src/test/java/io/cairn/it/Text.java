package io.cairn.it;

/** Shortening long texts for failure messages. */
final class Text {
  private Text() {}

  static String clip(String s) {
    if (s == null) {
      return "null";
    }
    String flat = s.replace("\u0000", "\\0");
    return flat.length() <= 400
        ? flat
        : flat.substring(0, 400) + "... (" + flat.length() + " chars)";
  }
}
