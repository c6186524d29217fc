package io.cairn.server.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetcherFactory;
import graphql.schema.DataFetcherFactoryEnvironment;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.List;
import java.util.Map;

/**
 * The fetcher of every field without its own: the field's value in its parent's map, and when the
 * REST answer left it out, what MLflow's GraphQL answers for an unset proto2 field: "" for text,
 * "0" for an int64, false, 0.0, the enum's first value, an empty list or an empty message. So an
 * active run's {@code endTime} is "0" here as in MLflow. {@code apiError}, never set by MLflow's
 * server, stays null.
 */
final class ProtoDefaults implements DataFetcherFactory<Object> {
  @Override
  public DataFetcher<Object> get(DataFetcherFactoryEnvironment environment) {
    return get(environment.getFieldDefinition());
  }

  @Override
  public DataFetcher<Object> get(GraphQLFieldDefinition field) {
    String name = field.getName();
    Object absent = defaultOf(field.getType());
    return env ->
        env.getSource() instanceof Map<?, ?> m && m.containsKey(name) ? m.get(name) : absent;
  }

  static Object defaultOf(GraphQLType declared) {
    GraphQLType t = GraphQLTypeUtil.unwrapNonNull(declared);
    if (t instanceof GraphQLList) {
      return List.of();
    }
    if (t instanceof GraphQLEnumType e) {
      return e.getValues().get(0).getValue();
    }
    if (t instanceof GraphQLObjectType o) {
      return o.getName().equals("ApiError") ? null : Map.of();
    }
    if (t instanceof GraphQLScalarType s) {
      return switch (s.getName()) {
        case "String" -> "";
        case "LongString", "Int" -> 0L;
        case "Float" -> 0.0;
        case "Boolean" -> false;
        default -> null;
      };
    }
    return null;
  }
}
