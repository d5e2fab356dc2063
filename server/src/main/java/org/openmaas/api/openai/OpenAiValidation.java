package org.openmaas.api.openai;

import static org.openmaas.api.Checks.floatInRange;
import static org.openmaas.api.Checks.intInRange;
import static org.openmaas.api.Checks.requireGenerates;
import static org.openmaas.api.Checks.stopSequences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.openmaas.api.ApiException;
import org.openmaas.api.Constraints;
import org.openmaas.api.Json;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.chat.reasoning.Reasoning;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Engine;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Tokenizer;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.grammar.ConstraintGrammar;
import org.openmaas.grammar.Gbnf;
import org.openmaas.grammar.GrammarException;
import org.openmaas.grammar.JsonSchemaGrammar;

/**
 * Turns an OpenAI request body into the one type the engine accepts, resolving every default once and checking every
 * field against OpenAI's documented ranges and the product's limits. Refusals name the field in {@code param}.
 */
final class OpenAiValidation {

    static final float MAX_TEMPERATURE = 2;
    static final float MAX_ABS_PENALTY = 2;
    /** Choices one request may ask for ({@code n}): each is a generation of its own, decoded beside the others. */
    static final int MAX_CHOICES = 8;
    /** The engine reports at most this many alternatives per token (OpenAI allows 20). */
    static final int MAX_TOP_LOGPROBS = 5;
    /** {@code max_tokens} of a chat completion, when absent: the rest of the context, but no more than this. */
    static final int DEFAULT_MAX_TOKENS_CAP = 2048;
    /** {@code max_tokens} of a legacy completion when absent, as OpenAI documents it. */
    static final int LEGACY_DEFAULT_MAX_TOKENS = 16;
    /** OpenAI's roles; {@code developer} is OpenAI's newer name for {@code system}. */
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** The families whose tool calls this server reads, for the refusal of a model of another. */
    static final String TOOL_FAMILIES = "Llama 3.x, Hermes 2 Pro/3, Qwen2.5/Qwen3, Mistral Nemo, Mistral Small 3.2/"
            + "Devstral, Granite 3.x, DeepSeek R1";

    /** When to ask again after an engine elsewhere could not say how it takes tools (its upstream did not answer). */
    static final long TOOLS_RETRY_SECONDS = 5;

    /**
     * How to answer, beside what to generate.
     *
     * @param logprobs  whether to report each token's logprob (its alternatives: the request's topNTokens)
     * @param choices   independent generations of the prompt ({@code n}); choice i draws from seed + i
     * @param tools     whether the request lets the model call tools, so a reply may be calls
     * @param toolCalls the format the model writes tool calls in, when the request lets it call tools and the reply's
     *                  text is read here for them; empty when the engine's upstream reads them itself
     * @param reasoning how the reply writes its reasoning, when the model's family reasons before it answers
     */
    record Options(boolean stream, boolean includeUsage, boolean logprobs, int choices, boolean tools,
                   Optional<ToolCallFormat> toolCalls, Optional<Reasoning> reasoning) {
    }

    /** A request ready for the engine, with the catalog entry that will serve it. */
    record Validated(CatalogEntry entry, GenerationRequest request, Options options) {
    }

    private final Catalog catalog;
    private final BiPredicate<String, String> entitled;
    private final SecureRandom seeds = new SecureRandom();

    /** @param entitled whether a cloud account may use a product, by product name */
    OpenAiValidation(Catalog catalog, BiPredicate<String, String> entitled) {
        this.catalog = catalog;
        this.entitled = entitled;
    }

