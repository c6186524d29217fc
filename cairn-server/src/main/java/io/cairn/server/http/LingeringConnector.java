package io.cairn.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's connector with a lingering close (RFC 9112, section 9.6). When Jetty refuses a request
 * while the client is still sending its body (a malformed URL is refused as the request line is
 * parsed, before any body can be read), it sends the answer and closes the socket at once; the body
 * bytes that then arrive make the kernel reset the connection, and a client that is still writing
 * (java.net.http, for one) loses the answer it had already received. Here a connection whose output
 * was shut while input is still coming is read and dropped until the client closes, for at most
 * {@link #LINGER_MILLIS} or {@link #LINGER_BYTES}, on one small scheduler thread, and only then
 * closed.
 */
final class LingeringConnector extends ServerConnector {
  static final long LINGER_MILLIS = 2_000;
  static final long LINGER_BYTES = 16L << 20;
  private static final ScheduledExecutorService LINGER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cairn-lingering-close");
            t.setDaemon(true);
            return t;
          });

  LingeringConnector(Server server, ConnectionFactory... factories) {
    super(server, factories);
  }

  @Override
  protected SocketChannelEndPoint newEndPoint(
      SocketChannel channel, ManagedSelector selector, SelectionKey key) {
    SocketChannelEndPoint endPoint = new Lingering(channel, selector, key, getScheduler());
    endPoint.setIdleTimeout(getIdleTimeout());
    return endPoint;
  }

  private static final class Lingering extends SocketChannelEndPoint {
    private final SocketChannel channel;
    private volatile boolean outputShut;
    private volatile boolean inputEnded;

    Lingering(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler s) {
      super(channel, selector, key, s);
      this.channel = channel;
    }

    @Override
    protected void doShutdownOutput() {
      outputShut = true;
      super.doShutdownOutput();
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
      int n = super.fill(buffer);
      if (n < 0) {
        inputEnded = true;
      }
      return n;
    }

    @Override
    public void doClose() {
      if (!outputShut || inputEnded || !channel.isOpen()) {
        super.doClose();
        return;
      }
      LINGER.execute(new Drain(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS)));
    }

    private void closeNow() {
      super.doClose();
    }

    /** Reads and drops what the client still sends, then closes. */
    private final class Drain implements Runnable {
      private final long deadline;
      private final ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);
      private long dropped;

      Drain(long deadline) {
        this.deadline = deadline;
      }

      @Override
      public void run() {
        try {
          while (true) {
            scratch.clear();
            int n = channel.read(scratch);
            if (n < 0) {
              closeNow();
              return;
            }
            if (n == 0) {
              if (System.nanoTime() > deadline || dropped > LINGER_BYTES) {
                closeNow();
              } else {
                LINGER.schedule(this, 5, TimeUnit.MILLISECONDS);
              }
              return;
            }
            dropped += n;
          }
        } catch (IOException | RuntimeException e) {
          closeNow();
        }
      }
    }
  }
}
