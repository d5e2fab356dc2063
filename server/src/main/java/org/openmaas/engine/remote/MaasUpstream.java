package org.openmaas.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
 * Another MaaS endpoint: another OpenMaaS, or the guide's own service, reached as the guide's clients reach it. An
 * endpoint is the API's base URL (e.g. {@code https://maas.example.com/v1/maas}).
 *
 * <p>The account's client credentials get an access token from its {@code auth_url} (OAuth2 client credentials, HTTP
 * Basic), kept until shortly before it expires and fetched again then, or at once when an endpoint answers 401. The
 * upstream product's id and model name are read once from {@code GET {base}/models}. An attempt posts the guide's
 * body to {@code POST {base}/generatestream} and passes its lines through: ids, logprobs, {@code special}, top tokens,
 * finish reason and {@code generated_tokens} as the upstream streams them. The MaaS stream reports no prompt count,
 * so the attempt reports 0 prompt tokens. A continuation resends the prompt followed by the text already generated.
 * The guide has no presence penalty ({@code presence_penalty} is refused) and takes a prompt, not a conversation: a
 * conversation of one user message is sent as its text, any other is refused.
 */
public final class MaasUpstream implements Upstream {

    static final String PROTOCOL = "maas";

    /** How long before its expiry a token is replaced, so no request carries one that expires on the way. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    /**
     * The account this gateway uses at the upstream MaaS.
     *
     * @param authUrl      the upstream's token endpoint (e.g. {@code https://maas.example.com/oauth2/token})
     * @param cloudAccount the upstream cloud account the credentials belong to
     * @param productName  the upstream's product to generate with
     */
    public record Account(URI authUrl, String clientId, String clientSecret, String cloudAccount, String productName) {
        public Account {
            Objects.requireNonNull(authUrl, "authUrl");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(cloudAccount, "cloudAccount");
            Objects.requireNonNull(productName, "productName");
        }

        @Override
        public String toString() {
            return "Account[authUrl=" + UpstreamHttp.hostOf(authUrl) + ", clientId=" + clientId + ", cloudAccount="
                    + cloudAccount + ", productName=" + productName + "]"; // never the secret
        }
    }

    private record AccessToken(String authorization, Instant refreshAt) {
    }

    private record ProductRef(String productId, String modelName) {
    }

    private final UpstreamHttp http;
    private final Account account;
    private final Clock clock;
    private AccessToken token;   // guarded by this
    private ProductRef product;  // guarded by this

    /** @param timeouts how long a stream may take to its first token and then go silent */
    public MaasUpstream(HttpClient client, UpstreamTimeouts timeouts, Account account) {
        this(client, timeouts, account, Clock.systemUTC());
    }

    MaasUpstream(HttpClient client, UpstreamTimeouts timeouts, Account account, Clock clock) {
        // No bearer key of its own: every call carries the access token.
        this.http = new UpstreamHttp(client, Optional.empty(), timeouts);
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        if (!request.sampling().logitBias().isEmpty()) {
            throw new UnsupportedParameterException("logit_bias", "logit_bias is not supported by this product's "
                    + "engine (the MaaS API has none)");
        }
        if (request.sampling().presencePenalty() != 0f) {
            throw new UnsupportedParameterException("presence_penalty", "presence_penalty is not supported by this"
                    + " product's engine (the MaaS API has none): leave it out, or use frequency_penalty or"
                    + " repetition_penalty");
        }
        if (request.prompt() instanceof Prompt.Chat chat && !(chat.messages().size() == 1
                && chat.messages().getFirst().role().equals("user"))) {
            throw new UnsupportedParameterException("messages", "this product's engine (another MaaS) takes one"
                    + " prompt: send one user message, not " + chat.messages().size() + " messages");
        }
        if (request.constraint() instanceof OutputConstraint.Gbnf) {
            throw UpstreamConstraints.refused(request.constraint(), "another MaaS",
                    "takes JSON Schemas and regular expressions");
        }
    }