    Validated chat(ChatCompletionBody body, String account, String requestId) {
        CatalogEntry entry = model(body.model(), account);
        requireGenerates(entry);
        if (!entry.engine().model().hasChatTemplate()) {
            throw invalid("model", "model '" + body.model() + "' has no chat template, so it cannot take messages; "
                    + "use POST /v1/completions with a prompt, or ask the operator to set chat_template for "
                    + entry.product().productName());
        }
        boolean logprobs = Boolean.TRUE.equals(body.logprobs());
        unsupported(body.functions(), "functions", "functions is OpenAI's legacy form of tools; declare them in "
                + "tools", v -> false);
        unsupported(body.functionCall(), "function_call", "function_call is OpenAI's legacy form of tool_choice; "
                + "use tool_choice with tools", v -> false);
        ToolUse tools = ToolUse.of(body.tools(), body.toolChoice(), body.parallelToolCalls());
        OutputConstraint constraint = ResponseFormat.constraint(body.responseFormat());
        if (tools.forced() && !(constraint instanceof OutputConstraint.None)) {
            throw invalid(ResponseFormat.FIELD, "response_format cannot be combined with a forced tool call "
                    + "(tool_choice " + body.toolChoice() + "): the reply is the call, its arguments shaped by "
                    + "the tool's parameters");
        }
        if (body.maxTokens() != null && body.maxCompletionTokens() != null
                && !body.maxTokens().equals(body.maxCompletionTokens())) {
            throw invalid("max_tokens", "max_tokens (" + body.maxTokens() + ") and max_completion_tokens ("
                    + body.maxCompletionTokens() + ") differ; send one of them");
        }
        if (body.topLogprobs() != null && !logprobs) {
            throw invalid("top_logprobs", "top_logprobs needs logprobs set to true");
        }
        int topLogprobs = intInRange("top_logprobs", body.topLogprobs(), 0, 0, MAX_TOP_LOGPROBS);
        Prompt.Chat chat = new Prompt.Chat(messages(body.messages()), tools.active() ? tools.tools() : List.of(),
                tools.choice(), tools.parallel());
        Optional<ToolCallFormat> format = tools.active() ? toolCallFormat(entry, chat, body.model()) : Optional.empty();
        Prompt prompt = chat; // for an engine that renders it itself
        Optional<Reasoning> reasoning = Optional.empty();
        Optional<Tokenizer> tokenizer = entry.engine().tokenizer();
        if (tokenizer.isPresent()) {
            String rendered = render(tokenizer.get(), chat, body.model());
            prompt = tokens(tokenizer.get().tokenize(rendered, true), "messages");
            reasoning = tokenizer.get().chatTemplate(chat).flatMap(template -> Reasoning.of(template, rendered));
        }
        String constraintField = ResponseFormat.FIELD;
        if (tools.forced() && format.isPresent()) { // else the upstream that reads the calls forces them itself
            constraint = new OutputConstraint.Gbnf(forcedCalls(format.orElseThrow(), tools));
            constraintField = ToolUse.TOOL_CHOICE;
        }
        if (reasoning.isPresent() && reasoning.get().opened() && !(constraint instanceof OutputConstraint.None)) {
            constraint = closingReasoning(constraint, reasoning.get(), constraintField);
        }
        Options options = options(body, logprobs, tools.active(), format, reasoning);
        boolean newName = body.maxCompletionTokens() != null;
        int maxTokens = maxTokens(entry, prompt, newName ? "max_completion_tokens" : "max_tokens",
                newName ? body.maxCompletionTokens() : body.maxTokens(), DEFAULT_MAX_TOKENS_CAP, "messages");
        return new Validated(entry, request(entry, body, account, requestId, prompt, maxTokens, options, topLogprobs,
                constraint, constraintField), options);
    }

    /**
     * A conversation rendered with the model's chat template, opening the assistant's turn; a conversation the template
     * cannot render (tools, tool calls or results, for a renderer without them) is refused naming what it could not
     * render.
     */
    private static String render(Tokenizer tokenizer, Prompt.Chat chat, String model) {
        try {
            return tokenizer.applyChatTemplate(chat, true);
        } catch (IllegalStateException e) {
            String field = chat.tools().isEmpty() ? "messages" : ToolUse.TOOLS;
            throw invalid(field, "the chat template of model '" + model + "' cannot render this conversation: "
                    + e.getMessage());
        }
    }

