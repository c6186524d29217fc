package io.cairn.server.graphql;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import io.cairn.core.error.CairnException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A field whose REST call failed: a {@link CairnException}'s own message, as MLflow's GraphQL
 * answers an MlflowException ("Run with id=... not found"); anything else logged and answered with
 * a generic message, as the REST endpoints answer it.
 */
final class FieldErrors implements DataFetcherExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FieldErrors.class);

  @Override
  public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
      DataFetcherExceptionHandlerParameters params) {
    Throwable e = params.getException();
    String message;
    if (e instanceof CairnException c) {
      message = c.getMessage();
    } else {
      LOG.error("GraphQL field {} failed", params.getPath(), e);
      message = "Internal error while handling the request; the server log has details";
    }
    return CompletableFuture.completedFuture(
        DataFetcherExceptionHandlerResult.newResult()
            .error(
                GraphqlErrorBuilder.newError()
                    .message(message)
                    .path(params.getPath())
                    .location(params.getSourceLocation())
                    .build())
            .build());
  }
}
