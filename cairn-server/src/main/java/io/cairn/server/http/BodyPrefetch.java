package io.cairn.server.http;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads request bodies before any thread is given to their handler: a client that sends its body
 * slowly, or stops, then holds a little memory and no thread, so slow clients cannot take every
 * thread from the others. The body is read without blocking (Servlet async I/O), charged to the
 * {@link BodyBudget} as it arrives and refused past the server's limit; when it is whole the
 * request is dispatched again with the bytes in hand. Bodies that are streamed to storage (artifact
 * and dataset uploads, {@code streamed}) are not read ahead; instead at most {@code maxStreams} of
 * them run at once, so they too can hold only part of the threads. Every request's charge is given
 * back when it has been answered.
 */
public final class BodyPrefetch implements Filter {
  private static final String BODY = "cairn.prefetched-body";
  private static final long DRAIN_BYTES = 4L << 20;
  private static final int CHUNK = 64 * 1024;
  private final BodyBudget budget;
  private final JsonBodies bodies;
  private final Predicate<HttpServletRequest> streamed;
  private final Semaphore streams;

  public BodyPrefetch(
      BodyBudget budget,
      JsonBodies bodies,
      Predicate<HttpServletRequest> streamed,
      int maxStreams) {
    this.budget = budget;
    this.bodies = bodies;
    this.streamed = streamed;
    this.streams = new Semaphore(maxStreams);
  }

  /** Whether the request's body was read ahead (then the bytes are what getInputStream gives). */
  static boolean prefetched(HttpServletRequest req) {
    return req.getAttribute(BODY) != null;
  }

  /** The bytes read ahead, or null when the body was not read ahead. */
  static byte[] body(HttpServletRequest req) {
    return (byte[]) req.getAttribute(BODY);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest req = (HttpServletRequest) request;
    HttpServletResponse res = (HttpServletResponse) response;
    if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(BODY) != null) {
      try {
        chain.doFilter(new BufferedRequest(req, (byte[]) req.getAttribute(BODY)), res);
      } finally {
        release(req);
      }
      return;
    }
    if (!hasBody(req)) {
      try {
        chain.doFilter(req, res);
      } finally {
        release(req);
      }
      return;
    }
    if (streamed.test(req)) {
      stream(req, res, chain);
      return;
    }
    BodyLimits limits = bodies.limitsFor(req.getRequestURI());
    long declared = req.getContentLengthLong();
    AsyncContext async = req.startAsync();
    async.setTimeout(TimeUnit.MINUTES.toMillis(10));
    ServletInputStream in = req.getInputStream();
    Reader reader = new Reader(req, async, in, limits, bodies.counter(limits.maxTokens()));
    if (declared > limits.maxBytes()) {
      reader.refuse(tooLarge(declared, limits.maxBytes()));
    }
    in.setReadListener(reader);
  }

  private void stream(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    // Never waits: a thread waiting here is a thread the others do not have.
    if (!streams.tryAcquire()) {
      refuse(
          req,
          res,
          new CairnException(
              ErrorCode.TEMPORARILY_UNAVAILABLE,
              "The server is receiving too many uploads at once; retry in a few seconds"));
      return;
    }
    try {
      chain.doFilter(req, res);
    } finally {
      streams.release();
      release(req);
    }
  }

  private static boolean hasBody(HttpServletRequest req) {
    return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
  }

  private static void release(HttpServletRequest req) {
    Object charge = req.getAttribute(JsonBodies.CHARGE);
    if (charge instanceof BodyBudget.Charge c) {
      c.close();
    }
  }

  private static CairnException tooLarge(long declared, long max) {
    return JsonBodies.tooLarge("is " + declared + " bytes", max);
  }

  /** Answers with MLflow's error JSON before the request ever reached a handler. */
  private static void refuse(HttpServletRequest req, HttpServletResponse res, CairnException e)
      throws IOException {
    refuse(req, res, e.code().httpStatus(), e.code(), e.getMessage());
  }

  private static void refuse(
      HttpServletRequest req, HttpServletResponse res, int status, ErrorCode code, String message)
      throws IOException {
    release(req);
    res.setStatus(status);
    res.setContentType("application/json");
    if (status == 503) {
      res.setHeader("Retry-After", "2");
    }
    byte[] bytes = ErrorHandling.json(code, message).getBytes(StandardCharsets.UTF_8);
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  /** Reads one body as it arrives, on whichever thread has data for it. */
  private final class Reader implements ReadListener {
    private final HttpServletRequest req;
    private final AsyncContext async;
    private final ServletInputStream in;
    private final BodyLimits limits;
    private final TokenCounter counter;
    private final List<byte[]> chunks = new ArrayList<>();
    private final byte[] buffer = new byte[CHUNK];
    private long seen;
    private CairnException refusal;

    Reader(
        HttpServletRequest req,
        AsyncContext async,
        ServletInputStream in,
        BodyLimits limits,
        TokenCounter counter) {
      this.req = req;
      this.async = async;
      this.in = in;
      this.limits = limits;
      this.counter = counter;
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (in.isReady()) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        seen += n;
        if (refusal != null) {
          if (seen > limits.maxBytes() + DRAIN_BYTES) {
            async.complete();
            return;
          }
          continue;
        }
        try {
          if (seen > limits.maxBytes()) {
            throw JsonBodies.tooLarge("is over the limit", limits.maxBytes());
          }
          JsonBodies.charge(req, budget).addNow(n);
          counter.feed(buffer, n);
          chunks.add(Arrays.copyOf(buffer, n));
        } catch (CairnException e) {
          refuse(e);
        }
      }
    }

    @Override
    public void onAllDataRead() throws IOException {
      if (refusal == null) {
        try {
          counter.end();
          JsonBodies.charge(req, budget).addNow(counter.tokens() * JsonBodies.TOKEN_BYTES);
        } catch (CairnException e) {
          refuse(e);
        }
      }
      if (refusal != null) {
        // answered when it was refused; the body is now read to its end
        async.complete();
        return;
      }
      byte[] body = new byte[(int) seen];
      int at = 0;
      for (byte[] chunk : chunks) {
        System.arraycopy(chunk, 0, body, at, chunk.length);
        at += chunk.length;
      }
      chunks.clear();
      req.setAttribute(BODY, body);
      async.dispatch();
    }

    @Override
    public void onError(Throwable t) {
      chunks.clear();
      try {
        if (ErrorHandling.timedOut(t)) {
          BodyPrefetch.refuse(
              req,
              (HttpServletResponse) async.getResponse(),
              408,
              ErrorCode.BAD_REQUEST,
              "The request body stopped arriving before it was complete; the connection timed"
                  + " out");
        }
      } catch (IOException | RuntimeException e) {
        // the connection is gone: nothing is left to tell the client
      } finally {
        release(req);
        try {
          async.complete();
        } catch (RuntimeException e) {
          // already completed by the container
        }
      }
    }

    /**
     * Answers at once, before the body is over: the client gets its answer while it is still
     * sending, as hostile and impatient clients will. The rest of the body is then read and dropped
     * (up to {@link #DRAIN_BYTES}) before the connection closes: closing with unread data makes the
     * client's kernel reset the connection, and the client loses the answer.
     */
    void refuse(CairnException e) throws IOException {
      chunks.clear();
      if (refusal != null) {
        return;
      }
      refusal = e;
      HttpServletResponse res = (HttpServletResponse) async.getResponse();
      res.setHeader("Connection", "close");
      BodyPrefetch.refuse(req, res, e);
      res.flushBuffer();
    }
  }
}