    /** None: the MaaS API's {@code generatestream} takes a prompt and no tools. */
    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        return new ToolCalling.Refused("is served by another MaaS endpoint, whose generatestream takes a prompt and no"
                + " tools", true);
    }

    @Override
    public boolean continuesFromTokenIds() {
        return false;
    }

    /** {@code GET {base}/models} with a token: the upstream answers, and its catalog holds the product. */
    @Override
    public void probe(URI endpoint) throws UpstreamException {
        try {
            product(endpoint);
            models(endpoint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(new UpstreamFailure.Unreachable("the health check was interrupted"));
        }
    }

    @Override
    public Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
        return AttemptRun.start(PROTOCOL, request, listener, run -> generate(endpoint, run));
    }

    private void generate(URI endpoint, AttemptRun run) throws UpstreamException, IOException, InterruptedException {
        AttemptRequest attempt = run.request();
        ProductRef ref = product(endpoint);
        ObjectNode body = generateBody(attempt, ref);
        EventStream events = new EventStream(run.opened(authorized(authorization -> http.open(endpoint,
                "/generatestream", body, Optional.of(authorization), run::sent))), EventStream.Framing.NDJSON);
        JsonNode line;
        while ((line = events.next()) != null) {
            if (line.has("error")) {
                throw new UpstreamException(new UpstreamFailure.Broken("the upstream MaaS failed the generation: "
                        + line.path("error").path("message").asText("no message")));
            }
            JsonNode response = line.path("result").path("response");
            Token token = token(response.path("token"));
            List<Token> top = new ArrayList<>();
            for (JsonNode alternative : response.path("top_tokens")) {
                top.add(token(alternative));
            }
            Optional<FinishReason> end = run.token(token, top);
            JsonNode details = response.path("details");
            if (details.isObject()) {
                FinishReason reason = finishReason(details.path("finish_reason").asText());
                if (reason == FinishReason.LENGTH && end.filter(FinishReason.STOP_SEQUENCE::equals).isPresent()) {
                    reason = FinishReason.STOP_SEQUENCE; // a stop sequence spanning the earlier attempt's text
                }
                run.finished(reason, 0, details.path("generated_tokens").asInt());
                return;
            }
            if (end.isPresent() && end.get() == FinishReason.STOP_SEQUENCE) {
                run.finished(FinishReason.STOP_SEQUENCE, 0, run.generated());
                return;
            }
        }
    }

    private ObjectNode generateBody(AttemptRequest attempt, ProductRef ref) {
        GenerationRequest request = attempt.request();
        Sampling sampling = request.sampling();
        StringBuilder prompt = new StringBuilder(switch (request.prompt()) {
            case Prompt.Text text -> text.text();
            case Prompt.Chat chat -> chat.messages().getFirst().text(); // one user message: requireSupported
            case Prompt.Tokens tokens -> throw new IllegalStateException("a MaaS takes text, not "
                    + tokens.ids().length + " token ids");
        });
        for (Token token : attempt.generated()) {
            if (!token.special()) {
                prompt.append(token.text());
            }
        }
        ObjectNode body = UpstreamHttp.object();
        body.put("model", ref.modelName());
        body.put("cloudAccountId", account.cloudAccount());
        body.put("productName", account.productName());
        body.put("productId", ref.productId());
        ObjectNode inner = body.putObject("request");
        inner.put("prompt", prompt.toString());
        ObjectNode params = inner.putObject("params");
        params.put("max_new_tokens", attempt.remainingTokens());
        params.put("do_sample", sampling.sample());
        if (sampling.sample()) {
            params.put("temperature", sampling.temperature());
            params.put("top_k", sampling.topK());
            params.put("top_p", sampling.topP());
            params.put("typical_p", sampling.typicalP());
            params.put("seed", sampling.seedText());
        }
        params.put("repetition_penalty", sampling.repetitionPenalty());
        params.put("frequency_penalty", sampling.frequencyPenalty());
        params.put("top_n_tokens", request.topNTokens());
        UpstreamConstraints.putTgiGrammar(params, request.constraint());
        return body;
    }

    /** {@code GET {base}/models}, with the access token. */
    private JsonNode models(URI endpoint) throws UpstreamException, InterruptedException {
        return authorized(authorization -> http.call(http.request(endpoint, "/models").GET()
                .header("Authorization", authorization)));
    }

    /** Sends one call with {@code authorization} as its Authorization header. */
    @FunctionalInterface
    private interface Send<T> {
        T send(String authorization) throws UpstreamException, InterruptedException;
    }

    /** Sends a call with the access token, once more with a new token when the upstream answers 401. */
    private <T> T authorized(Send<T> send) throws UpstreamException, InterruptedException {
        try {
            return send.send(accessToken(false));
        } catch (UpstreamException e) {
            if (!(e.failure() instanceof UpstreamFailure.Rejected rejected && rejected.status() == 401)) {
                throw e;
            }
            return send.send(accessToken(true));
        }
    }

    /** The cached token's Authorization value, fetched when there is none, it is about to expire, or on renewal. */
    private synchronized String accessToken(boolean renew) throws UpstreamException, InterruptedException {
        if (renew || token == null || !clock.instant().isBefore(token.refreshAt())) {
            // Unencoded, as the guide's client (Python requests) sends them and OpenMaaS reads them.
            String basic = Base64.getEncoder().encodeToString((account.clientId() + ":" + account.clientSecret())
                    .getBytes(StandardCharsets.UTF_8));
            JsonNode answer = http.call(HttpRequest.newBuilder(account.authUrl())
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
            String accessToken = answer.path("access_token").asText("");
            if (accessToken.isEmpty()) {
                throw new UpstreamException(new UpstreamFailure.Rejected(401, "the upstream's token endpoint "
                        + UpstreamHttp.hostOf(account.authUrl()) + " answered without an access token"));
            }
            Duration lifetime = Duration.ofSeconds(answer.path("expires_in").asLong(0));
            token = new AccessToken(answer.path("token_type").asText("Bearer") + " " + accessToken,
                    clock.instant().plus(lifetime.minus(REFRESH_MARGIN)));
        }
        return token.authorization();
    }

    /** The upstream's product id and model name for the account's product name, read once. */
    private ProductRef product(URI endpoint) throws UpstreamException, InterruptedException {
        synchronized (this) {
            if (product != null) {
                return product;
            }
        }
        JsonNode models = models(endpoint).path("models");
        for (JsonNode model : models) {
            if (account.productName().equals(model.path("product_name").asText())) {
                ProductRef found = new ProductRef(model.path("product_id").asText(), model.path("model_name").asText());
                synchronized (this) {
                    product = found;
                }
                return found;
            }
        }
        throw new UpstreamException(new UpstreamFailure.Rejected(404, "the upstream MaaS at "
                + UpstreamHttp.hostOf(endpoint) + " serves no product '" + account.productName() + "' now"));
    }

    private static Token token(JsonNode token) throws UpstreamException {
        if (!token.path("id").isNumber()) {
            throw new UpstreamException(new UpstreamFailure.Broken("the upstream MaaS streamed a line without its"
                    + " token"));
        }
        return new Token(token.path("id").asInt(), token.path("text").asText(""),
                (float) token.path("logprob").asDouble(), token.path("special").asBoolean());
    }

    private static FinishReason finishReason(String reason) throws UpstreamException {
        return switch (reason) {
            case "FINISH_REASON_LENGTH" -> FinishReason.LENGTH;
            case "FINISH_REASON_EOS_TOKEN" -> FinishReason.EOS_TOKEN;
            case "FINISH_REASON_STOP_SEQUENCE" -> FinishReason.STOP_SEQUENCE;
            default -> throw new UpstreamException(new UpstreamFailure.Broken("the upstream MaaS ended with an"
                    + " unknown finish reason '" + reason + "'"));
        };
    }
}
