package org.openmaas.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.client.internal.ClientConfig;
import org.openmaas.client.internal.ClientCore;
import org.openmaas.client.internal.RetryPolicy;
import org.openmaas.client.internal.Urls;

/**
 * A client of a Model-as-a-Service API: the Intel Tiber AI Cloud MaaS service of the guide, or an OpenMaaS server.
 *
 * <pre>{@code
 * try (MaasClient client = MaasClient.builder()          // MAAS_* environment variables, or:
 *         .baseUrl("http://localhost:8080/v1/maas").authUrl("http://localhost:8080/oauth2/token")
 *         .clientId("my_client_id").clientSecret(secret).cloudAccount("123456789012")
 *         .build()) {
 *     Model model = client.models().get(0);
 *     try (GenerationStream stream = client.generateStream(
 *             GenerateRequest.builder(model, "Once upon a time").maxNewTokens(50).temperature(0.7).build())) {
 *         stream.forEachRemaining(event -> System.out.print(event.token().text()));
 *     }
 * }
 * }</pre>
 *
 * <p>The client fetches an OAuth2 access token (client credentials) on first use and reuses it until shortly before
 * it expires; when the service refuses a token, the client fetches a new one and tries once more. Calls refused with
 * 429 or 503 are retried after the service's {@code Retry-After} (else an exponential backoff with jitter), within
 * a bounded number of attempts and total wait, and never once a stream has started. Failures are
 * {@link MaasException}s, one subclass per category.
 *
 * <p>A client is thread-safe: share one per set of credentials. {@link #close()} stops its timer thread; open
 * streams are closed by their own {@link GenerationStream#close()}.
 */
public final class MaasClient implements AutoCloseable {

    /** The guide's API base. */
    public static final String DEFAULT_BASE_URL = "https://us-region-2-sdk-api.cloud.intel.com/v1/maas";
    /** The guide's token endpoint. */
    public static final String DEFAULT_AUTH_URL = "https://client-token.api.idcservice.net/oauth2/token";

    public static final String ENV_BASE_URL = "MAAS_BASE_URL";
    public static final String ENV_AUTH_URL = "MAAS_AUTH_URL";
    public static final String ENV_CLIENT_ID = "MAAS_CLIENT_ID";
    public static final String ENV_CLIENT_SECRET = "MAAS_CLIENT_SECRET";
    public static final String ENV_CLOUD_ACCOUNT = "MAAS_CLOUD_ACCOUNT";

    private final ClientConfig config;
    private final ClientCore core;

    private MaasClient(ClientConfig config) {
        this.config = config;
        this.core = new ClientCore(config);
    }

    /** A builder that takes what is not set on it from the {@code MAAS_*} environment variables, then the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The current access token, fetched or refreshed when needed. Its {@link AccessToken#authorization()} is what
     * the client sends as {@code Authorization}.
     *
     * @throws AuthenticationException when the token endpoint refuses the client id and secret
     */
    public AccessToken accessToken() {
        return core.accessToken();
    }

    /** The products that can serve now ({@code GET /models}). */
    public List<Model> models() {
        return core.models();
    }

    /**
     * The product named {@code name}: a product name, or a model name that only one product serves.
     *
     * @throws IllegalArgumentException when several products serve model {@code name}
     */
    public Optional<Model> findModel(String name) {
        Objects.requireNonNull(name, "name");
        List<Model> models = models();
        for (Model model : models) {
            if (model.productName().equals(name)) {
                return Optional.of(model);
            }
        }
        List<Model> byModel = new ArrayList<>();
        for (Model model : models) {
            if (model.modelName().equals(name)) {
                byModel.add(model);
            }
        }
        if (byModel.size() > 1) {
            List<String> products = new ArrayList<>();
            byModel.forEach(m -> products.add(m.productName()));
            throw new IllegalArgumentException("model " + name + " is served by " + byModel.size()
                    + " products; name one of them: " + String.join(", ", products));
        }
        return byModel.stream().findFirst();
    }

    /**
     * Starts a generation ({@code POST /generatestream}) and returns once the service has answered; iterate the
     * stream for its tokens and close it when done (closing early cancels the generation).
     *
     * @throws MaasException when the service refuses the request (after retries on 429 and 503)
     */
    public GenerationStream generateStream(GenerateRequest request) {
        return core.generateStream(Objects.requireNonNull(request, "request"));
    }

    /** Runs a whole generation and returns its text, tokens and details (a stream read to its end). */
    public GenerateResult generate(GenerateRequest request) {
        try (GenerationStream stream = generateStream(request)) {
            return stream.result();
        }
    }

    public URI baseUrl() {
        return config.baseUrl();
    }

    public URI authUrl() {
        return config.authUrl();
    }

    public String clientId() {
        return config.clientId();
    }

    public String cloudAccount() {
        return config.cloudAccount();
    }

