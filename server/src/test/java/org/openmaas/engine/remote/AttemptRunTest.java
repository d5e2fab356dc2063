package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;

/**
 * When an attempt's request counts as sent: {@link AttemptRun#awaitSent} waits for the protocol to say so, for the
 * attempt's end, or for its bound, whichever comes first. Each exchange here is scripted with latches, so each test
 * holds whatever the machine's speed. A wait that did not end when it should runs into the test's timeout, a minute
 * short of {@link #LONG}.
 */
@Timeout(60)
class AttemptRunTest {

    private static final Duration LONG = Duration.ofMinutes(2);

    private final CountDownLatch release = new CountDownLatch(1);
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void releaseTheExchange() {
        release.countDown();
    }

    private AttemptRun start(AttemptRun.Exchange exchange) {
        GenerationRequest request = new GenerationRequest("req", "acct", new Prompt.Text("Once"), 4, Sampling.greedy(),
                List.of(), 0, false);
        return AttemptRun.start("test", new AttemptRequest(request, List.of()), listener, exchange);
    }

    @Test
    void theWaitEndsWhenTheProtocolSaysItsRequestIsSentThoughTheStreamGoesOn() throws Exception {
        AttemptRun run = start(attempt -> {
            attempt.sent();
            release.await();
            attempt.finished(FinishReason.LENGTH, 1, 0);
        });

        run.awaitSent(LONG);

        assertThat(listener.ended()).isFalse();
        release.countDown();
        assertThat(listener.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void anAttemptThatFailsBeforeItSendsEndsTheWait() throws Exception {
        AttemptRun run = start(attempt -> {
            throw new UpstreamException(new UpstreamFailure.Unreachable("connection refused"));
        });

        run.awaitSent(LONG);

        assertThat(listener.failure()).isInstanceOf(UpstreamFailure.Unreachable.class);
    }

    @Test
    void aRequestNotSentWithinTheBoundLetsTheCallerGoOn() {
        AttemptRun run = start(attempt -> {
            release.await(); // a connection that does not come
            attempt.sent();
        });

        run.awaitSent(Duration.ofMillis(20));

        assertThat(listener.ended()).isFalse();
        run.cancel();
    }

    @Test
    void aCancelledAttemptEndsTheWait() {
        AttemptRun run = start(attempt -> release.await());

        run.cancel();
        run.awaitSent(LONG);

        assertThat(listener.ended()).isFalse(); // a cancelled attempt tells its listener nothing
    }
}
