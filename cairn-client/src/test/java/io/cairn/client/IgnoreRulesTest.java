package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .cairnignore} rules decide as git does: every pattern of a table is written to a real work
 * tree's {@code .gitignore}, and {@code git check-ignore --no-index} says which paths of a tree of
 * files and folders it ignores (a path under an ignored folder counts as ignored); the rules, with
 * folders pruned as a push walks, must say the same for every path (but for one documented
 * difference: {@code ?} and a class match one character of a non-ASCII name, where git matches one
 * byte of its UTF-8).
 */
class IgnoreRulesTest {
  @TempDir Path dir;
  private Path repo;

  /** The tree: files, and folders where the path ends in '/'. */
  private static final List<String> TREE =
      List.of(
          "a.txt",
          "b.csv",
          "B.CSV",
          ".hidden",
          "#hash",
          "!bang",
          "sp ace",
          "trail ",
          "star*name",
          "starXname",
          "q?.txt",
          "qq.txt",
          "[x].txt",
          "x.txt",
          "]x.txt",
          "a-b.txt",
          "a.txt.bak",
          "Makefile",
          "makefile",
          "5.txt",
          "é.txt",
          "ü/x.txt",
          "abc/def",
          "abXc/def",
          "ab/c/def",
          "emptydir/",
          "doc/a.txt",
          "doc/b.csv",
          "doc/frotz/x.txt",
          "doc/frotz/deep/y.txt",
          "a/doc/frotz/z.txt",
          "a/b/c/x/y/f.txt",
          "build/out.bin",
          "build/keep.txt",
          "src/build/x.o",
          "src/main.c",
          "logs/2024/01/app.log",
          "logs/debug.log",
          "logs/keep/x.log",
          "data/raw/r.csv",
          "data/clean/c.csv",
          "data/keep.txt",
          "data/sub/data/z.csv",
          "x/y/z/a.txt",
          "x/y/a.txt",
          "x/a.txt",
          "foo/bar/baz.txt",
          "foo/baz.txt",
          "foo/qux.txt");

  /** Rules files, each checked against git on the whole tree. */
  private static final List<String> RULES =
      List.of(
          "*.txt",
          "*.csv\n!b.csv",
          "/a.txt",
          "doc/frotz/",
          "frotz/",
          "**/frotz",
          "doc/**",
          "doc/**\n!doc/a.txt",
          "logs/**/*.log\n!logs/debug.log",
          "a/**/f.txt\nx/**/a.txt",
          "build/\n!build/keep.txt",
          "build/*\n!build/keep.txt",
          "*\n!*/\n!*.csv",
          "[ab].txt\n[!a]*.txt",
          "[a-c]*",
          "[[:upper:]]*\n[[:digit:]]*",
          "*[[:space:]]*",
          "[]x].txt\n[^x]x.txt",
          "\\#hash\n\\!bang",
          "#hash\n!bang",
          "trail\\ \nsp ace   ",
          "trail \nsp\\ ace",
          "star\\*name",
          "star*name",
          "?.txt\n??.txt",
          "q\\?.txt",
          "data/*/\n!data/raw/",
          "data/*/*.csv",
          "**/data",
          "data",
          "/data/",
          "data/",
          "x/*/a.txt",
          "*/a.txt",
          "**",
          "/**",
          "**/",
          "x/**/",
          "x/**",
          "foo/**/baz.txt",
          "*.CSV",
          "*.txt\r\n*.c\r\n",
          "\uFEFF*.c",
          "ab**c\nab**/def",
          "a**/def",
          "x**y/f\nx/**b\nx**/a.txt",
          "d**/x.txt",
          "é.txt\nü/",
          "[a-\n[[:bogus:]]*\nfoo\\",
          "  a.txt\n\n/\n!\n",
          "doc",
          "!a.txt",
          "*.txt\n!doc/**/*.txt",
          "x/y",
          "/x/y/",
          "x//y",
          "***/a.txt",
          "doc/*\n!doc/frotz/\ndoc/frotz/*\n!doc/frotz/x.txt",
          "[[:alpha:]].txt\n[[:alnum:]][[:punct:]]*",
          "[[:lower:]akefile]akefile",
          "[[:xdigit:]]*.txt",
          "[a\\-c]*",
          "\\a.txt",
          "a.tx[t\n.h*",
          "**/c/**/f.txt",
          "**/**/keep.txt",
          "src/**/*.o",
          "*/",
          "/*/",
          "foo\\/",
          "doc/frotz",
          "*.txt/",
          "[!]x].txt",
          "**/*.csv\n!data/**",
          "data/**/*.csv",
          "/doc/*.txt",
          "doc/*/x.txt",
          "*.bak\n!a.txt.bak\na.txt.*",
          "ma[k]efile\nM*",
          "logs/\n!logs/debug.log",
          "/logs/*/\n!/logs/keep/");

  @BeforeEach
  void setUp() throws Exception {
    repo = Files.createDirectories(dir.resolve("repo"));
    try {
      gitWithInput(null, "init", "-q", ".");
    } catch (IOException e) {
      Assumptions.abort("git is not installed: " + e.getMessage());
    }
    for (String path : TREE) {
      Path p = repo.resolve(path);
      if (path.endsWith("/")) {
        Files.createDirectories(p);
      } else {
        Files.createDirectories(p.getParent());
        Files.writeString(p, path);
      }
    }
  }

