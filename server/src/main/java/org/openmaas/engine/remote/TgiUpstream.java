package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * Hugging Face text-generation-inference, on {@code POST /generate_stream}, whose events are the guide's own token
 * format: {@code token {id, text, logprob, special}}, {@code top_tokens} and, on the last, {@code details} with the
 * finish reason, {@code generated_tokens}, the seed and {@code input_length}. So ids, logprobs, specials and top
 * tokens pass through as TGI reports them.
 *
 * <p>TGI takes text only: a conversation is rendered by TGI's chat template ({@code POST /chat_tokenize}) and sent as
 * text, and a continuation resends the prompt followed by the text already generated, which TGI tokenizes again (so
 * it may continue differently from an uninterrupted run). TGI has no presence penalty: {@code presence_penalty} is
 * refused. Stop sequences are matched by {@link AttemptRun} (TGI's own rule, over the text of earlier attempts too),
 * so the prompt's count comes from {@code POST /tokenize} when an attempt ends on one before TGI's details.
 */
public final class TgiUpstream implements Upstream {

    static final String PROTOCOL = "tgi";

    private final UpstreamHttp http;
    private final String upstreamModel;

    /**
     * @param timeouts      how long a stream may take to its first token and then go silent
     * @param upstreamModel sent as the chat template's model (TGI serves one model and ignores it otherwise)
     * @param apiKey        the bearer key of the TGI deployment, when it has one
     */
    public TgiUpstream(HttpClient client, UpstreamTimeouts timeouts, String upstreamModel, Optional<String> apiKey) {
        this.http = new UpstreamHttp(client, apiKey, timeouts);
        this.upstreamModel = Objects.requireNonNull(upstreamModel, "upstreamModel");
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        if (!request.sampling().logitBias().isEmpty()) {
            throw new UnsupportedParameterException("logit_bias", "logit_bias is not supported by this product's "
                    + "engine (TGI has none)");
        }
        if (request.sampling().presencePenalty() != 0f) {
            throw new UnsupportedParameterException("presence_penalty", "presence_penalty is not supported by this"
                    + " product's engine (TGI has none): leave it out, or use frequency_penalty or repetition_penalty");
        }
        if (request.constraint() instanceof OutputConstraint.Gbnf) {
            throw UpstreamConstraints.refused(request.constraint(), "TGI", "takes JSON Schemas and regular expressions");
        }
    }

    /**
     * None: {@code /generate_stream} takes a prompt only (TGI takes tools on its {@code /v1/chat/completions}, which
     * streams no token ids, so this server does not use it).
     */
    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        return new ToolCalling.Refused("is served by TGI, whose /generate_stream takes a prompt and no tools", true);
    }

    @Override
    public boolean continuesFromTokenIds() {
        return false;
    }

    /** {@code GET /health}: 200 once the model answers. */
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
        StringBuilder inputs = new StringBuilder(promptText(endpoint, attempt.request().prompt()));
        for (Token token : attempt.generated()) {
            if (!token.special()) {
                inputs.append(token.text());
            }
        }
        EventStream events = new EventStream(run.opened(http.open(endpoint, "/generate_stream",
                generateBody(attempt, inputs.toString()), run::sent)), EventStream.Framing.SSE);
        JsonNode event;
        while ((event = events.next()) != null) {
            if (event.has("error")) {
                throw new UpstreamException(new UpstreamFailure.Broken("TGI failed the generation: "
                        + event.path("error").asText()));
            }
            Token token = token(event.path("token"));
            List<Token> top = new ArrayList<>();
            for (JsonNode alternative : event.path("top_tokens")) {
                top.add(token(alternative));
            }
            Optional<FinishReason> end = run.token(token, top);
            JsonNode details = event.path("details");
            if (details.isObject()) {
                FinishReason reason = finishReason(details.path("finish_reason").asText());
                if (reason == FinishReason.LENGTH && end.filter(FinishReason.STOP_SEQUENCE::equals).isPresent()) {
                    reason = FinishReason.STOP_SEQUENCE; // the last token allowed also ended a stop sequence
                }
                run.finished(reason, details.path("input_length").asInt(), details.path("generated_tokens").asInt());
                return;
            }
            if (end.isPresent() && end.get() == FinishReason.STOP_SEQUENCE) {
                run.finished(FinishReason.STOP_SEQUENCE, promptTokens(endpoint, inputs.toString()), run.generated());
                return;
            }
        }
    }

    private ObjectNode generateBody(AttemptRequest attempt, String inputs) {
        GenerationRequest request = attempt.request();
        Sampling sampling = request.sampling();
        ObjectNode body = UpstreamHttp.object().put("inputs", inputs);
        ObjectNode parameters = body.putObject("parameters");
        parameters.put("max_new_tokens", attempt.remainingTokens());
        parameters.put("details", true); // the last event's details: finish reason, counts, seed
        parameters.put("do_sample", sampling.sample());
        // TGI refuses neutral warpers (temperature must be > 0, top_p and typical_p in (0, 1)): only active ones go.
        if (sampling.sample()) {
            if (sampling.temperature() != 1f) {
                parameters.put("temperature", sampling.temperature());
            }
            if (sampling.topK() > 0) {
                parameters.put("top_k", sampling.topK());
            }
            if (sampling.topP() < 1f) {
                parameters.put("top_p", sampling.topP());
            }
            if (sampling.typicalP() < 1f) {
                parameters.put("typical_p", sampling.typicalP());
            }
            parameters.put("seed", new BigInteger(sampling.seedText())); // TGI's seed is an unsigned 64-bit value
        }
        if (sampling.repetitionPenalty() != 1f) {
            parameters.put("repetition_penalty", sampling.repetitionPenalty());
        }
        if (sampling.frequencyPenalty() != 0f) {
            parameters.put("frequency_penalty", sampling.frequencyPenalty());
        }
        if (request.topNTokens() > 0) {
            parameters.put("top_n_tokens", request.topNTokens());
        }
        UpstreamConstraints.putTgiGrammar(parameters, request.constraint());
        return body;
    }

    private String promptText(URI endpoint, Prompt prompt) throws UpstreamException, InterruptedException {
        return switch (prompt) {
            case Prompt.Text text -> text.text();
            case Prompt.Chat chat -> {
                ObjectNode body = UpstreamHttp.object().put("model", upstreamModel);
                ArrayNode messages = body.putArray("messages");
                for (ChatMessage message : chat.messages()) {
                    messages.addObject().put("role", message.role()).put("content", message.text());
                }
                yield http.call(http.post(endpoint, "/chat_tokenize", body)).path("templated_text").asText();
            }
            case Prompt.Tokens tokens -> throw new UpstreamException(new UpstreamFailure.Rejected(400,
                    "TGI takes a prompt as text, not as " + tokens.ids().length + " token ids"));
        };
    }

    /** The prompt's tokens as TGI counts them ({@code POST /tokenize} lists them). */
    private int promptTokens(URI endpoint, String inputs) throws UpstreamException, InterruptedException {
        return http.call(http.post(endpoint, "/tokenize", UpstreamHttp.object().put("inputs", inputs))).size();
    }

    private static Token token(JsonNode token) throws UpstreamException {
        if (!token.path("id").isNumber()) {
            throw new UpstreamException(new UpstreamFailure.Broken("TGI streamed an event without its token"));
        }
        return new Token(token.path("id").asInt(), token.path("text").asText(""),
                (float) token.path("logprob").asDouble(), token.path("special").asBoolean());
    }

    private static FinishReason finishReason(String reason) throws UpstreamException {
        return switch (reason) {
            case "length" -> FinishReason.LENGTH;
            case "eos_token" -> FinishReason.EOS_TOKEN;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            default -> throw new UpstreamException(new UpstreamFailure.Broken("TGI ended with an unknown finish"
                    + " reason '" + reason + "'"));
        };
    }
}
