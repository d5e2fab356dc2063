package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.Utf8Accumulator;
import org.openmaas.grammar.RegexGrammar;

/**
 * llama.cpp's {@code llama-server}, on its native routes, which give everything the MaaS stream carries.
 *
 * <p>An attempt sends the prompt to {@code POST /completion} with {@code stream}, {@code return_tokens},
 * {@code n_probs} (when the request wants logprobs), {@code n_predict}, the sampling parameters and
 * {@code cache_prompt}: a plain text prompt as text (when llama-server tokenizes it as the embedded engine would, see
 * {@link #asText}; the prompt's token count comes from the last chunk), anything else as token ids, tokenized first
 * ({@code POST /tokenize}; a conversation, its tools, calls and tool results included, is rendered by the server's
 * chat template with {@code POST /apply-template} and tokenized with its control tokens recognised, as the embedded
 * engine does), plus the ids already generated on a continuation. So the prompt is tokenized exactly as
 * the embedded engine would (raw text without special tokens parsed), and a greedy continuation goes on as the
 * uninterrupted generation would.
 *
 * <p>Each streamed chunk gives its tokens' ids and, in {@code completion_probabilities}, each token's bytes, its
 * log-probability under the raw distribution and the most likely alternatives with their ids; text is decoded from
 * the bytes, so a token that ends inside a UTF-8 character carries "" and the next one the character. But llama-server
 * does not stream such a token on its own: it holds it back until the character completes and then streams only the
 * completing token's id and logprob, with the bytes of both. The MaaS stream then carries that token with the whole
 * character; the held-back token counts (in {@code generated_tokens} and against {@code max_new_tokens}) but its id
 * and logprob are not shown, and a continuation after it resends the ids without it. <b>Special</b>: llama-server
 * renders a token's bytes without special tokens, so a control token (BOS, EOS, template markers) comes with no bytes
 * at all while every other token has some: a token without bytes is special, and its text is its piece as
 * {@code POST /detokenize} renders it (e.g. {@code </s>}), asked once per token id and kept. The last chunk's
 * {@code stop_type} ({@code eos} or {@code limit}), {@code tokens_evaluated} and {@code tokens_predicted} give the
 * ending and the counts. Stop sequences are matched by
 * {@link AttemptRun} (llama-server would withhold the tokens that carry one).
 *
 * <p><b>Without logprobs</b> (the OpenAI API unless asked) no {@code n_probs} is sent, since llama-server softmaxes
 * and sorts the whole vocabulary for every token it reports probabilities for. A chunk then gives its token's id and,
 * in {@code content}, its text (a held-back token's bytes included); a token without text is special, as above. The
 * tokens carry no logprob (NaN).
 *
 * <p>Every parameter of the MaaS and OpenAI APIs has a llama-server counterpart, so none is refused. The samplers run
 * in the embedded engine's order (penalties over the whole sequence, then temperature, top-k, top-p, typical-p), with
 * llama-server's other samplers (min-p, DRY, XTC) left out; the seed is the embedded engine's 32-bit one.
 */
public final class LlamaServerUpstream implements Upstream {

    static final String PROTOCOL = "llama-server";

    private final UpstreamHttp http;
    private final String upstreamModel;
    private final Map<Integer, String> specialPieces = new ConcurrentHashMap<>(); // token id -> its rendered piece
    private final Map<URI, String> templates = new ConcurrentHashMap<>(); // endpoint -> its template for tools

    /**
     * @param timeouts      how long a stream may take to its first token and then go silent
     * @param upstreamModel the model name sent with each request (llama-server's router mode picks the model by it; a
     *                      server of one model ignores it)
     * @param apiKey        llama-server's {@code --api-key}, when it has one
     */
    public LlamaServerUpstream(HttpClient client, UpstreamTimeouts timeouts, String upstreamModel,
                               Optional<String> apiKey) {
        this.http = new UpstreamHttp(client, apiKey, timeouts);
        this.upstreamModel = Objects.requireNonNull(upstreamModel, "upstreamModel");
    }

