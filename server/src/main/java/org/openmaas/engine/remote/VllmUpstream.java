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
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * vLLM's OpenAI-compatible server, on the routes that give token ids.
 *
 * <p>An attempt tokenizes the prompt with vLLM's own tokenizer ({@code POST /tokenize}: text with the model's special
 * tokens added, a conversation rendered by the model's chat template with the assistant's opening) and sends the ids,
 * plus the ids already generated on a continuation, as the prompt of {@code POST /v1/completions} with
 * {@code stream}, {@code logprobs} (the request's top tokens), {@code return_tokens_as_token_ids},
 * {@code max_tokens}, the sampling parameters (vLLM's {@code top_k} and {@code repetition_penalty} among them) and
 * {@code stream_options.include_usage}, whose last event gives the counts.
 *
 * <p>Each streamed token is named {@code token_id:<id>} with its logprob and its alternatives'; the text of an event
 * goes with its last token (vLLM holds text back until a character is complete, so a token that ends inside one
 * carries ""). <b>Special</b>: vLLM streams no token's kind; the EOS that ends a generation (finish reason
 * {@code stop} with no {@code stop_reason}) is marked special, with text "" (vLLM skips special tokens' text); other
 * control tokens come as ordinary tokens with their text, usually "". Stop sequences are matched by
 * {@link AttemptRun}. vLLM has no typical sampling: {@code typical_p} is refused.
 *
 * <p><b>Tools</b>: {@code /tokenize} renders a conversation's tools, tool calls and tool results with the model's
 * template, and the reply's calls are read by the API in the family the catalog names ({@code engine.tool_call_format}:
 * vLLM shows no template over HTTP to tell it by); a forced call's grammar goes as {@code structured_outputs.grammar}.
 */
public final class VllmUpstream implements Upstream {

    static final String PROTOCOL = "vllm";

    private final UpstreamHttp http;
    private final String upstreamModel;
    private final Optional<String> toolCallFormat;

    /**
     * @param timeouts       how long a stream may take to its first token and then go silent
     * @param upstreamModel  the model name vLLM serves (its {@code --served-model-name})
     * @param apiKey         vLLM's {@code --api-key}, when it has one
     * @param toolCallFormat the family whose markup the model writes calls in, as the catalog names it; empty when the
     *                       operator named none, and then tools are refused
     */
    public VllmUpstream(HttpClient client, UpstreamTimeouts timeouts, String upstreamModel, Optional<String> apiKey,
                        Optional<String> toolCallFormat) {
        this.http = new UpstreamHttp(client, apiKey, timeouts);
        this.upstreamModel = Objects.requireNonNull(upstreamModel, "upstreamModel");
        this.toolCallFormat = Objects.requireNonNull(toolCallFormat, "toolCallFormat");
    }

    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        return toolCallFormat.<ToolCalling>map(ToolCalling.Family::new).orElseGet(() -> new ToolCalling.Refused(
                "is served by vLLM, which shows no chat template to tell how its model writes tool calls: the"
                        + " operator can name the family with engine.tool_call_format in its catalog entry, as vLLM's"
                        + " --tool-call-parser names it", true));
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        if (request.sampling().typicalP() < 1f) {
            throw new UnsupportedParameterException("typical_p", "typical_p is not supported by this product's engine"
                    + " (vLLM has no typical sampling): leave it out, or use temperature, top_k, top_p,"
                    + " repetition_penalty, frequency_penalty or seed");
        }
    }

    @Override
    public boolean continuesFromTokenIds() {
        return true;
    }

    /** {@code GET /health}: 200 once the engine serves. */
    @Override
    public void probe(URI endpoint) throws UpstreamException {
        http.probe(endpoint, "/health");
    }

    @Override
    public Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
        return AttemptRun.start(PROTOCOL, request, listener, run -> generate(endpoint, run));
    }

    private void generate(URI endpoint, AttemptRun run) throws UpstreamException, IOException, InterruptedException {
        AttemptRequest attempt = run.request();
        ArrayNode prompt = tokenize(endpoint, attempt.request().prompt());
        for (Token token : attempt.generated()) {
            prompt.add(token.id());
        }
        EventStream events = new EventStream(
                run.opened(http.open(endpoint, "/v1/completions", completionBody(attempt, prompt), run::sent)),
                EventStream.Framing.SSE);
        int topN = attempt.request().topNTokens();
        FinishReason reason = null; // the finish reason, once the event of the last token told it
        JsonNode event;
        while ((event = events.next()) != null) {
            CompletionChunk chunk = CompletionChunk.of(event);
            if (chunk.usage().isPresent() && reason != null) {
                run.finished(reason, chunk.usage().get().promptTokens(), chunk.usage().get().completionTokens());
                return;
            }
            if (chunk.steps().isEmpty() && !chunk.text().isEmpty()) {
                throw new UpstreamException(new UpstreamFailure.Broken("vLLM streamed text without its tokens"));
            }
            boolean eos = chunk.finishReason().filter("stop"::equals).isPresent() && chunk.stopReason().isEmpty();
            for (int i = 0; i < chunk.steps().size(); i++) {
                CompletionChunk.Step step = chunk.steps().get(i);
                boolean last = i == chunk.steps().size() - 1;
                boolean special = last && eos;
                Token token = new Token(id(step.token()), last && !special ? chunk.text() : "", step.logprob(), special);
                List<Token> top = new ArrayList<>(topN);
                for (CompletionChunk.Alternative alternative : step.top()) {
                    if (top.size() == topN) {
                        break;
                    }
                    top.add(new Token(id(alternative.token()), "", alternative.logprob(), false));
                }
                Optional<FinishReason> end = run.token(token, top);
                if (end.isPresent() && end.get() == FinishReason.STOP_SEQUENCE) {
                    run.finished(FinishReason.STOP_SEQUENCE, prompt.size(), run.generated());
                    return;
                }
            }
            if (chunk.finishReason().isPresent()) {
                reason = eos ? FinishReason.EOS_TOKEN : chunk.finishReason().get().equals("length")
                        ? FinishReason.LENGTH : FinishReason.EOS_TOKEN; // "stop" by a stop token id of the model's
            }
        }
        if (reason != null) { // a server that sent no usage: the counts are the prompt's and the tokens streamed
            run.finished(reason, prompt.size(), run.generated());
        }
    }

    private ObjectNode completionBody(AttemptRequest attempt, ArrayNode prompt) {
        GenerationRequest request = attempt.request();
        Sampling sampling = request.sampling();
        ObjectNode body = UpstreamHttp.object();
        body.put("model", upstreamModel);
        body.set("prompt", prompt);
        body.put("max_tokens", attempt.remainingTokens());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("logprobs", request.topNTokens());
        body.put("return_tokens_as_token_ids", true);
        body.put("temperature", sampling.sample() ? sampling.temperature() : 0f); // 0: greedy
        body.put("top_k", sampling.sample() && sampling.topK() > 0 ? sampling.topK() : -1); // -1: all (every release)
        body.put("top_p", sampling.sample() ? sampling.topP() : 1f);
        body.put("min_p", 0f);
        body.put("repetition_penalty", sampling.repetitionPenalty());
        body.put("frequency_penalty", sampling.frequencyPenalty());
        body.put("presence_penalty", sampling.presencePenalty());
        body.put("seed", sampling.seed()); // vLLM takes any signed 64-bit seed: the same bits replay the same draw
        UpstreamHttp.putLogitBias(body, sampling);
        // vLLM 0.12 and later (the guided_* fields before it are gone); its grammar dialect reads GBNF.
        switch (request.constraint()) {
            case OutputConstraint.JsonSchema schema ->
                    body.putObject("structured_outputs").set("json", UpstreamConstraints.schema(schema));
            case OutputConstraint.Regex regex -> body.putObject("structured_outputs").put("regex", regex.pattern());
            case OutputConstraint.Gbnf gbnf -> body.putObject("structured_outputs").put("grammar", gbnf.grammar());
            case OutputConstraint.None none -> { }
        }
        return body;
    }

    /** The prompt's ids from vLLM's tokenizer (the model's special tokens added, a conversation templated). */
    private ArrayNode tokenize(URI endpoint, Prompt prompt) throws UpstreamException, InterruptedException {
        ArrayNode ids = UpstreamHttp.JSON.createArrayNode();
        ObjectNode body = UpstreamHttp.object().put("model", upstreamModel);
        switch (prompt) {
            case Prompt.Tokens tokens -> {
                for (int id : tokens.ids()) {
                    ids.add(id);
                }
                return ids;
            }
            case Prompt.Text text -> body.put("prompt", text.text()).put("add_special_tokens", true);
            case Prompt.Chat chat -> {
                ChatJson.put(body, chat);
                body.put("add_generation_prompt", true);
            }
        }
        JsonNode tokens = http.call(http.post(endpoint, "/tokenize", body)).path("tokens");
        if (!tokens.isArray()) {
            throw new UpstreamException(new UpstreamFailure.Broken("vLLM's /tokenize answered without 'tokens'"));
        }
        for (JsonNode id : tokens) {
            ids.add(id.asInt());
        }
        return ids;
    }

    private static int id(String token) throws UpstreamException {
        return CompletionChunk.tokenId(token).orElseThrow(() -> new UpstreamException(new UpstreamFailure.Broken(
                "vLLM named a token without its id (a vLLM older than return_tokens_as_token_ids, 0.5.4)")));
    }
}