    /** Stops the client's timer thread. Idempotent. */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "MaasClient[baseUrl=" + Urls.redacted(config.baseUrl()) + ", authUrl=" + Urls.redacted(config.authUrl())
                + ", clientId=" + config.clientId() + ", clientSecret=<redacted>, cloudAccount=" + config.cloudAccount() + "]";
    }

    /**
     * Configures a {@link MaasClient}. Each setting comes from this builder if set on it, else from its environment
     * variable, else from its default. Not thread-safe.
     */
    public static final class Builder {
        private String baseUrl;
        private String authUrl;
        private String clientId;
        private String clientSecret;
        private String cloudAccount;
        private Map<String, String> environment;
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private int maxAttempts = RetryPolicy.DEFAULT.maxAttempts();
        private Duration maxRetryWait = RetryPolicy.DEFAULT.maxTotalWait();

        private Builder() {
        }

        /** The API base, e.g. {@code http://localhost:8080/v1/maas} ({@code MAAS_BASE_URL}; default the guide's). */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = given("baseUrl", ENV_BASE_URL, baseUrl);
            return this;
        }

        /** The token endpoint, e.g. {@code http://localhost:8080/oauth2/token} ({@code MAAS_AUTH_URL}). */
        public Builder authUrl(String authUrl) {
            this.authUrl = given("authUrl", ENV_AUTH_URL, authUrl);
            return this;
        }

        /** The OAuth2 client id ({@code MAAS_CLIENT_ID}). */
        public Builder clientId(String clientId) {
            this.clientId = given("clientId", ENV_CLIENT_ID, clientId);
            return this;
        }

        /** The OAuth2 client secret ({@code MAAS_CLIENT_SECRET}); never shown by the client. */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = given("clientSecret", ENV_CLIENT_SECRET, clientSecret);
            return this;
        }

        /** The cloud account generations are billed to ({@code MAAS_CLOUD_ACCOUNT}). */
        public Builder cloudAccount(String cloudAccount) {
            this.cloudAccount = given("cloudAccount", ENV_CLOUD_ACCOUNT, cloudAccount);
            return this;
        }

        /** Where to read the {@code MAAS_*} variables; default {@link System#getenv()}. An empty map ignores them. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** The clock token expiry is judged by; default the system's. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long to wait for a connection; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * How long to wait for a response to begin, and then for each next piece of its body (a token, during a
         * stream); default 60 s. A request that waits in the service's queue waits for its first token.
         */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive("readTimeout", readTimeout);
            return this;
        }

        /** Attempts per call when the service answers 429 or 503, the first included; 1 disables retries; default 4. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1 (1 means no retries), got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The longest one call waits between its retries, added up; default 30 s. */
        public Builder maxRetryWait(Duration maxRetryWait) {
            Objects.requireNonNull(maxRetryWait, "maxRetryWait");
            if (maxRetryWait.isNegative()) {
                throw new IllegalArgumentException("maxRetryWait must not be negative, got " + maxRetryWait);
            }
            this.maxRetryWait = maxRetryWait;
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalStateException    when the client id, secret or cloud account is set nowhere
         * @throws IllegalArgumentException when a URL is not an absolute http(s) URL
         */
        public MaasClient build() {
            Map<String, String> env = environment != null ? environment : System.getenv();
            URI base = url("baseUrl", ENV_BASE_URL, pick(baseUrl, env.get(ENV_BASE_URL), DEFAULT_BASE_URL));
            URI auth = url("authUrl", ENV_AUTH_URL, pick(authUrl, env.get(ENV_AUTH_URL), DEFAULT_AUTH_URL));
            String id = required("clientId", ENV_CLIENT_ID, pick(clientId, env.get(ENV_CLIENT_ID), null));
            String secret = required("clientSecret", ENV_CLIENT_SECRET, pick(clientSecret, env.get(ENV_CLIENT_SECRET), null));
            String account = required("cloudAccount", ENV_CLOUD_ACCOUNT, pick(cloudAccount, env.get(ENV_CLOUD_ACCOUNT), null));
            RetryPolicy retry = new RetryPolicy(maxAttempts, maxRetryWait, RetryPolicy.DEFAULT.initialBackoff(),
                    RetryPolicy.DEFAULT.maxBackoff());
            return new MaasClient(new ClientConfig(base, auth, id, secret, account, connectTimeout, readTimeout,
                    retry, clock));
        }

        /**
         * A value handed to a setter, typically read from somewhere that may not have it
         * ({@code clientSecret(System.getenv("X"))}): say which setting is missing and how else to give it.
         */
        private static String given(String setter, String variable, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(setter + "(" + (value == null ? "null" : "\"" + value + "\"")
                        + ") gives no value: pass the " + setter + " to use, or do not call " + setter
                        + "(...) and set " + variable + " instead");
            }
            return value;
        }

        private static String pick(String set, String fromEnvironment, String fallback) {
            if (set != null) {
                return set;
            }
            return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment.trim() : fallback;
        }

        private static String required(String setter, String variable, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(setter + " is not set: call " + setter + "(...) on the builder or set "
                        + variable);
            }
            return value;
        }

        private static URI url(String setter, String variable, String value) {
            URI uri;
            try {
                uri = URI.create(value.trim().replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setter + " (or " + variable + ") is not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException(setter + " (or " + variable + ") must be an absolute http or https URL "
                        + "such as " + (setter.equals("baseUrl") ? DEFAULT_BASE_URL : DEFAULT_AUTH_URL) + ", got '"
                        + Urls.redacted(uri) + "'");
            }
            return uri;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
