package org.openmaas.engine.remote;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.StopSequences;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCall;

/**
 * One attempt in flight, whatever the protocol: runs the protocol's exchange as plain blocking code on a virtual thread
 * of its own and keeps the {@link UpstreamListener} contract for it (tokens in order, then exactly one ending, nothing
 * once {@link #cancel()} has returned). It also applies the two limits every protocol shares, so they hold alike on
 * every upstream: the request's stop sequences under TGI's rule ({@link StopSequences.Rule#ENDS_TEXT}, over the text
 * the earlier attempts generated too) and the number of tokens left.
 *
 * <p>Stop sequences are matched here rather than by the upstream because llama-server, vLLM and OpenAI servers cut
 * the text at a stop sequence and withhold the tokens that carry it, where the MaaS stream keeps them.
 */
final class AttemptRun implements Upstream.Attempt {

    /** A protocol's side of one attempt: its calls and its stream, read until it reports an ending. */
    @FunctionalInterface
    interface Exchange {
        void run(AttemptRun run) throws UpstreamException, IOException, InterruptedException;
    }

    // One daemon thread looks at every open stream a few times per idle wait: a comparison each.
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("upstream-idle-watchdog").factory());

    private final AttemptRequest request;
    private final UpstreamListener listener;
    private final StopSequences stopSequences;
    private final Object lock = new Object(); // orders listener calls against cancel()
    private final CountDownLatch sent = new CountDownLatch(1); // the request is on its way, or the attempt ended
    private final StringBuilder text = new StringBuilder(); // the generated text, the earlier attempts' included
    private Thread thread;
    private int generated;   // tokens this attempt generated: streamed, or withheld by the upstream
    private boolean ended;   // an ending was reported or the attempt was cancelled: the listener hears nothing more
    private InputStream body; // the open stream, closed by cancel() so the upstream stops generating
    private ScheduledFuture<?> watch; // fails the attempt over when the open stream stalls; cancelled with the body

    private AttemptRun(AttemptRequest request, UpstreamListener listener) {
        this.request = Objects.requireNonNull(request, "request");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.stopSequences = new StopSequences(request.request().stopSequences(), StopSequences.Rule.ENDS_TEXT);
        for (Token token : request.generated()) {
            if (!token.special()) {
                text.append(token.text());
            }
        }
    }

    /** Starts {@code exchange} on its own virtual thread, named after the protocol and the request. */
    static AttemptRun start(String protocol, AttemptRequest request, UpstreamListener listener, Exchange exchange) {
        AttemptRun run = new AttemptRun(request, listener);
        run.thread = Thread.ofVirtual().name(protocol + "-" + request.request().requestId())
                .unstarted(() -> run.execute(exchange));
        run.thread.start();
        return run;
    }

    private void execute(Exchange exchange) {
        try {
            exchange.run(this);
            fail(new UpstreamFailure.Broken("the upstream's stream ended before it said how the generation ended"));
        } catch (UpstreamException e) {
            fail(e.failure());
        } catch (IOException e) {
            // Calls that got no answer at all are UpstreamExceptions already: this is a stream that broke.
            fail(new UpstreamFailure.Broken("the upstream's stream broke after " + generated + " tokens: "
                    + e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            // only cancel() interrupts: the listener hears nothing more
        } catch (RuntimeException e) {
            fail(new UpstreamFailure.Broken("the upstream's stream could not be read: " + e.getMessage()));
        } finally {
            sent.countDown();
            closeBody();
        }
    }

    AttemptRequest request() {
        return request;
    }

    /** The protocol's request has been written to the upstream: {@link #awaitSent} waits no longer. */
    void sent() {
        sent.countDown();
    }

    @Override
    public void awaitSent(Duration atMost) {
        try {
            sent.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tokens this attempt has generated so far. */
    int generated() {
        return generated;
    }

    /** Whether the next token is the last one the request allows, so a protocol can end its text there. */
    boolean nextIsLast() {
        return generated + 1 >= request.remainingTokens();
    }

    /**
     * Keeps the open stream for {@link #cancel()} to close, and watches it: once it has been silent past its wait
     * ({@link WatchedBody#stall(int)}), the attempt fails as broken (so the pool continues elsewhere) and its reader
     * stops. Closes it at once when the attempt was cancelled.
     */
    InputStream opened(WatchedBody stream) {
        synchronized (lock) {
            body = stream;
            if (!ended) {
                long period = Math.max(1, stream.watchPeriod().toMillis());
                watch = WATCHDOG.scheduleAtFixedRate(() -> stream.stall(generated).ifPresent(stall -> {
                    fail(new UpstreamFailure.Broken(stall));
                    thread.interrupt(); // its read may block past the close
                }), period, period, TimeUnit.MILLISECONDS);
                return stream;
            }
        }
        closeBody();
        return InputStream.nullInputStream();
    }

    /**
     * Hands the listener one token and says how the generation ends with it by the checks made here: a stop sequence
     * ended the text, or the token was the last allowed. Empty while it goes on. The ending is not reported: the
     * protocol reports it, with the upstream's counts, since it may still learn that the token was an EOS.
     */
    Optional<FinishReason> token(Token token, List<Token> topTokens) {
        synchronized (lock) {
            if (ended) {
                return Optional.empty();
            }
            generated++;
            listener.token(new GenerationEvent.TokenGenerated(token, topTokens));
            if (!token.special() && !token.text().isEmpty()) {
                text.append(token.text());
                if (stopSequences.find(text) >= 0) {
                    return Optional.of(FinishReason.STOP_SEQUENCE);
                }
            }
            return generated >= request.remainingTokens() ? Optional.of(FinishReason.LENGTH) : Optional.empty();
        }
    }

    /**
     * Counts tokens the upstream generated but did not stream on their own (llama-server holds back a token that ends
     * inside a UTF-8 character and streams only the next one, with both tokens' bytes): they count against the budget
     * and in the upstream's own count, though no event carries their ids.
     */
    void withheld(int tokens) {
        synchronized (lock) {
            generated += tokens;
        }
    }

    /** Reports the normal ending; closes the stream (the upstream may still be generating past a stop sequence). */
    void finished(FinishReason reason, int promptTokens, int generatedTokens) {
        finished(reason, promptTokens, generatedTokens, List.of());
    }

    /** Reports the normal ending of a reply that made {@code toolCalls}, read by the upstream. */
    void finished(FinishReason reason, int promptTokens, int generatedTokens, List<ToolCall> toolCalls) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            listener.finished(reason, promptTokens, generatedTokens, toolCalls);
        }
        closeBody();
    }

    /** Reports a failure, unless the attempt already ended or was cancelled. */
    void fail(UpstreamFailure failure) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            listener.failed(failure);
        }
        closeBody();
    }

    @Override
    public void cancel() {
        synchronized (lock) {
            ended = true;
        }
        sent.countDown();
        closeBody();
        thread.interrupt(); // a call still waiting for its answer aborts
    }

    private void closeBody() {
        InputStream stream;
        synchronized (lock) {
            stream = body;
            body = null;
            if (watch != null) {
                watch.cancel(false);
                watch = null;
            }
        }
        if (stream != null) {
            try {
                stream.close(); // before the body's end: the client drops the connection, so the upstream stops
            } catch (IOException e) {
                // already closed by the upstream: nothing left to stop
            }
        }
    }
}