  @Test
  void everyRuleOfTheTable_ignoresWhatGitIgnores() throws Exception {
    List<String> all = allPaths();
    List<String> differences = new ArrayList<>();
    for (String rules : RULES) {
      Files.writeString(repo.resolve(".gitignore"), rules, StandardCharsets.UTF_8);
      Set<String> byGit = gitIgnored(all);
      IgnoreRules ours = IgnoreRules.parse(rules);
      for (String path : all) {
        boolean git = byGit.contains(path);
        boolean we = ignoredAsWalked(ours, path);
        boolean oneCharWildcard = rules.contains("?") || rules.contains("[");
        if (git != we && !(oneCharWildcard && !path.matches("\\p{ASCII}*"))) {
          differences.add(
              rules.replace("\n", "\\n") + "  " + path + ": git " + git + ", cairn " + we);
        }
      }
    }
    assertThat(differences).isEmpty();
  }

  @Test
  void aPushTakesWhatGitWouldNotIgnore_andNeverTheGitFolderOrTheRules() throws Exception {
    String rules = "*.csv\n!b.csv\nbuild/*\n!build/keep.txt\nfrotz/\n# a comment\n";
    Files.writeString(repo.resolve(".gitignore"), rules, StandardCharsets.UTF_8);
    Files.writeString(repo.resolve(IgnoreRules.FILE_NAME), rules, StandardCharsets.UTF_8);
    List<String> files = new ArrayList<>();
    for (String path : TREE) {
      if (!path.endsWith("/")) {
        files.add(path);
      }
    }
    files.add(".gitignore");
    Set<String> byGit = gitIgnored(files);
    Set<String> expected = new TreeSet<>(files);
    expected.removeAll(byGit);

    FolderScan.Found found = FolderScan.scan(repo, w -> {});

    assertThat(found.files())
        .extracting(LocalFiles.LocalFile::path)
        .containsExactlyElementsOf(expected);
    assertThat(found.gitEntries()).isEqualTo(1);
    assertThat(found.skipped())
        .isEqualTo("skipped 4 files and 2 folders by .cairnignore, .git/ excluded");
  }

  @Test
  void gitNames_coverEveryAliasAFileSystemTakes() {
    for (String name :
        List.of(
            ".git",
            ".GIT",
            ".Git",
            ".git.",
            ".git ",
            ".git. .",
            "git~1",
            "GIT~1",
            ".git::$INDEX_ALLOCATION",
            ".g\u200cit",
            "\ufeff.git")) {
      assertThat(GitNames.isGitName(name)).as(name).isTrue();
    }
    for (String name :
        List.of(".gitignore", ".gitmodules", "git", ".git2", "x.git", "git~2", ".gi")) {
      assertThat(GitNames.isGitName(name)).as(name).isFalse();
    }
    assertThat(GitNames.gitSegment("a/.GIT/config")).isEqualTo(".GIT");
    assertThat(GitNames.gitSegment("a/b.git/config")).isNull();
  }

  @Test
  void aQuestionMarkMatchesOneCharacter_whereGitMatchesOneByte() {
    assertThat(IgnoreRules.parse("?.txt").ignores("é.txt", false)).isTrue();
    assertThat(IgnoreRules.parse("[éè].txt").ignores("è.txt", false)).isTrue();
  }

  /** Ignored as a push decides it: a folder above ignored, or the path itself. */
  private static boolean ignoredAsWalked(IgnoreRules rules, String path) {
    String[] parts = path.split("/");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      prefix.append(i == 0 ? "" : "/").append(parts[i]);
      if (rules.ignores(prefix.toString(), true)) {
        return true;
      }
    }
    return rules.ignores(path, TREE.contains(path + "/") || isFolder(path));
  }

  private static boolean isFolder(String path) {
    for (String p : TREE) {
      if (p.startsWith(path + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Every file and folder of the tree, folders without their trailing '/'. */
  private static List<String> allPaths() {
    Set<String> out = new LinkedHashSet<>();
    for (String path : TREE) {
      String[] parts = path.split("/");
      StringBuilder prefix = new StringBuilder();
      for (String part : parts) {
        prefix.append(prefix.length() == 0 ? "" : "/").append(part);
        out.add(prefix.toString());
      }
    }
    return new ArrayList<>(out);
  }

  private Set<String> gitIgnored(List<String> paths) throws Exception {
    String out =
        gitWithInput(
            String.join("\0", paths) + "\0", "check-ignore", "--no-index", "--stdin", "-z");
    Set<String> ignored = new TreeSet<>();
    for (String p : out.split("\0")) {
      if (!p.isEmpty()) {
        ignored.add(p);
      }
    }
    return ignored;
  }

  /** Runs git in the work tree with no user or system configuration; exit 1 is "none ignored". */
  private String gitWithInput(String input, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    Map<String, String> env = pb.environment();
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.toString());
    Process p = pb.start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + err).isIn(0, 1);
    return out;
  }
}
