package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationEvent.Finished;
import org.openmaas.engine.GenerationEvent.TokenGenerated;
import org.openmaas.engine.Token;

/** Drains generations in tests: every event up to the end, with a generous per-event timeout against hangs. */
final class Generations {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Everything one generation reported. */
    record Outcome(List<TokenGenerated> tokens, GenerationEvent end) {

        Finished finished() {
            assertThat(end).isInstanceOf(Finished.class);
            return (Finished) end;
        }

        List<Integer> ids() {
            return tokens.stream().map(t -> t.token().id()).toList();
        }

        /** The concatenated text of the non-special tokens, which must equal generated_text. */
        String streamedText() {
            return tokens.stream().map(TokenGenerated::token).filter(t -> !t.special()).map(Token::text)
                    .collect(Collectors.joining());
        }
    }

    private Generations() {
    }

    static Outcome drain(Generation generation) {
        List<TokenGenerated> tokens = new ArrayList<>();
        while (true) {
            GenerationEvent event = next(generation);
            switch (event) {
                case TokenGenerated token -> tokens.add(token);
                case Finished finished -> {
                    tokens.add(finished.lastToken().orElseThrow());
                    return new Outcome(tokens, finished);
                }
                case GenerationEvent.Failed failed -> {
                    return new Outcome(tokens, failed);
                }
            }
        }
    }

    static GenerationEvent next(Generation generation) {
        try {
            GenerationEvent event = generation.poll(PATIENCE);
            if (event == null) {
                fail("no event from " + generation.request().requestId() + " within " + PATIENCE);
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
