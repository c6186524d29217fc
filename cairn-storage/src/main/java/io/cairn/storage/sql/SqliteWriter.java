package io.cairn.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's writes, done by one thread with group commit. SQLite lets one connection write at a
 * time; writers that race for its lock sleep in its busy handler and leave the lock idle between
 * turns, and each pays a commit. Here writes queue in memory instead: the writer thread takes every
 * queued write, runs each inside a savepoint of one transaction (a write that fails is rolled back
 * alone, the others go on), commits once, and only then answers each caller. An answered write is
 * committed; a write whose commit fails fails for every caller in that group.
 */
final class SqliteWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteWriter.class);

  /** Writes in one transaction at most: bounds how long a group holds the file's lock. */
  private static final int MAX_GROUP = 64;

  private record Job(Database.Work<?> work, CompletableFuture<Object> done) {}

  private static final Job STOP = new Job(null, null);

  private final DataSource pool;
  private final Dialect dialect;
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private Tx current;

  SqliteWriter(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.thread = new Thread(this::loop, "cairn-sqlite-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code work} in the next group and waits for its commit. A write made from inside another
   * write (on the writer thread) joins that write's transaction.
   */
  @SuppressWarnings("unchecked")
  <T> T write(Database.Work<T> work) throws SQLException {
    if (Thread.currentThread() == thread) {
      return work.run(current);
    }
    if (!thread.isAlive()) {
      throw new SQLException("The database is closed");
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Job(work, done));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return (T) done.get();
        } catch (InterruptedException e) {
          interrupted = true; // the write may already be committing: wait for its outcome
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SQLException s) {
            throw s;
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new SQLException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    List<Job> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      boolean stop = group.remove(STOP);
      if (!group.isEmpty()) {
        run(group);
      }
      group.clear();
      if (stop) {
        failQueued();
        return;
      }
    }
  }

  private void run(List<Job> group) {
    Object[] results = new Object[group.size()];
    Throwable[] errors = new Throwable[group.size()];
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        current = new Tx(c, dialect);
        for (int i = 0; i < group.size(); i++) {
          Savepoint savepoint = c.setSavepoint();
          try {
            results[i] = group.get(i).work().run(current);
            c.releaseSavepoint(savepoint);
          } catch (SQLException | RuntimeException | Error e) {
            c.rollback(savepoint);
            c.releaseSavepoint(savepoint);
            errors[i] = e;
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException | Error e) {
        rollback(c);
        throw e;
      } finally {
        current = null;
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException | Error e) {
      for (int i = 0; i < group.size(); i++) {
        if (errors[i] == null) {
          errors[i] = e;
        }
      }
    }
    for (int i = 0; i < group.size(); i++) {
      CompletableFuture<Object> done = group.get(i).done();
      if (errors[i] != null) {
        done.completeExceptionally(errors[i]);
      } else {
        done.complete(results[i]);
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.warn("Rollback failed: {}", e.getMessage());
    }
  }

  private void failQueued() {
    List<Job> left = new ArrayList<>();
    queue.drainTo(left);
    for (Job job : left) {
      if (job != STOP) {
        job.done().completeExceptionally(new SQLException("The database is closed"));
      }
    }
  }

  /** Finishes the writes already queued, then stops the thread. */
  @Override
  public void close() {
    queue.add(STOP);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
