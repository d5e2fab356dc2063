package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.ToolChoice;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * Any OpenAI-compatible server, on {@code POST /v1/completions} for a prompt and {@code POST /v1/chat/completions}
 * for a conversation (the endpoint is the server's root: {@code /v1/...} is added), streamed with
 * {@code stream_options.include_usage}, and with logprobs when the request wants them (a server may pay for them: a
 * llama-server sorts its whole vocabulary for every token it reports them for).
 *
 * <p>The OpenAI API names tokens by their text, never by id: every token the MaaS stream carries from this upstream
 * has the id {@value #NO_ID}, which no vocabulary uses, and top tokens likewise. A token's logprob and alternatives
 * are the server's; a server that sends none gets one token per streamed chunk with logprob 0 (NaN when none were
 * asked for). No token is marked special: the API streams no EOS token, only the finish reason ({@code stop} is taken
 * as an EOS, since stop sequences are matched here by {@link AttemptRun}; {@code length} as the limit). Counts are
 * the final usage's, or the tokens streamed and 0 for the prompt from a server that sends none. A continuation resends
 * the prompt followed by the text already generated (for a conversation: as the start of the assistant's answer, which
 * a server may take as a finished turn). The API has no {@code top_k}, {@code typical_p} or
 * {@code repetition_penalty}: they are refused.
 *
 * <p><b>Tools</b> are the server's own: a conversation's tools, {@code tool_choice} and {@code parallel_tool_calls} go
 * with it, and the calls the server streams ({@code delta.tool_calls}, an id and name then argument fragments) are
 * joined and reported with the end (its {@code tool_calls} finish reason taken as an EOS). A call half received is lost
 * with its attempt, so a generation with tools is retried elsewhere only before its first token, never continued.
 */
public final class OpenAiUpstream implements Upstream {

    static final String PROTOCOL = "openai";

    /** The id of every token from an OpenAI-compatible server, which names tokens by text only. */
    public static final int NO_ID = -1;

    /** The most alternatives the OpenAI completions API returns per token. */
    private static final int MAX_LOGPROBS = 5;

    private final UpstreamHttp http;
    private final String upstreamModel;

    /**
     * @param timeouts      how long a stream may take to its first token and then go silent
     * @param upstreamModel the model name the server knows
     * @param apiKey        the server's API key, sent as a bearer token
     */
    public OpenAiUpstream(HttpClient client, UpstreamTimeouts timeouts, String upstreamModel, Optional<String> apiKey) {
        this.http = new UpstreamHttp(client, apiKey, timeouts);
        this.upstreamModel = Objects.requireNonNull(upstreamModel, "upstreamModel");
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        Sampling sampling = request.sampling();
        if (sampling.topK() > 0) {
            throw refused("top_k");
        }
        if (sampling.typicalP() < 1f) {
            throw refused("typical_p");
        }
        if (sampling.repetitionPenalty() != 1f) {
            throw refused("repetition_penalty");
        }
        OutputConstraint constraint = request.constraint();
        if (!(constraint instanceof OutputConstraint.None)
                && !(constraint instanceof OutputConstraint.JsonSchema && request.prompt() instanceof Prompt.Chat)) {
            throw UpstreamConstraints.refused(constraint, "an OpenAI-compatible server",
                    "takes a JSON Schema only as response_format, on chat completions (messages)");
        }
    }

    private static UnsupportedParameterException refused(String parameter) {
        return new UnsupportedParameterException(parameter, parameter + " is not supported by this product's engine"
                + " (an OpenAI-compatible server, whose API has none): leave it out, or use temperature, top_p,"
                + " frequency_penalty, presence_penalty or seed");
    }

    /**
     * Natively: the conversation's tools, {@code tool_choice} and {@code parallel_tool_calls} go to the server's
     * {@code /v1/chat/completions}, which reads the reply's calls itself; its {@code delta.tool_calls} are joined per
     * call and reported with the end.
     */
    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        return new ToolCalling.Native();
    }

    @Override
    public boolean continuesFromTokenIds() {
        return false;
    }

    /** {@code GET /v1/models}: the route every OpenAI-compatible server has. */
    @Override
    public void probe(URI endpoint) throws UpstreamException {
        http.probe(endpoint, "/v1/models");
    }

    @Override
    public Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
        return AttemptRun.start(PROTOCOL, request, listener, run -> generate(endpoint, run));
    }

    private void generate(URI endpoint, AttemptRun run) throws UpstreamException, IOException, InterruptedException {
        AttemptRequest attempt = run.request();
        boolean chat = attempt.request().prompt() instanceof Prompt.Chat;
        EventStream events = new EventStream(run.opened(http.open(endpoint,
                chat ? "/v1/chat/completions" : "/v1/completions", body(attempt), run::sent)), EventStream.Framing.SSE);
        int topN = attempt.request().topNTokens();
        // A server asked for logprobs that sends none gives 0; one not asked, nothing: NaN.
        float noLogprob = attempt.request().logprobs() ? 0f : Float.NaN;
        FinishReason reason = null;
        CallParts calls = new CallParts();
        JsonNode event;
        while ((event = events.next()) != null) {
            CompletionChunk chunk = CompletionChunk.of(event);
            if (chunk.usage().isPresent() && reason != null) {
                run.finished(reason, chunk.usage().get().promptTokens(), chunk.usage().get().completionTokens(),
                        calls.whole());
                return;
            }
            calls.add(chunk.toolCalls());
            for (GenerationEvent.TokenGenerated step : tokens(chunk, topN, noLogprob)) {
                Optional<FinishReason> end = run.token(step.token(), step.topTokens());
                if (end.isPresent() && end.get() == FinishReason.STOP_SEQUENCE) {
                    run.finished(FinishReason.STOP_SEQUENCE, 0, run.generated());
                    return;
                }
            }
            if (chunk.finishReason().isPresent()) {
                // "tool_calls", like "stop", is the model's own end.
                reason = chunk.finishReason().get().equals("length") ? FinishReason.LENGTH : FinishReason.EOS_TOKEN;
            }
        }
        if (reason != null) { // a server that sent no usage
            run.finished(reason, 0, run.generated(), calls.whole());
        }
    }

    /** The calls of one reply as their pieces stream in, joined by index. */
    private static final class CallParts {
        private final SortedMap<Integer, CompletionChunk.CallDelta> joined = new TreeMap<>();

        void add(List<CompletionChunk.CallDelta> deltas) {
            for (CompletionChunk.CallDelta delta : deltas) {
                joined.merge(delta.index(), delta, (a, b) -> new CompletionChunk.CallDelta(a.index(),
                        a.id().or(b::id), a.name().or(b::name), a.arguments() + b.arguments()));
            }
        }

        /** Every call, in index order; a call the server never named or gave an id is a broken stream. */
        List<ToolCall> whole() throws UpstreamException {
            List<ToolCall> calls = new ArrayList<>(joined.size());
            for (CompletionChunk.CallDelta call : joined.values()) {
                if (call.id().isEmpty() || call.name().isEmpty()) {
                    throw new UpstreamException(new UpstreamFailure.Broken("the upstream streamed tool call "
                            + call.index() + " without its " + (call.id().isEmpty() ? "id" : "function's name")));
                }
                calls.add(new ToolCall(call.id().get(), call.name().get(),
                        call.arguments().isEmpty() ? "{}" : call.arguments()));
            }
            return calls;
        }
    }

    /**
     * The chunk's tokens: one per logprob entry (the chunk's text on its last, its alternatives named by their text),
     * or the chunk's text as one token, with {@code noLogprob}, when the server sent no logprobs.
     */
    private static List<GenerationEvent.TokenGenerated> tokens(CompletionChunk chunk, int topN, float noLogprob) {
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        if (chunk.steps().isEmpty()) {
            if (!chunk.text().isEmpty()) {
                tokens.add(new GenerationEvent.TokenGenerated(new Token(NO_ID, chunk.text(), noLogprob, false),
                        List.of()));
            }
            return tokens;
        }
        for (int i = 0; i < chunk.steps().size(); i++) {
            CompletionChunk.Step step = chunk.steps().get(i);
            String text = i == chunk.steps().size() - 1 ? chunk.text() : "";
            List<Token> top = step.top().stream().limit(topN)
                    .map(alternative -> new Token(NO_ID, alternative.token(), alternative.logprob(), false)).toList();
            tokens.add(new GenerationEvent.TokenGenerated(new Token(NO_ID, text, step.logprob(), false), top));
        }
        return tokens;
    }

    private ObjectNode body(AttemptRequest attempt) {
        GenerationRequest request = attempt.request();
        Sampling sampling = request.sampling();
        StringBuilder generated = new StringBuilder();
        for (Token token : attempt.generated()) {
            if (!token.special()) {
                generated.append(token.text());
            }
        }
        ObjectNode body = UpstreamHttp.object().put("model", upstreamModel);
        switch (request.prompt()) {
            case Prompt.Chat chat -> {
                ArrayNode messages = ChatJson.put(body, chat);
                if (!chat.tools().isEmpty()) {
                    switch (chat.toolChoice()) {
                        case ToolChoice.Auto auto -> body.put("tool_choice", "auto");
                        case ToolChoice.None none -> body.put("tool_choice", "none");
                        case ToolChoice.Required required -> body.put("tool_choice", "required");
                        case ToolChoice.Named(String name) -> body.putObject("tool_choice").put("type", "function")
                                .putObject("function").put("name", name);
                    }
                    body.put("parallel_tool_calls", chat.parallelToolCalls());
                }
                if (!generated.isEmpty()) {
                    messages.addObject().put("role", "assistant").put("content", generated.toString());
                }
                if (request.logprobs()) {
                    body.put("logprobs", true);
                    body.put("top_logprobs", Math.min(request.topNTokens(), MAX_LOGPROBS));
                }
            }
            case Prompt.Text text -> {
                body.put("prompt", text.text() + generated);
                if (request.logprobs()) {
                    body.put("logprobs", Math.min(request.topNTokens(), MAX_LOGPROBS));
                }
            }
            case Prompt.Tokens tokens -> throw new IllegalStateException("an OpenAI-compatible server takes text, not "
                    + tokens.ids().length + " token ids");
        }
        body.put("max_tokens", attempt.remainingTokens());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("temperature", sampling.sample() ? sampling.temperature() : 0f); // 0: greedy
        if (sampling.sample() && sampling.topP() < 1f) {
            body.put("top_p", sampling.topP());
        }
        if (sampling.frequencyPenalty() != 0f) {
            body.put("frequency_penalty", sampling.frequencyPenalty());
        }
        if (sampling.presencePenalty() != 0f) {
            body.put("presence_penalty", sampling.presencePenalty());
        }
        if (sampling.sample()) {
            body.put("seed", sampling.seed());
        }
        UpstreamHttp.putLogitBias(body, sampling);
        if (request.constraint() instanceof OutputConstraint.JsonSchema schema) { // on a chat: requireSupported
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "output").set("schema", UpstreamConstraints.schema(schema));
        }
        return body;
    }
}