    /**
     * The format the model of {@code entry} writes tool calls in, as its engine tells it: by the chat template that
     * shows the model the tools, or by the family the catalog names for an engine whose template this server cannot
     * see; empty for an engine whose upstream reads the calls itself. Refused for an engine that takes no tools (503 when it
     * could not be asked now), and for a template of a family whose calls this server cannot read (the prompt would
     * show the tools, and the calls would come back as text).
     */
    private static Optional<ToolCallFormat> toolCallFormat(CatalogEntry entry, Prompt.Chat chat, String model) {
        String product = entry.product().productName();
        return switch (entry.engine().toolCalling(chat)) {
            case ToolCalling.Template(String template) -> Optional.of(ToolCallFormat.forTemplate(template)
                    .orElseThrow(() -> invalid(ToolUse.TOOLS, "tools: the chat template of model '" + model + "' is of "
                            + "no family whose tool calls this server can read (" + TOOL_FAMILIES + "); send the "
                            + "request without tools")));
            case ToolCalling.Family(String family) -> Optional.of(Optional.ofNullable(ToolCallFormat.NAMED.get(family))
                    .orElseThrow(() -> new IllegalStateException("the catalog lets only known formats through: "
                            + family)));
            case ToolCalling.Native nativeCalls -> Optional.empty();
            case ToolCalling.Refused(String reason, boolean lasting) when lasting ->
                    throw invalid(ToolUse.TOOLS, "tools: " + product + " " + reason + "; send the request without "
                            + "tools");
            case ToolCalling.Refused(String reason, boolean lasting) ->
                    throw new ApiException.Unavailable("tools: " + product + " " + reason, TOOLS_RETRY_SECONDS);
        };
    }

    /**
     * The grammar of a reply of calls only, for {@code tool_choice} {@code required} or a named function; a tool whose
     * parameters schema cannot be expressed is refused naming it.
     */
    private static String forcedCalls(ToolCallFormat format, ToolUse tools) {
        for (int i = 0; i < tools.tools().size(); i++) {
            ToolDefinition tool = tools.tools().get(i);
            if (tools.callable().contains(tool) && tool.parameters().isPresent()) {
                try {
                    JsonSchemaGrammar.compile(tool.parameters().get());
                } catch (GrammarException e) {
                    String field = "tools[" + i + "].function.parameters";
                    throw invalid(field, field + ": " + e.getMessage());
                }
            }
        }
        return format.grammar(tools.callable(), tools.parallel());
    }

    /**
     * The constraint of a reply whose prompt opened its reasoning (QwQ, the R1 distills): the closing tag first, so the
     * constrained text is the answer, not reasoning. llama-server lets the model reason before; a grammar of reasoning
     * that must end would let a model ramble until its tokens run out, so here a constrained reply does not reason.
     */
    private static OutputConstraint closingReasoning(OutputConstraint constraint, Reasoning reasoning, String field) {
        try {
            return new OutputConstraint.Gbnf(Gbnf.prefixed(reasoning.close() + "\n\n",
                    ConstraintGrammar.gbnf(constraint)));
        } catch (GrammarException e) {
            throw invalid(field, field + ": " + e.getMessage());
        }
    }

    Validated completion(CompletionBody body, String account, String requestId) {
        CatalogEntry entry = model(body.model(), account);
        requireGenerates(entry);
        Options options = options(body, body.logprobs() != null, false, Optional.empty(), Optional.empty());
        if (Boolean.TRUE.equals(body.echo())) {
            throw invalid("echo", "echo is not supported: the response holds only the completion");
        }
        if (body.suffix() != null && !body.suffix().isEmpty()) {
            throw invalid("suffix", "suffix (insertion) is not supported");
        }
        if (body.bestOf() != null && body.bestOf() != 1) {
            throw invalid("best_of", "best_of must be 1 on this server, got " + body.bestOf());
        }
        int topLogprobs = intInRange("logprobs", body.logprobs(), 0, 0, MAX_TOP_LOGPROBS);
        Prompt prompt = prompt(entry.engine(), body.prompt());
        int maxTokens = maxTokens(entry, prompt, "max_tokens", body.maxTokens(), LEGACY_DEFAULT_MAX_TOKENS, "prompt");
        return new Validated(entry, request(entry, body, account, requestId, prompt, maxTokens, options, topLogprobs,
                OutputConstraint.NONE, ResponseFormat.FIELD), options);
    }

    /**
     * The product a request's {@code model} names among those {@code account} may use: a product name (the ids
     * {@code GET /v1/models} lists) or, when exactly one such product serves it, a model name. A product the account
     * may not use does not exist for it.
     */
    CatalogEntry model(String model, String account) {
        if (model == null || model.isBlank()) {
            throw invalid("model", "model is required; GET /v1/models lists the ids");
        }
        List<CatalogEntry> named = named(model, account);
        if (named.size() > 1) {
            throw invalid("model", "model '" + model + "' is served by several products ("
                    + named.stream().map(e -> e.product().productName()).collect(Collectors.joining(", "))
                    + "); name one of them");
        }
        if (named.isEmpty()) {
            throw new ApiException.NotFound("the model '" + model + "' does not exist; GET /v1/models lists the ids",
                    "model");
        }
        return named.getFirst();
    }

