package io.cairn.server.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a JSON answer is written: kept in memory up to {@link #BUFFER} bytes and then sent whole
 * (with a Content-Length), or, once it outgrows that, streamed as it is written so that a
 * 25,000-point history page reaches the client while the rest is still being serialized. If writing
 * fails before anything was sent, the error handler can still answer cleanly; after, ErrorHandling
 * aborts the connection, so a client never takes half a body for a whole one.
 */
final class AnswerStream extends OutputStream {
  static final int BUFFER = 256 * 1024;
  private final Context ctx;
  private ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
  private OutputStream out;

  AnswerStream(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (out == null && buffer.size() + len <= BUFFER) {
      buffer.write(b, off, len);
      return;
    }
    if (out == null) {
      out = ctx.outputStream();
      buffer.writeTo(out);
      buffer = null;
    }
    out.write(b, off, len);
  }

  @Override
  public void flush() {
    // Flushing is the close's job: an early flush would commit the response before it is whole.
  }

  /** Jackson closes its target even when it fails: only {@link #finish} sends anything. */
  @Override
  public void close() {}

  /** Sends what was written, or ends the stream. */
  void finish() throws IOException {
    if (out != null) {
      out.close();
    } else if (buffer != null) {
      ctx.result(buffer.toByteArray());
      buffer = null;
    }
  }

  /** Forgets a failed answer that was never sent. */
  void discard() {
    buffer = null;
  }
}
