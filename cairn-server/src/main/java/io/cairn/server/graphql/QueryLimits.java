package io.cairn.server.graphql;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.SelectionSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MLflow's bounds on a GraphQL query ({@code graphql_no_batching.check_query_safety}), checked on
 * the parsed document before anything runs: at most 10 levels of selections, 1,000 selections in
 * all, 10 root fields (each is one store call: MLflow's answer to batching) and 10 aliases on one
 * level, fragments expanded where they are spread. The answer is MLflow's message, or empty.
 *
 * <p>Cairn's own bound, {@code maxCalls}: the REST calls one query may make. A run's {@code
 * experiment} and {@code modelVersions} cost a call per run (experiments are asked once each), so
 * model versions of a 50,000-run search would be 50,000 searches; past the bound the field fails.
 */
record QueryLimits(
    int maxDepth, int maxSelections, int maxRootFields, int maxAliases, int maxCalls) {
  static final QueryLimits MLFLOW = new QueryLimits(10, 1000, 10, 10, 2000);

  private record Level(SelectionSet set, int depth) {}

  Optional<String> check(Document document) {
    Map<String, FragmentDefinition> fragments = new HashMap<>();
    document
        .getDefinitionsOfType(FragmentDefinition.class)
        .forEach(f -> fragments.put(f.getName(), f));
    int rootFields = 0;
    int aliases = 0;
    int selections = 0;
    for (OperationDefinition op : document.getDefinitionsOfType(OperationDefinition.class)) {
      Deque<Level> stack = new ArrayDeque<>();
      stack.push(new Level(op.getSelectionSet(), 1));
      while (!stack.isEmpty()) {
        Level level = stack.pop();
        if (level.depth() > maxDepth) {
          return Optional.of("Query exceeds maximum depth of " + maxDepth);
        }
        List<Field> fields = new ArrayList<>();
        int levelAliases = collect(level.set(), fragments, fields);
        for (Field field : fields) {
          if (level.depth() == 1) {
            rootFields++;
          }
          if (field.getSelectionSet() != null) {
            stack.push(new Level(field.getSelectionSet(), level.depth() + 1));
          }
          if (++selections > maxSelections) {
            return Optional.of("Query exceeds maximum total selections of " + maxSelections);
          }
        }
        aliases = Math.max(aliases, levelAliases);
      }
    }
    if (rootFields > maxRootFields) {
      return Optional.of(tooMany(maxRootFields, rootFields, "root fields"));
    }
    if (aliases > maxAliases) {
      return Optional.of(tooMany(maxAliases, aliases, "aliases"));
    }
    return Optional.empty();
  }

  /** The fields of one level, inline fragments and spreads merged in; returns their aliases. */
  private static int collect(
      SelectionSet set, Map<String, FragmentDefinition> fragments, List<Field> fields) {
    int aliases = 0;
    Set<String> spread = new HashSet<>();
    Deque<Object> todo = new ArrayDeque<>(set.getSelections());
    while (!todo.isEmpty()) {
      Object s = todo.poll();
      if (s instanceof Field f) {
        fields.add(f);
        aliases += f.getAlias() == null ? 0 : 1;
      } else if (s instanceof InlineFragment i && i.getSelectionSet() != null) {
        todo.addAll(i.getSelectionSet().getSelections());
      } else if (s instanceof FragmentSpread fs && spread.add(fs.getName())) {
        FragmentDefinition d = fragments.get(fs.getName());
        if (d != null && d.getSelectionSet() != null) {
          todo.addAll(d.getSelectionSet().getSelections());
        }
      }
    }
    return aliases;
  }

  private static String tooMany(int max, int got, String what) {
    return "GraphQL queries should have at most "
        + max
        + " "
        + what
        + ", got "
        + got
        + " "
        + what
        + ".";
  }
}
