package org.openmaas.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openmaas.engine.llamacpp.FlashAttention;
import org.openmaas.engine.llamacpp.KvCacheType;
import org.openmaas.engine.remote.MaasUpstream;
import org.openmaas.engine.remote.UpstreamTimeouts;

/**
 * Reads a catalog file: the products an operator declares, each bound to a GGUF path or hub reference.
 *
 * <pre>
 * llama_lib: /opt/llama.cpp-cuda/lib                      # optional: a llama.cpp build of the same release (CUDA,
 *                                                         #   Vulkan, ROCm); --llama-lib and MAAS_LLAMA_LIB win
 * products:
 *   - product_name: maas-model-llama-3.1-8b
 *     product_id: ba5d2874-dc83-425e-af98-c810f11dad79    # optional: derived from the name
 *     model_name: meta-llama/Meta-Llama-3.1-8B-Instruct   # optional: the GGUF's general.name
 *     model: models/llama-3.1-8b-instruct-q4_0.gguf       # or hf://owner/repo/file.gguf
 *     context_length: 4096                                # optional: the model's own, at most 4096
 *     prompt_format: chat                                 # raw (default) or chat
 *     chat_template: llama3                               # optional: the GGUF's own
 *     slots: 1                                            # optional: concurrent sequences
 *     max_queued: 64                                      # optional: waiting requests before 429
 *     reproducible: false                                 # optional: decode every request alone
 *     prefill_chunk: 128                                  # optional: prompt tokens a step takes beside generating ones
 *     gpu_layers: 99                                      # optional: layers on the GPU (-1 all); else --gpu-layers
 *     flash_attention: auto                               # optional: auto (default), on or off
 *     kv_cache_type: q8_0                                 # optional: f16 (default), q8_0 (half the memory), q4_0, ...
 *     embeddings: false                                   # optional: true for an embedding model (/v1/embeddings only)
 *   - product_name: maas-model-llama-3.1-70b                # a model served elsewhere: engine: instead of model:
 *     model_name: meta-llama/Meta-Llama-3.1-70B-Instruct   # required
 *     context_length: 8192                                # required: the upstream's context
 *     prompt_format: chat                                 # optional, as above; max_queued too
 *     engine:
 *       type: vllm                                        # openai | vllm | llama-server | tgi | maas
 *       endpoints: [http://gpu-node-1:8000, http://gpu-node-2:8000]
 *       upstream_model: llama-3.1-70b                     # optional: default model_name
 *       api_key_env: UPSTREAM_KEY                         # optional: bearer key read from this variable
 *       max_concurrent: 32                                # optional: streams per endpoint before the gateway queues
 *       tool_call_format: hermes                          # type vllm only, optional: how the model writes tool calls
 *       first_token_timeout: 5m                           # optional: wait for the first token (queue, prompt); 60s
 *       idle_timeout: 60s                                 # optional: silence between tokens before failover; 60s
 *       # type maas only: auth_url, client_id, client_secret_env, cloud_account, product_name (of the upstream)
 * </pre>
 * Relative model paths are taken from the catalog file's folder. Any mistake is reported with the product it is in.
 */
public final class CatalogFile {

