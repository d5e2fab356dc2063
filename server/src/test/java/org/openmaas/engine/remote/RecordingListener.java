package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCall;

/** Hears one attempt: its tokens and its one ending, which a test awaits; a second ending fails the test. */
final class RecordingListener implements UpstreamListener {

    /** How an attempt ended: {@code failure} is null for a normal ending. */
    record Ending(FinishReason reason, int promptTokens, int generatedTokens, UpstreamFailure failure) {
    }

    private final List<GenerationEvent.TokenGenerated> tokens = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Ending> ending = new CompletableFuture<>();
    private final List<ToolCall> toolCalls = new CopyOnWriteArrayList<>();

    @Override
    public void token(GenerationEvent.TokenGenerated token) {
        assertThat(ending).as("a token after the ending").isNotDone();
        tokens.add(token);
    }

    @Override
    public void finished(FinishReason reason, int promptTokens, int generatedTokens, List<ToolCall> toolCalls) {
        this.toolCalls.addAll(toolCalls);
        end(new Ending(reason, promptTokens, generatedTokens, null));
    }

    @Override
    public void failed(UpstreamFailure failure) {
        end(new Ending(null, 0, 0, failure));
    }

    private void end(Ending end) {
        if (!ending.complete(end)) {
            throw new AssertionError("a second ending: " + end + " after " + ending.join());
        }
    }

    /** The ending, within 60 seconds. */
    /** The calls the upstream read in the reply, once it ended. */
    List<ToolCall> toolCalls() throws Exception {
        ending();
        return List.copyOf(toolCalls);
    }

    Ending ending() throws Exception {
        return ending.get(60, TimeUnit.SECONDS);
    }

    /** The normal ending's reason; fails the test with the failure when the attempt failed. */
    FinishReason finishReason() throws Exception {
        Ending end = ending();
        assertThat(end.failure()).as("the attempt's failure").isNull();
        return end.reason();
    }

    /** The failure; fails the test when the attempt ended normally. */
    UpstreamFailure failure() throws Exception {
        Ending end = ending();
        assertThat(end.failure()).as("the attempt's failure").isNotNull();
        return end.failure();
    }

    boolean ended() {
        return ending.isDone();
    }

    List<GenerationEvent.TokenGenerated> events() {
        return List.copyOf(tokens);
    }

    List<Token> tokens() {
        return tokens.stream().map(GenerationEvent.TokenGenerated::token).toList();
    }

    List<Integer> ids() {
        return tokens().stream().map(Token::id).toList();
    }

    /** The concatenation of the non-special tokens' text. */
    String text() {
        StringBuilder text = new StringBuilder();
        tokens().stream().filter(t -> !t.special()).forEach(t -> text.append(t.text()));
        return text.toString();
    }
}
