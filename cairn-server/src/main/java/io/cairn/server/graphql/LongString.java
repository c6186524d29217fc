package io.cairn.server.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.util.Locale;

/**
 * MLflow's {@code LongString} scalar: int64 values answered as strings, so JavaScript clients keep
 * every digit; taken as integers (or their text) in inputs.
 */
final class LongString implements Coercing<Object, String> {
  static final GraphQLScalarType TYPE =
      GraphQLScalarType.newScalar()
          .name("LongString")
          .description(
              "Long converted to string to prevent truncation to max integer in JavaScript")
          .coercing(new LongString())
          .build();

  @Override
  public String serialize(Object value, GraphQLContext context, Locale locale) {
    if (value instanceof Number || value instanceof String) {
      return value.toString();
    }
    throw new CoercingSerializeException("Expected an integer for LongString, got " + value);
  }

  @Override
  public Object parseValue(Object input, GraphQLContext context, Locale locale) {
    try {
      return Long.parseLong(input.toString());
    } catch (NumberFormatException e) {
      throw new CoercingParseValueException("Expected an integer for LongString, got " + input);
    }
  }

  @Override
  public Object parseLiteral(
      Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
    if (input instanceof IntValue i) {
      try {
        return i.getValue().longValueExact();
      } catch (ArithmeticException e) {
        throw new CoercingParseLiteralException(
            "Expected an integer within int64 for LongString, got " + i.getValue());
      }
    }
    if (input instanceof StringValue s) {
      return parseValue(s.getValue(), context, locale);
    }
    throw new CoercingParseLiteralException("Expected an integer for LongString, got " + input);
  }
}