    private static final Pattern WAIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|)");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    // Each product is mapped on its own, so that any mistake in it, an unknown key too, names the product.
    record Document(@JsonProperty(value = "products", required = true) List<JsonNode> products,
                    @JsonProperty("llama_lib") String llamaLib) {
    }

    record Entry(
            @JsonProperty("product_name") String productName,
            @JsonProperty("product_id") String productId,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model") String model,
            @JsonProperty("context_length") Integer contextLength,
            @JsonProperty("prompt_format") String promptFormat,
            @JsonProperty("chat_template") String chatTemplate,
            @JsonProperty("slots") Integer slots,
            @JsonProperty("max_queued") Integer maxQueued,
            @JsonProperty("reproducible") Boolean reproducible,
            @JsonProperty("prefill_chunk") Integer prefillChunk,
            @JsonProperty("gpu_layers") Integer gpuLayers,
            @JsonProperty("flash_attention") String flashAttention,
            @JsonProperty("kv_cache_type") String kvCacheType,
            @JsonProperty("embeddings") Boolean embeddings,
            @JsonProperty("engine") EngineEntry engine) {
    }

    record EngineEntry(
            @JsonProperty("type") String type,
            @JsonProperty("endpoints") List<String> endpoints,
            @JsonProperty("upstream_model") String upstreamModel,
            @JsonProperty("api_key_env") String apiKeyEnv,
            @JsonProperty("max_concurrent") Integer maxConcurrent,
            @JsonProperty("tool_call_format") String toolCallFormat,
            @JsonProperty("first_token_timeout") String firstTokenTimeout,
            @JsonProperty("idle_timeout") String idleTimeout,
            @JsonProperty("auth_url") String authUrl,
            @JsonProperty("client_id") String clientId,
            @JsonProperty("client_secret_env") String clientSecretEnv,
            @JsonProperty("cloud_account") String cloudAccount,
            @JsonProperty("product_name") String productName) {
    }

    private CatalogFile() {
    }

    /**
     * @param environment where {@code api_key_env} and {@code client_secret_env} are looked up
     * @throws IllegalArgumentException with a sentence naming the file, the product and the mistake
     */
    public static List<ProductConfig> read(Path file, Map<String, String> environment) {
        Document document = document(file);
        if (document == null || document.products() == null || document.products().isEmpty()) {
            throw new IllegalArgumentException("catalog file " + file + " declares no products (expected a 'products:' list)");
        }
        Path baseDir = file.toAbsolutePath().getParent();
        List<ProductConfig> products = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < document.products().size(); i++) {
            ProductConfig product = toProduct(document.products().get(i), "catalog file " + file + ", product " + (i + 1),
                    baseDir, environment);
            if (!names.add(product.productName())) {
                throw new IllegalArgumentException("catalog file " + file + ": product_name " + product.productName()
                        + " is declared twice");
            }
            if (!ids.add(product.productId())) {
                throw new IllegalArgumentException("catalog file " + file + ": product_id " + product.productId()
                        + " is used by two products");
            }
            products.add(product);
        }
        return products;
    }

    /**
     * The folder of the llama.cpp build the catalog names ({@code llama_lib}, relative to the catalog's folder), if any.
     *
     * @throws IllegalArgumentException as {@link #read} does
     */
    public static Optional<Path> llamaLibrary(Path file) {
        Document document = document(file);
        return Optional.ofNullable(document == null ? null : document.llamaLib()).filter(dir -> !dir.isBlank())
                .map(dir -> file.toAbsolutePath().getParent().resolve(dir));
    }

    private static Document document(Path file) {
        try {
            return YAML.readValue(Files.readAllBytes(file), Document.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("catalog file " + file + " does not exist");
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("catalog file " + file + ": " + unknownKey(e));
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("catalog file " + file + ": " + e.getOriginalMessage()
                    + " at " + e.getPathReference());
        } catch (IOException e) {
            throw new IllegalArgumentException("catalog file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * One product as the admin API and {@code maas admin products} take it: a catalog entry's keys, in YAML or JSON,
     * checked as the file's entries are.
     *
     * @param baseDir the folder relative model paths are taken from
     * @throws IllegalArgumentException with a sentence naming the product and the mistake
     */
    public static ProductConfig readEntry(String text, Path baseDir, Map<String, String> environment) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("a product is one catalog entry in YAML or JSON (product_name, model, "
                    + "...), which this is not: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node != null && !node.isMissingNode() && !node.isNull() && !node.isObject()) {
            throw new IllegalArgumentException("a product is one catalog entry, an object of keys (product_name, "
                    + "model, ...), not " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return toProduct(node == null || node.isMissingNode() ? null : node, "product", baseDir, environment);
    }

    private static ProductConfig toProduct(JsonNode node, String where, Path baseDir, Map<String, String> environment) {
        if (node == null || node.isNull()) { // a bare '-' (or '- ~') in the list: YAML reads it as null, not as an entry without keys
            throw new IllegalArgumentException(where + ": the entry is empty; give at least product_name and model");
        }
        String name = node.path("product_name").isTextual() ? node.path("product_name").asText() : null;
        where += (name == null ? "" : " (" + name + ")") + ": ";
        try {
            Entry entry = YAML.treeToValue(node, Entry.class);
            if (entry.productName() == null) {
                throw new IllegalArgumentException("product_name is required");
            }
            UUID id = entry.productId() == null ? ProductConfig.stableId(entry.productName()) : parseId(entry.productId());
            int maxQueued = entry.maxQueued() == null ? ProductConfig.DEFAULT_MAX_QUEUED : entry.maxQueued();
            boolean embeddings = Boolean.TRUE.equals(entry.embeddings());
            if (embeddings) {
                requireNoGenerationKeys(entry);
            }
            if (entry.engine() != null) {
                return remoteProduct(entry, id, maxQueued, environment);
            }
            if (entry.model() == null || entry.model().isBlank()) {
                throw new IllegalArgumentException("model is required: a GGUF path or hf://owner/repo/file.gguf "
                        + "(or an engine: block for a model served elsewhere)");
            }
            return new ProductConfig(entry.productName(), id, blankToNull(entry.modelName()),
                    ModelSource.parse(entry.model(), baseDir),
                    entry.contextLength() == null ? 0 : entry.contextLength(),
                    parseFormat(entry.promptFormat()),
                    blankToNull(entry.chatTemplate()),
                    entry.slots() == null ? 1 : entry.slots(),
                    maxQueued,
                    Boolean.TRUE.equals(entry.reproducible()),
                    entry.prefillChunk() == null ? ProductConfig.DEFAULT_PREFILL_CHUNK : entry.prefillChunk(),
                    new LlamaSettings(entry.gpuLayers() == null ? OptionalInt.empty() : OptionalInt.of(entry.gpuLayers()),
                            entry.flashAttention() == null ? FlashAttention.AUTO : FlashAttention.parse(entry.flashAttention()),
                            entry.kvCacheType() == null ? KvCacheType.F16 : KvCacheType.parse(entry.kvCacheType())),
                    embeddings);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(where + unknownKey(e), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + e.getOriginalMessage() + " at " + keyPath(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    /**
     * An embedding model's product makes vectors, so the keys that shape generation mean nothing for it. Beside an
     * {@code engine:} block embeddings are refused: an upstream's {@code /v1/embeddings} is not passed through.
     */
    private static void requireNoGenerationKeys(Entry entry) {
        if (entry.engine() != null) {
            throw new IllegalArgumentException("embeddings: true is served by the embedded engine only (model:); an "
                    + "engine: block's upstream embeddings are not passed through, so leave one of them out");
        }
        Map<String, Object> generationOnly = new LinkedHashMap<>();
        generationOnly.put("prompt_format", entry.promptFormat());
        generationOnly.put("chat_template", entry.chatTemplate());
        generationOnly.put("slots", entry.slots());
        generationOnly.put("reproducible", entry.reproducible());
        generationOnly.put("prefill_chunk", entry.prefillChunk());
        refuseSet(generationOnly, key -> key + " configures generation; a product with embeddings: true only embeds "
                + "(POST /v1/embeddings), so leave " + key + " out");
    }

    /** Refuses the first of {@code keys} that the entry sets, saying why with {@code refusal} of its name. */
    private static void refuseSet(Map<String, Object> keys, Function<String, String> refusal) {
        keys.forEach((key, value) -> {
            if (value != null) {
                throw new IllegalArgumentException(refusal.apply(key));
            }
        });
    }

    /**
     * A product whose model runs elsewhere: the keys that configure the embedded engine mean nothing for it, and the
     * context length cannot be read from a GGUF, so the operator states the upstream's.
     */
    private static ProductConfig remoteProduct(Entry entry, UUID id, int maxQueued, Map<String, String> environment) {
        Map<String, Object> embeddedOnly = new LinkedHashMap<>();
        embeddedOnly.put("model", entry.model());
        embeddedOnly.put("slots", entry.slots());
        embeddedOnly.put("chat_template", entry.chatTemplate());
        embeddedOnly.put("reproducible", entry.reproducible());
        embeddedOnly.put("prefill_chunk", entry.prefillChunk());
        embeddedOnly.put("gpu_layers", entry.gpuLayers());
        embeddedOnly.put("flash_attention", entry.flashAttention());
        embeddedOnly.put("kv_cache_type", entry.kvCacheType());
        refuseSet(embeddedOnly, key -> key + " configures a model this process loads; a product with an engine: "
                + "block is served by its upstream, so leave " + key + " out (set it on the upstream)");
        if (blankToNull(entry.modelName()) == null) {
            throw new IllegalArgumentException("model_name is required with an engine: block (there is no GGUF here "
                    + "to read it from)");
        }
        if (entry.contextLength() == null || entry.contextLength() < 1) {
            throw new IllegalArgumentException("context_length is required with an engine: block and must be at "
                    + "least 1: the upstream's context, which this server checks max_new_tokens against"
                    + (entry.contextLength() == null ? "" : ", got " + entry.contextLength()));
        }
        return new ProductConfig(entry.productName(), id, entry.modelName(),
                new ModelSource.Remote(engine(entry.engine(), entry.modelName(), environment)),
                entry.contextLength(), parseFormat(entry.promptFormat()), null, 1, maxQueued, false,
                ProductConfig.DEFAULT_PREFILL_CHUNK);
    }

    private static RemoteEngineConfig engine(EngineEntry e, String modelName, Map<String, String> environment) {
        if (e.type() == null) {
            throw new IllegalArgumentException("engine.type is required: one of openai, vllm, llama-server, tgi, maas");
        }
        UpstreamType type = UpstreamType.parse(e.type());
        if (e.endpoints() == null || e.endpoints().isEmpty()) {
            throw new IllegalArgumentException("engine.endpoints is required: a list of http(s) URLs, e.g. "
                    + "[http://gpu-node-1:8080]");
        }
        List<URI> endpoints = e.endpoints().stream().map(CatalogFile::endpoint).toList();
        Optional<String> apiKey = Optional.ofNullable(e.apiKeyEnv()).map(v -> secret("engine.api_key_env", v, environment));
        Map<String, String> maasFields = new LinkedHashMap<>();
        maasFields.put("auth_url", e.authUrl());
        maasFields.put("client_id", e.clientId());
        maasFields.put("client_secret_env", e.clientSecretEnv());
        maasFields.put("cloud_account", e.cloudAccount());
        maasFields.put("product_name", e.productName());
        Optional<MaasUpstream.Account> maas = Optional.empty();
        if (type == UpstreamType.MAAS) {
            List<String> missing = maasFields.entrySet().stream().filter(f -> blankToNull(f.getValue()) == null)
                    .map(f -> "engine." + f.getKey()).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("engine.type maas needs " + String.join(", ", missing)
                        + ": the upstream's token URL, client id, the variable holding its secret, the account and "
                        + "its product name");
            }
            maas = Optional.of(new MaasUpstream.Account(endpointUrl("engine.auth_url", e.authUrl()),
                    e.clientId(), secret("engine.client_secret_env", e.clientSecretEnv(), environment),
                    e.cloudAccount(), e.productName()));
        } else {
            maasFields.forEach((key, value) -> {
                if (value != null) {
                    throw new IllegalArgumentException("engine." + key + " belongs to engine.type maas only, not "
                            + type.catalogName());
                }
            });
        }
        String upstreamModel = blankToNull(e.upstreamModel()) == null ? modelName : e.upstreamModel();
        UpstreamTimeouts timeouts = new UpstreamTimeouts(
                wait("engine.first_token_timeout", e.firstTokenTimeout(), UpstreamTimeouts.DEFAULTS.firstToken()),
                wait("engine.idle_timeout", e.idleTimeout(), UpstreamTimeouts.DEFAULTS.idle()));
        return new RemoteEngineConfig(type, endpoints, upstreamModel, apiKey,
                e.maxConcurrent() == null ? RemoteEngineConfig.DEFAULT_MAX_CONCURRENT : e.maxConcurrent(), maas,
                Optional.ofNullable(e.toolCallFormat()), timeouts);
    }

    /** A wait as seconds ({@code 90}, {@code 2.5}) or a number and its unit ({@code 500ms}, {@code 90s}, {@code 5m}). */
    private static Duration wait(String key, String text, Duration absent) {
        if (text == null) {
            return absent;
        }
        Matcher m = WAIT.matcher(text.strip());
        if (m.matches()) {
            BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(switch (m.group(2)) {
                case "ms" -> 1L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 1000L; // s, or no unit
            }));
            if (millis.compareTo(BigDecimal.valueOf(UpstreamTimeouts.MIN.toMillis())) >= 0
                    && millis.compareTo(BigDecimal.valueOf(UpstreamTimeouts.MAX.toMillis())) <= 0) {
                return Duration.ofMillis(millis.longValue());
            }
        }
        throw new IllegalArgumentException(key + " '" + text + "' is not a wait from " + UpstreamTimeouts.MIN.toMillis()
                + "ms to " + UpstreamTimeouts.MAX.toHours() + "h: seconds (90, 2.5) or a number with its unit (500ms, "
                + "90s, 5m, 1h)");
    }

    private static URI endpoint(String url) {
        return endpointUrl("engine.endpoints", url);
    }

    /** An http(s) URL with a host, without a trailing slash, credentials, query or fragment. */
    private static URI endpointUrl(String key, String url) {
        URI uri;
        try {
            uri = url == null ? null : new URI(url.strip());
        } catch (URISyntaxException ex) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(key + " '" + url + "' is not an http(s) URL with a host (like "
                    + "http://gpu-node-1:8080), without credentials, query or fragment");
        }
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    private static String secret(String key, String variable, Map<String, String> environment) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " names " + variable + ", which is not set in the server's "
                    + "environment");
        }
        return value;
    }

    private static String unknownKey(UnrecognizedPropertyException e) {
        return "unknown key '" + keyPath(e) + "'; allowed keys: " + e.getKnownPropertyIds().stream()
                .map(Object::toString).sorted().collect(Collectors.joining(", "));
    }

    /** The key a mapping error is at, as the catalog writes it ({@code engine.max_concurrent}). */
    private static String keyPath(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m)) {
            return "?";
        }
        return m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .filter(k -> !k.equals("products")).collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("product_id '" + id + "' is not a UUID");
        }
    }

    private static PromptFormat parseFormat(String format) {
        if (format == null) {
            return PromptFormat.RAW;
        }
        try {
            return PromptFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prompt_format '" + format + "' is not one of: raw, chat");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