    /**
     * Refuses only a regular expression this server cannot compile to the grammar llama-server takes: llama-server has
     * every sampling parameter, JSON Schemas and grammars, and stop sequences are matched here.
     */
    @Override
    public void requireSupported(GenerationRequest request) {
        if (request.constraint() instanceof OutputConstraint.Regex regex) {
            RegexGrammar.compile(regex.pattern());
        }
    }

    /**
     * The template the upstream renders tools with, which tells the family of the reply's calls: from
     * {@code GET /props} of the first endpoint that answers, kept per endpoint (a model's template does not change
     * while it is loaded). That is the GGUF's {@code tool_use} variant when it has one (llama-server renders a
     * conversation with tools by it), else its {@code chat_template}. llama-server takes tools with its Jinja
     * renderer, on unless it was started with {@code --no-jinja}; without it {@code /apply-template} refuses tools and
     * so does each attempt.
     */
    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        String failure = "no endpoint";
        for (URI endpoint : endpoints) {
            String template = templates.get(endpoint);
            if (template == null) {
                try {
                    JsonNode props = http.call(http.request(endpoint, "/props").GET());
                    template = props.path("chat_template_tool_use").asText("");
                    if (template.isEmpty()) {
                        template = field(props, "chat_template").asText();
                    }
                } catch (UpstreamException e) {
                    failure = endpoint + ": " + e.failure().message();
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new ToolCalling.Refused("could not ask llama-server for its chat template (interrupted)",
                            false);
                }
                templates.put(endpoint, template);
            }
            return new ToolCalling.Template(template);
        }
        return new ToolCalling.Refused("is served by llama-server, whose chat template (GET /props) tells how its model"
                + " calls tools, and no endpoint gave it: " + failure, false);
    }

    @Override
    public boolean continuesFromTokenIds() {
        return true;
    }

    /** {@code GET /health}: 200 once the model is loaded, 503 while it loads. */
    @Override
    public void probe(URI endpoint) throws UpstreamException {
        http.probe(endpoint, "/health");
    }

    @Override
    public Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
        return AttemptRun.start(PROTOCOL, request, listener, run -> generate(endpoint, run));
    }

    private void generate(URI endpoint, AttemptRun run)
            throws UpstreamException, IOException, InterruptedException {
        AttemptRequest attempt = run.request();
        EventStream events = new EventStream(
                run.opened(http.open(endpoint, "/completion", completionBody(endpoint, attempt), run::sent)),
                EventStream.Framing.SSE);
        Utf8Accumulator utf8 = new Utf8Accumulator();
        int topN = attempt.request().topNTokens();
        int predictedBefore = 0; // the server's count in the previous chunk
        JsonNode chunk;
        while ((chunk = events.next()) != null) {
            if (chunk.has("error")) {
                throw new UpstreamException(new UpstreamFailure.Broken("llama-server failed the generation: "
                        + UpstreamHttp.errorMessage(chunk.toString()).orElse("no message")));
            }
            int promptTokens = field(chunk, "tokens_evaluated").asInt();
            if (chunk.path("stop").asBoolean()) {
                FinishReason reason = "eos".equals(chunk.path("stop_type").asText()) ? FinishReason.EOS_TOKEN
                        : FinishReason.LENGTH;
                run.finished(reason, promptTokens, field(chunk, "tokens_predicted").asInt());
                return;
            }
            JsonNode tokens = field(chunk, "tokens");
            int predicted = field(chunk, "tokens_predicted").asInt();
            int withheld = predicted - predictedBefore - tokens.size();
            if (withheld < 0) {
                throw new UpstreamException(new UpstreamFailure.Broken("llama-server's count of generated tokens went"
                        + " from " + predictedBefore + " to " + predicted + " over " + tokens.size() + " tokens"));
            }
            run.withheld(withheld);
            predictedBefore = predicted;
            if (!attempt.request().logprobs()) {
                // The chunk's text is its last token's. llama-server renders no control token, so a token without
                // text is one (a token inside a character is held back, never streamed alone).
                String content = field(chunk, "content").asText();
                for (int i = 0; i < tokens.size(); i++) {
                    int id = tokens.get(i).asInt();
                    boolean last = i == tokens.size() - 1;
                    boolean special = last && content.isEmpty();
                    String text = special ? specialPiece(endpoint, id) : last ? content : "";
                    if (endedByStopSequence(run, new Token(id, text, Float.NaN, special), List.of(), promptTokens)) {
                        return;
                    }
                }
                continue;
            }
            JsonNode probabilities = field(chunk, "completion_probabilities");
            if (tokens.size() != probabilities.size()) {
                throw new UpstreamException(new UpstreamFailure.Broken("llama-server streamed " + tokens.size()
                        + " tokens with " + probabilities.size() + " probabilities in one chunk"));
            }
            for (JsonNode probability : probabilities) {
                byte[] bytes = bytes(probability);
                boolean special = bytes.length == 0;
                String text = special ? specialPiece(endpoint, field(probability, "id").asInt()) : utf8.append(bytes);
                if (!special && run.nextIsLast()) {
                    text += utf8.flush(); // an incomplete character left at the end shows as U+FFFD
                }
                Token token = new Token(field(probability, "id").asInt(), text,
                        (float) field(probability, "logprob").asDouble(), special);
                List<Token> top = new ArrayList<>(topN);
                for (JsonNode alternative : probability.path("top_logprobs")) {
                    if (top.size() == topN) {
                        break;
                    }
                    top.add(alternative(endpoint, alternative));
                }
                if (endedByStopSequence(run, token, top, promptTokens)) {
                    return;
                }
            }
        }
    }

    /**
     * Streams a token and says whether it completed a stop sequence, which ends the attempt here. A token that reaches
     * the limit is followed at once by the last chunk, which says whether it was an EOS.
     */
    private static boolean endedByStopSequence(AttemptRun run, Token token, List<Token> top, int promptTokens) {
        Optional<FinishReason> end = run.token(token, top);
        if (end.isPresent() && end.get() == FinishReason.STOP_SEQUENCE) {
            run.finished(FinishReason.STOP_SEQUENCE, promptTokens, run.generated());
            return true;
        }
        return false;
    }

    private ObjectNode completionBody(URI endpoint, AttemptRequest attempt)
            throws UpstreamException, InterruptedException {
        GenerationRequest request = attempt.request();
        Sampling sampling = request.sampling();
        ObjectNode body = UpstreamHttp.object();
        body.put("model", upstreamModel);
        int promptBound;
        Optional<Prompt.Text> text = asText(attempt);
        if (text.isPresent()) {
            body.put("prompt", text.get().text());
            promptBound = text.get().tokenBound();
        } else {
            ArrayNode prompt = body.putArray("prompt");
            for (int id : promptIds(endpoint, request.prompt())) {
                prompt.add(id);
            }
            for (Token token : attempt.generated()) {
                prompt.add(token.id());
            }
            promptBound = prompt.size();
        }
        body.put("stream", true);
        body.put("return_tokens", true);
        if (request.logprobs()) {
            // At least 1: the token's own bytes and logprob. llama-server pays for it with a softmax and sort of the
            // whole vocabulary for every token (6% of one slot's speed on a 128k vocabulary, BENCHMARKS.md).
            body.put("n_probs", Math.max(1, request.topNTokens()));
        }
        body.put("n_predict", attempt.remainingTokens());
        body.put("cache_prompt", true);
        body.put("temperature", sampling.sample() ? sampling.temperature() : 0f); // 0: greedy
        // Greedy: temperature 0 leaves the first largest logit the only finite one, and top_k 1 after it keeps just
        // that candidate, so the dist sampler llama-server always ends with draws from one, not a softmax over the
        // whole vocabulary (on a 128k vocabulary, llama-server's CPU per token through the gateway fell from 9% to 3%
        // above a direct client's).
        body.put("top_k", sampling.sample() ? sampling.topK() : 1);
        body.put("top_p", sampling.sample() ? sampling.topP() : 1f);
        body.put("typical_p", sampling.sample() ? sampling.typicalP() : 1f);
        body.put("min_p", 0f);
        body.put("repeat_penalty", sampling.repetitionPenalty());
        body.put("frequency_penalty", sampling.frequencyPenalty());
        body.put("presence_penalty", sampling.presencePenalty());
        UpstreamHttp.putLogitBias(body, sampling);
        // The sequence's every token, prompt included, as the embedded engine's penalties see them.
        body.put("repeat_last_n", promptBound + attempt.remainingTokens());
        body.put("seed", Integer.toUnsignedLong(sampling.seed32()));
        body.putArray("samplers").add("penalties").add("temperature").add("top_k").add("top_p").add("typ_p");
        // llama-server applies a grammar before the samplers above, as the embedded engine does.
        switch (request.constraint()) {
            case OutputConstraint.JsonSchema schema -> body.set("json_schema", UpstreamConstraints.schema(schema));
            case OutputConstraint.Regex regex -> body.put("grammar", RegexGrammar.compile(regex.pattern()));
            case OutputConstraint.Gbnf gbnf -> body.put("grammar", gbnf.grammar());
            case OutputConstraint.None none -> { }
        }
        return body;
    }

    /**
     * The prompt when it may go as text, saving a {@code /tokenize} round trip: a first attempt's plain text that holds
     * no {@code <} or {@code [}. llama-server tokenizes a text prompt with special tokens parsed, where the embedded
     * engine does not; a control token's text ({@code <s>}, {@code <|im_start|>}, {@code [INST]}) starts with one of
     * those two characters in every vocabulary we know, so without them both give the same ids. Anything else is
     * tokenized first: a conversation, and a continuation, which must resend the very ids of the first attempt.
     */
    private static Optional<Prompt.Text> asText(AttemptRequest attempt) {
        if (!attempt.isContinuation() && attempt.request().prompt() instanceof Prompt.Text text
                && text.text().indexOf('<') < 0 && text.text().indexOf('[') < 0) {
            return Optional.of(text);
        }
        return Optional.empty();
    }

    /** The prompt's ids as the embedded engine would tokenize it. */
    private int[] promptIds(URI endpoint, Prompt prompt) throws UpstreamException, InterruptedException {
        return switch (prompt) {
            case Prompt.Tokens tokens -> tokens.ids();
            case Prompt.Text text -> tokenize(endpoint, text.text(), false);
            case Prompt.Chat chat -> tokenize(endpoint, applyTemplate(endpoint, chat), true);
        };
    }

    /** The conversation and its tools rendered by the upstream's chat template, with the assistant's opening. */
    private String applyTemplate(URI endpoint, Prompt.Chat chat) throws UpstreamException, InterruptedException {
        ObjectNode body = UpstreamHttp.object();
        ChatJson.put(body, chat);
        return field(http.call(http.post(endpoint, "/apply-template", body)), "prompt").asText();
    }

    private int[] tokenize(URI endpoint, String text, boolean parseSpecial)
            throws UpstreamException, InterruptedException {
        ObjectNode body = UpstreamHttp.object().put("content", text).put("add_special", true)
                .put("parse_special", parseSpecial);
        JsonNode tokens = field(http.call(http.post(endpoint, "/tokenize", body)), "tokens");
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }

    private Token alternative(URI endpoint, JsonNode alternative) throws UpstreamException, InterruptedException {
        int id = field(alternative, "id").asInt();
        byte[] bytes = bytes(alternative);
        boolean special = bytes.length == 0;
        // Out of context, an alternative's bytes are decoded on their own, as the embedded engine shows them.
        String text = special ? specialPiece(endpoint, id) : new String(bytes, StandardCharsets.UTF_8);
        return new Token(id, text, (float) field(alternative, "logprob").asDouble(), special);
    }

    private String specialPiece(URI endpoint, int id) throws UpstreamException, InterruptedException {
        String piece = specialPieces.get(id);
        if (piece == null) {
            ObjectNode body = UpstreamHttp.object();
            body.putArray("tokens").add(id);
            piece = field(http.call(http.post(endpoint, "/detokenize", body)), "content").asText();
            specialPieces.put(id, piece);
        }
        return piece;
    }

    private static byte[] bytes(JsonNode probability) throws UpstreamException {
        JsonNode list = field(probability, "bytes");
        byte[] bytes = new byte[list.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) list.get(i).asInt();
        }
        return bytes;
    }

    /** A field the protocol always sends: its absence means this is not the llama-server this class speaks to. */
    private static JsonNode field(JsonNode node, String name) throws UpstreamException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new UpstreamException(new UpstreamFailure.Broken("llama-server's answer has no '" + name
                    + "' (a llama-server older than the 2025 releases, or not llama-server)"));
        }
        return value;
    }
}