    /**
     * The products {@code account} may use that {@code model} names: the product of that name, else those serving a
     * model of that name. Nothing here depends on products the account may not use.
     */
    List<CatalogEntry> named(String model, String account) {
        var byProduct = catalog.find(model).filter(e -> usable(e, account));
        if (byProduct.isPresent()) {
            return List.of(byProduct.get());
        }
        return catalog.entries().stream()
                .filter(e -> e.product().modelName().equals(model) && usable(e, account)).toList();
    }

    private boolean usable(CatalogEntry entry, String account) {
        return entitled.test(account, entry.product().productName());
    }

    /** The fields that say how to answer. */
    private static Options options(CommonFields body, boolean logprobs, boolean tools,
                                   Optional<ToolCallFormat> toolCalls, Optional<Reasoning> reasoning) {
        int choices = intInRange("n", body.n(), 1, 1, MAX_CHOICES);
        boolean stream = Boolean.TRUE.equals(body.stream());
        if (body.streamOptions() != null && !stream) {
            throw invalid("stream_options", "stream_options is only allowed when stream is true");
        }
        boolean includeUsage = stream && Boolean.TRUE.equals(body.streamOptions() == null ? null
                : body.streamOptions().includeUsage());
        return new Options(stream, includeUsage, logprobs, choices, tools, toolCalls, reasoning);
    }

    private GenerationRequest request(CatalogEntry entry, CommonFields body, String account, String requestId,
                                      Prompt prompt, int maxTokens, Options options, int topLogprobs,
                                      OutputConstraint constraint, String constraintField) {
        // Without logprobs in the answer, none is asked of the engine (on a remote llama-server they cost).
        GenerationRequest request = new GenerationRequest(requestId, account, prompt, maxTokens, sampling(body, entry),
                stopSequences(stop(body.stop())), topLogprobs, options.logprobs(), entry.config().reproducible(),
                constraint);
        Constraints.requireSupported(entry.engine(), request, constraintField);
        return request;
    }

    /** OpenAI samples unless the temperature is 0; a top_p of 0 keeps only the most likely token, so it is greedy too. */
    private Sampling sampling(CommonFields body, CatalogEntry entry) {
        float temperature = floatInRange("temperature", body.temperature(), 1, 0, true, MAX_TEMPERATURE);
        float topP = floatInRange("top_p", body.topP(), 1, 0, true, 1);
        float frequency = floatInRange("frequency_penalty", body.frequencyPenalty(), 0, -MAX_ABS_PENALTY, true,
                MAX_ABS_PENALTY);
        float presence = floatInRange("presence_penalty", body.presencePenalty(), 0, -MAX_ABS_PENALTY, true,
                MAX_ABS_PENALTY);
        boolean sample = temperature > 0 && topP > 0;
        long seed = body.seed() != null ? body.seed() : seeds.nextLong();
        return new Sampling(sample, sample ? temperature : 1f, 0, sample ? topP : 1f, 1f, 1f, frequency, presence,
                seed, logitBias(body.logitBias(), entry.engine().model().vocabSize()));
    }

    /** {@code logit_bias}: token ids (as strings) of the model's vocabulary, each mapped to -100 … 100. */
    private static Map<Integer, Float> logitBias(Map<String, Double> given, int vocabSize) {
        if (given == null) {
            return Map.of();
        }
        Map<Integer, Float> biases = new HashMap<>();
        given.forEach((id, bias) -> {
            int token;
            try {
                token = Integer.parseInt(id);
            } catch (NumberFormatException e) {
                throw invalid("logit_bias", "logit_bias key '" + id + "' is not a token id; keys are token ids "
                        + "(0 to " + (vocabSize - 1) + ") as strings");
            }
            if (token < 0 || token >= vocabSize) {
                throw invalid("logit_bias", "logit_bias names token " + id + ", which is not in this model's "
                        + "vocabulary (0 to " + (vocabSize - 1) + ")");
            }
            if (bias == null || !(bias >= Sampling.BAN && bias <= Sampling.MAX_BIAS)) {
                throw invalid("logit_bias", "logit_bias of token " + id + " must be between -100 (banned) and 100, "
                        + "got " + bias);
            }
            biases.put(token, bias.floatValue());
        });
        return biases;
    }

