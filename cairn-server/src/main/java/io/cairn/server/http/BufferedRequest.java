package io.cairn.server.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;

/** A request whose body was read ahead ({@link BodyPrefetch}): its input is those bytes. */
final class BufferedRequest extends HttpServletRequestWrapper {
  private final byte[] body;
  private final ServletInputStream in;

  BufferedRequest(HttpServletRequest req, byte[] body) {
    super(req);
    this.body = body;
    ByteArrayInputStream bytes = new ByteArrayInputStream(body);
    this.in =
        new ServletInputStream() {
          @Override
          public int read() {
            return bytes.read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, len);
          }

          @Override
          public boolean isFinished() {
            return bytes.available() == 0;
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("the body was already read");
          }
        };
  }

  @Override
  public ServletInputStream getInputStream() {
    return in;
  }

  @Override
  public int getContentLength() {
    return body.length;
  }

  @Override
  public long getContentLengthLong() {
    return body.length;
  }
}
