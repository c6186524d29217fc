package io.cairn.core.search;

import io.cairn.core.error.CairnException;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter or order_by text into tokens, remembering where each starts. */
final class Lexer {
  enum Kind {
    WORD,
    STRING,
    NUMBER,
    OPERATOR,
    LPAREN,
    RPAREN,
    COMMA,
    END
  }

  /**
   * A token. For a WORD, {@code quotedKey} is the key given in backquotes or double quotes after a
   * prefix ({@code tags.`my key`}), else null.
   */
  record Token(Kind kind, String text, String quotedKey, int position) {
    boolean isWord(String word) {
      return kind == Kind.WORD && quotedKey == null && text.equalsIgnoreCase(word);
    }
  }

  private final String input;
  private final String what;
  private int pos;

  private Lexer(String input, String what) {
    this.input = input;
    this.what = what;
  }

  static List<Token> tokenize(String input, String what) {
    return new Lexer(input, what).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
        pos++;
      }
      if (pos >= input.length()) {
        tokens.add(new Token(Kind.END, "", null, pos));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = pos;
    char c = input.charAt(pos);
    if (c == '(') {
      pos++;
      return new Token(Kind.LPAREN, "(", null, start);
    }
    if (c == ')') {
      pos++;
      return new Token(Kind.RPAREN, ")", null, start);
    }
    if (c == ',') {
      pos++;
      return new Token(Kind.COMMA, ",", null, start);
    }
    if (c == '\'' || c == '"') {
      return new Token(Kind.STRING, quoted(c), null, start);
    }
    if (c == '`') {
      String key = quoted('`');
      return new Token(Kind.WORD, key, null, start);
    }
    if (c == '=' || c == '!' || c == '<' || c == '>') {
      return operator(start);
    }
    if (Character.isDigit(c) || c == '-' || c == '+' || c == '.') {
      return number(start);
    }
    if (Character.isLetter(c) || c == '_') {
      return word(start);
    }
    throw error(start, "unexpected character '" + c + "'");
  }

  private Token word(int start) {
    while (pos < input.length() && isWordChar(input.charAt(pos))) {
      pos++;
    }
    String text = input.substring(start, pos);
    if (text.endsWith(".") && pos < input.length()) {
      char q = input.charAt(pos);
      if (q == '`' || q == '"') {
        String key = quoted(q);
        return new Token(Kind.WORD, text.substring(0, text.length() - 1), key, start);
      }
    }
    return new Token(Kind.WORD, text, null, start);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':';
  }

  private Token number(int start) {
    if (input.charAt(pos) == '-' || input.charAt(pos) == '+') {
      pos++;
    }
    while (pos < input.length()
        && (Character.isLetterOrDigit(input.charAt(pos))
            || input.charAt(pos) == '.'
            || ((input.charAt(pos) == '-' || input.charAt(pos) == '+')
                && (input.charAt(pos - 1) == 'e' || input.charAt(pos - 1) == 'E')))) {
      pos++;
    }
    String text = input.substring(start, pos);
    try {
      Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw error(start, "'" + text + "' is not a number");
    }
    return new Token(Kind.NUMBER, text, null, start);
  }

  private Token operator(int start) {
    String two = pos + 1 < input.length() ? input.substring(pos, pos + 2) : "";
    if (two.equals("!=")
        || two.equals("<=")
        || two.equals(">=")
        || two.equals("<>")
        || two.equals("==")) {
      pos += 2;
      return new Token(
          Kind.OPERATOR, two.equals("<>") ? "!=" : two.equals("==") ? "=" : two, null, start);
    }
    char c = input.charAt(pos);
    if (c == '!') {
      throw error(start, "'!' must be followed by '='");
    }
    pos++;
    return new Token(Kind.OPERATOR, String.valueOf(c), null, start);
  }

  private String quoted(char quote) {
    int start = pos;
    pos++;
    StringBuilder out = new StringBuilder();
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == '\\' && pos + 1 < input.length()) {
        out.append(input.charAt(pos + 1));
        pos += 2;
      } else if (c == quote) {
        if (pos + 1 < input.length() && input.charAt(pos + 1) == quote) {
          out.append(quote);
          pos += 2;
        } else {
          pos++;
          return out.toString();
        }
      } else {
        out.append(c);
        pos++;
      }
    }
    throw error(start, "the quote " + quote + " is never closed");
  }

  private CairnException error(int at, String problem) {
    return SearchParser.syntaxError(what, input, at, problem);
  }
}