    /**
     * {@code max_tokens} as given, checked against what the context leaves after the prompt; when absent, that rest
     * of the context, at most {@code cap}. A prompt only the engine can count is checked by the engine.
     */
    private static int maxTokens(CatalogEntry entry, Prompt input, String field, Integer given, int cap,
                                 String promptField) {
        int context = entry.engine().model().contextLength();
        if (!(input instanceof Prompt.Tokens(int[] prompt))) {
            return given == null ? Math.min(context, cap) : intInRange(field, given, 0, 1, context);
        }
        int left = context - prompt.length;
        if (left < 1) {
            throw invalid(promptField, "the " + prompt.length + " tokens of the " + promptField + " leave no room "
                    + "in the context of " + entry.product().productName() + " (" + context + " tokens); shorten them");
        }
        if (given == null) {
            return Math.min(left, cap);
        }
        int maxTokens = intInRange(field, given, 0, 1, context);
        if (maxTokens > left) {
            throw invalid(field, "the " + prompt.length + " tokens of the " + promptField + " and " + field + " "
                    + maxTokens + " make " + (prompt.length + maxTokens) + ", more than the context of "
                    + entry.product().productName() + " (" + context + " tokens); ask for at most " + left
                    + " tokens or shorten the " + promptField);
        }
        return maxTokens;
    }

