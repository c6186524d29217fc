package io.cairn.server.http;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory that request bodies being read and parsed may hold at once, shared by every request. A
 * request is charged as it reads (its bytes) and parses (a fixed cost per JSON token, about what
 * Jackson's tree keeps per node); it gives its charge back when it is answered. Charges up to
 * {@link #SMALL} come from a pool of their own, so the small calls of well-behaved clients never
 * wait behind large bodies; a request past that moves to the large pool, where it waits at most
 * {@code wait} for room and is then told to retry (TEMPORARILY_UNAVAILABLE, 503, which MLflow
 * clients retry with back-off). Thread-safe; one per server.
 */
public final class BodyBudget {
  /** What a request may hold before it draws on the large pool. */
  public static final long SMALL = 1L << 20;

  private static final int UNIT = 1024;
  private final Semaphore small;
  private final Semaphore large;
  private final long largeBytes;
  private final long waitMillis;

  /**
   * @param smallBytes the pool of requests under {@link #SMALL}
   * @param largeBytes the pool of larger requests; no single request can be charged more
   * @param waitMillis how long a large request waits for room before it is refused
   */
  public BodyBudget(long smallBytes, long largeBytes, long waitMillis) {
    this.small = new Semaphore(units(smallBytes));
    this.large = new Semaphore(units(largeBytes));
    this.largeBytes = largeBytes;
    this.waitMillis = waitMillis;
  }

  /** The default for a heap of this size: a quarter of it for large bodies, at most 256 MiB. */
  public static BodyBudget forHeap(long maxHeapBytes) {
    long large = Math.max(32L << 20, Math.min(256L << 20, maxHeapBytes / 4));
    return new BodyBudget(64L << 20, large, 10_000);
  }

  public long largeBytes() {
    return largeBytes;
  }

  /** A new, empty charge for one request. Not thread-safe: one thread reads a request. */
  public Charge open() {
    return new Charge();
  }

  private static int units(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, (bytes + UNIT - 1) / UNIT);
  }

  /** What one request holds; {@link #close} gives it all back. */
  public final class Charge implements AutoCloseable {
    private int smallUnits;
    private int largeUnits;
    private long bytes;

    private Charge() {}

    /** Adds {@code more} bytes to this request's charge, waiting for room when it is large. */
    public void add(long more) {
      add(more, waitMillis);
    }

    /** Adds {@code more} bytes without waiting: for callers that must not block a thread. */
    public void addNow(long more) {
      add(more, 0);
    }

    private void add(long more, long wait) {
      bytes += more;
      int want = units(bytes);
      if (largeUnits == 0 && bytes <= SMALL) {
        if (want > smallUnits) {
          acquireSmall(want - smallUnits, wait);
        }
        return;
      }
      if (bytes > largeBytes) {
        throw new CairnException(
            ErrorCode.INVALID_PARAMETER_VALUE,
            String.format(
                "The request needs more than the %d MiB this server keeps for reading request"
                    + " bodies (its size limit is per endpoint; send fewer items per request)",
                largeBytes >> 20));
      }
      if (want > largeUnits) {
        acquireLarge(want - largeUnits, wait);
      }
      if (smallUnits > 0) {
        small.release(smallUnits);
        smallUnits = 0;
      }
    }

    private void acquireSmall(int units, long wait) {
      try {
        // The small pool only runs dry when hundreds of requests read at once.
        if (!small.tryAcquire(units, Math.max(wait, 1000), TimeUnit.MILLISECONDS)) {
          throw busy();
        }
        smallUnits += units;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy();
      }
    }

    private void acquireLarge(int units, long wait) {
      try {
        if (!large.tryAcquire(units, wait, TimeUnit.MILLISECONDS)) {
          throw busy();
        }
        largeUnits += units;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy();
      }
    }

    private CairnException busy() {
      return new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "The server is reading too many large requests at once; retry in a few seconds");
    }

    @Override
    public void close() {
      small.release(smallUnits);
      large.release(largeUnits);
      smallUnits = 0;
      largeUnits = 0;
      bytes = 0;
    }
  }
}
