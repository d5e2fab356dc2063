package org.openmaas.httpclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body read as an {@link InputStream}, with up to {@link #AHEAD} lists of buffers asked for ahead of the
 * reader, for streams of many small chunks.
 *
 * <p>The JDK's {@code BodyHandlers.ofInputStream()} asks for the next list of buffers only once the reader has taken
 * the last one. So every chunk the reader takes makes it wake the client's selector thread to read on (a system call
 * and a lock): ~10 % of a gateway's CPU relaying llama-server's one-token chunks under {@code bench gateway}. Asked
 * for ahead, the selector thread goes on reading as chunks arrive, and the reader asks again once every
 * {@code AHEAD / 2} lists. What is buffered stays bounded by what was asked for.
 */
public final class PrefetchingBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    static final int AHEAD = 16;
    private static final List<ByteBuffer> END = List.of();

    private final BlockingQueue<List<ByteBuffer>> received = new LinkedBlockingQueue<>();
    private final Object lock = new Object(); // orders the subscription against close()
    private Flow.Subscription subscription;
    private boolean closed;
    private volatile Throwable failure;
    // the reader's own
    private Iterator<ByteBuffer> list = List.<ByteBuffer>of().iterator();
    private ByteBuffer buffer = ByteBuffer.allocate(0);
    private boolean ended;
    private int takenSinceAsked;

    private PrefetchingBody() {
    }

    /** A handler whose bodies are read this way, whatever the status. */
    public static HttpResponse.BodyHandler<InputStream> handler() {
        return info -> new PrefetchingBody();
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (lock) {
            if (closed) {
                subscription.cancel();
                return;
            }
            this.subscription = subscription;
        }
        subscription.request(AHEAD);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        received.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        failure = throwable;
        received.add(END);
    }

    @Override
    public void onComplete() {
        received.add(END);
    }

    @Override
    public int read() throws IOException {
        return next() ? buffer.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(bytes, offset, n);
        return n;
    }

    @Override
    public int available() {
        return buffer.remaining();
    }

    /** Cancels the exchange (the connection is dropped unless the body had ended) and wakes a blocked reader. */
    @Override
    public void close() {
        Flow.Subscription cancelled;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            cancelled = subscription;
        }
        if (cancelled != null) {
            cancelled.cancel();
        }
        received.add(END);
    }

    /** Whether {@link #buffer} has bytes, waiting for the next list when it is used up; false at the body's end. */
    private boolean next() throws IOException {
        while (!buffer.hasRemaining()) {
            if (list.hasNext()) {
                buffer = list.next();
                continue;
            }
            if (ended) {
                return false;
            }
            List<ByteBuffer> item = take();
            if (item == END) {
                ended = true;
                if (closedByReader()) {
                    throw new IOException("the response body was closed");
                }
                if (failure != null) {
                    throw failure instanceof IOException e ? e : new IOException(failure);
                }
                return false;
            }
            list = item.iterator();
            if (++takenSinceAsked == AHEAD / 2) {
                takenSinceAsked = 0;
                subscription().request(AHEAD / 2);
            }
        }
        return true;
    }

    private List<ByteBuffer> take() throws IOException {
        try {
            return received.take();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the response body", e);
        }
    }

    private boolean closedByReader() {
        synchronized (lock) {
            return closed;
        }
    }

    private Flow.Subscription subscription() {
        synchronized (lock) {
            return subscription;
        }
    }
}