    /**
     * The conversation: each message's role and text, an assistant's tool calls (its content may then be null) and a
     * tool message's answer to one of them, which must name a call an earlier assistant message made.
     */
    private static List<ChatMessage> messages(List<ChatCompletionBody.Message> messages) {
        if (messages == null || messages.isEmpty()) {
            throw invalid("messages", "messages is required: a list of {\"role\": \"user\", \"content\": \"...\"}");
        }
        List<ChatMessage> chat = new ArrayList<>();
        Set<String> callIds = new HashSet<>(); // of the calls made so far
        for (int i = 0; i < messages.size(); i++) {
            ChatCompletionBody.Message m = messages.get(i);
            String at = "messages[" + i + "]";
            if (m == null) {
                throw invalid(at, at + " is null; each message is {\"role\": ..., \"content\": ...}");
            }
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw invalid(at + ".role", at + ".role is " + (m.role() == null ? "missing" : "'" + m.role() + "'")
                        + "; allowed: system, developer, user, assistant, tool (function messages are OpenAI's legacy "
                        + "form of tool messages)");
            }
            unsupported(m.functionCall(), at + ".function_call", "function_call is OpenAI's legacy form of tool_calls",
                    v -> false);
            unsupported(m.audio(), at + ".audio", "audio is not supported", v -> false);
            List<ToolCall> calls = List.of();
            if (m.role().equals("assistant")) {
                calls = toolCalls(m.toolCalls(), at + ".tool_calls");
            } else {
                unsupported(m.toolCalls(), at + ".tool_calls", "only assistant messages make tool calls", v -> false);
            }
            Optional<String> answers = Optional.empty();
            if (m.role().equals("tool")) {
                if (m.toolCallId() == null || !callIds.contains(m.toolCallId())) {
                    throw invalid(at + ".tool_call_id", at + ".tool_call_id must be the id of a tool call an earlier "
                            + "assistant message made, got " + (m.toolCallId() == null ? "none"
                            : "'" + m.toolCallId() + "'"));
                }
                answers = Optional.of(m.toolCallId());
            } else if (m.toolCallId() != null) {
                throw invalid(at + ".tool_call_id", at + ".tool_call_id belongs in tool messages only");
            }
            calls.forEach(call -> callIds.add(call.id()));
            Optional<String> content = absent(m.content()) && !calls.isEmpty() ? Optional.empty()
                    : Optional.of(text(m.content(), at + ".content"));
            String role = m.role().equals("developer") ? "system" : m.role();
            chat.add(new ChatMessage(role, content, calls, answers));
        }
        return chat;
    }

    /** An assistant message's {@code tool_calls}, as OpenAI returned them: id, type function, name, arguments. */
    private static List<ToolCall> toolCalls(JsonNode calls, String at) {
        if (absent(calls)) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw invalid(at, at + " must be a list of {\"id\": ..., \"type\": \"function\", \"function\": "
                    + "{\"name\": ..., \"arguments\": \"...\"}}");
        }
        List<ToolCall> parsed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String field = at + "[" + i + "]";
            JsonNode function = call.path("function");
            if (!call.path("id").isTextual() || call.path("id").asText().isEmpty()
                    || !"function".equals(call.path("type").asText(null)) || !function.path("name").isTextual()
                    || !function.path("arguments").isTextual()) {
                throw invalid(field, field + " must be {\"id\": \"...\", \"type\": \"function\", \"function\": "
                        + "{\"name\": \"...\", \"arguments\": \"<a JSON object as a string>\"}}");
            }
            String arguments = function.get("arguments").asText();
            if (!isJsonObject(arguments)) {
                throw invalid(field + ".function.arguments", field + ".function.arguments must be a JSON object as a "
                        + "string, as the call's response gave it");
            }
            parsed.add(new ToolCall(call.get("id").asText(), function.get("name").asText(), arguments));
        }
        return parsed;
    }

    private static boolean isJsonObject(String text) {
        try {
            return Json.MAPPER.readTree(text) instanceof ObjectNode;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** A message's content: a string, or a list of text parts joined. */
    private static String text(JsonNode content, String field) {
        if (absent(content)) {
            throw invalid(field, field + " is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw invalid(field, field + " must be a string or a list of text parts, got " + content.getNodeType());
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                throw invalid(field, field + "[" + i + "] must be {\"type\": \"text\", \"text\": \"...\"}; "
                        + "images, audio and files are not supported");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    /**
     * A legacy prompt: a string, a list of one string, or a list of token ids. A string is tokenized here when the
     * engine has a tokenizer, and left to the engine otherwise.
     */
    private static Prompt prompt(Engine engine, JsonNode prompt) {
        if (absent(prompt)) {
            throw invalid("prompt", "prompt is required: a string");
        }
        if (prompt.isTextual()) {
            return text(engine, prompt.asText());
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return text(engine, prompt.get(0).asText());
        }
        if (prompt.isArray() && !prompt.isEmpty() && allInts(prompt)) {
            int vocab = engine.model().vocabSize();
            int[] tokens = new int[prompt.size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = prompt.get(i).asInt();
                if (tokens[i] < 0 || tokens[i] >= vocab) {
                    throw invalid("prompt", "prompt[" + i + "] is " + tokens[i] + ", not a token id of this model "
                            + "(0 to " + (vocab - 1) + ")");
                }
            }
            return new Prompt.Tokens(tokens);
        }
        throw invalid("prompt", "prompt must be a string, a list of one string or a list of token ids"
                + (prompt.isArray() && prompt.size() > 1 ? "; several prompts in one request are not supported" : ""));
    }

    private static Prompt text(Engine engine, String text) {
        return engine.tokenizer().map(tokenizer -> tokens(tokenizer.tokenize(text, false), "prompt"))
                .orElseGet(() -> {
                    if (text.isEmpty()) {
                        throw invalid("prompt", "prompt must not be empty");
                    }
                    return new Prompt.Text(text);
                });
    }

    private static Prompt tokens(int[] ids, String promptField) {
        if (ids.length == 0) {
            throw invalid(promptField, promptField + " must not be empty");
        }
        return new Prompt.Tokens(ids);
    }

    private static boolean allInts(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.canConvertToInt() || !item.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    /** {@code stop} as OpenAI allows it: a string or a list of strings. */
    private static List<String> stop(JsonNode stop) {
        if (absent(stop)) {
            return null;
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> stops = new ArrayList<>();
            for (JsonNode item : stop) {
                if (!item.isTextual()) {
                    throw invalid("stop", "stop must be a string or a list of strings, got a list holding "
                            + item.getNodeType());
                }
                stops.add(item.asText());
            }
            return stops;
        }
        throw invalid("stop", "stop must be a string or a list of strings, got " + stop.getNodeType());
    }

    /** Refuses a field that asks for a feature this server lacks, unless it is empty or {@code harmless}. */
    private static void unsupported(JsonNode value, String field, String why,
                                    java.util.function.Predicate<JsonNode> harmless) {
        boolean empty = absent(value) || ((value.isArray() || value.isObject()) && value.isEmpty());
        if (!empty && !harmless.test(value)) {
            throw invalid(field, why + " (" + field + ")");
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static ApiException.InvalidArgument invalid(String field, String message) {
        return new ApiException.InvalidArgument(message, field);
    }
}
