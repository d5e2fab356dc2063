package org.openmaas.chat.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;

/**
 * A model's chat template (a GGUF's {@code tokenizer.chat_template}, a Hugging Face Jinja template), compiled once and
 * rendering conversations with their tools, tool calls and tool results.
 *
 * <p>The variables are those llama.cpp's server passes ({@code common/chat.cpp}), so a prompt here is the prompt
 * llama-server builds from the same template, which the tests check: {@code messages} in OpenAI's shape with
 * {@code content} always a string ({@code ""} for a turn of tool calls only), {@code tool_calls} as
 * {@code [{type, function: {name, arguments}, id}]}, {@code tools} as {@code [{type, function: {name, description,
 * parameters}}]} (absent without tools), {@code add_generation_prompt} (absent when false), {@code bos_token},
 * {@code eos_token}, {@code enable_thinking}, {@code date_string}, {@code datetime} and {@code strftime_now}. Like
 * llama.cpp, it first asks the template what it handles: whether it renders a system turn (if not, the system text
 * joins the first user turn) and whether it reads a tool call's arguments as an object (then they are passed parsed,
 * else as the JSON text).
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "MAAS_PROBE_7f3a";

    private final Template template;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final boolean systemRole;
    private final boolean objectArguments;

    private ChatTemplate(Template template, String bosToken, String eosToken, Clock clock) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
        this.systemRole = probe(List.of(message("system", MARKER), message("user", "User message")), null);
        this.objectArguments = probe(toolProbe(Map.of("arg", MARKER)), List.of(tool("tool1")));
    }

    /**
     * Compiles {@code source}.
     *
     * @param bosToken the text of the vocabulary's BOS token, or "" when it has none
     * @param eosToken the text of its EOS token, or ""
     * @param clock    today's date for templates that print it (Llama 3.x)
     * @throws TemplateException when {@code source} does not compile
     */
    public static ChatTemplate compile(String source, String bosToken, String eosToken, Clock clock) {
        return new ChatTemplate(Template.compile(source), bosToken, eosToken, clock);
    }

    /**
     * The prompt of {@code chat}, opening the assistant's turn when {@code addGenerationPrompt}.
     *
     * @throws TemplateException        when the template refuses the conversation (its {@code raise_exception}) or fails
     * @throws IllegalArgumentException when a tool's parameters or a call's arguments are not JSON
     */
    public String render(Prompt.Chat chat, boolean addGenerationPrompt) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ChatMessage message : chat.messages()) {
            messages.add(message(message));
        }
        if (!systemRole && !messages.isEmpty() && "system".equals(messages.getFirst().get("role"))) {
            Map<String, Object> system = messages.removeFirst();
            if (!messages.isEmpty()) { // as llama.cpp does: the system text opens the next turn
                messages.getFirst().put("content", system.get("content") + "\n" + messages.getFirst().get("content"));
            }
        }
        List<Map<String, Object>> tools = null;
        if (!chat.tools().isEmpty()) {
            tools = new ArrayList<>();
            for (ToolDefinition tool : chat.tools()) {
                tools.add(tool(tool));
            }
        }
        return render(messages, tools, addGenerationPrompt);
    }

    private String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                          boolean addGenerationPrompt) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("messages", messages);
        variables.put("bos_token", bosToken);
        variables.put("eos_token", eosToken);
        variables.put("enable_thinking", true);
        if (tools != null) {
            variables.put("tools", tools);
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        variables.put("datetime", Strftime.format("%b %d %Y", now));
        variables.put("date_string", Strftime.format("%d %b %Y", now));
        variables.put("strftime_now", (Callable) (arguments, keywords) ->
                Strftime.format(Methods.string(arguments.getFirst()), ZonedDateTime.now(clock)));
        if (addGenerationPrompt) {
            variables.put("add_generation_prompt", true);
        }
        return template.render(variables);
    }

    /** Whether the marker the probe conversation carries shows in what the template renders of it. */
    private boolean probe(List<Map<String, Object>> messages, List<Map<String, Object>> tools) {
        try {
            return render(messages, tools, true).contains(MARKER);
        } catch (TemplateException e) {
            return false;
        }
    }

    /** llama.cpp's probe of tool calling: a call, its result, the assistant's answer, a next question. */
    private static List<Map<String, Object>> toolProbe(Object arguments) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "tool1");
        function.put("arguments", arguments);
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", "call00001");
        call.put("type", "function");
        call.put("function", function);
        Map<String, Object> assistant = message("assistant", "");
        assistant.put("tool_calls", List.of(call));
        Map<String, Object> result = message("tool", "Tool response");
        result.put("tool_call_id", "call00001");
        return List.of(message("user", "User message"), assistant, result,
                message("assistant", "The tool response was 'tool response'"), message("user", "User message"));
    }

    private static Map<String, Object> tool(String name) {
        return tool(new ToolDefinition(name, Optional.of("Tool description"), Optional.of(
                "{\"type\": \"object\", \"properties\": {\"arg\": {\"type\": \"string\", \"description\": \"Arg description\"}},"
                        + " \"required\": [\"arg\"]}")));
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    private Map<String, Object> message(ChatMessage message) {
        Map<String, Object> json = message(message.role(), message.text());
        message.toolCallId().ifPresent(id -> json.put("tool_call_id", id));
        if (!message.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall call : message.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", objectArguments ? parse(call.arguments(), "the arguments of the call "
                        + call.name()) : call.arguments());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", "function");
                entry.put("function", function);
                if (!call.id().isEmpty()) {
                    entry.put("id", call.id());
                }
                calls.add(entry);
            }
            json.put("tool_calls", calls);
        }
        return json;
    }

    private static Map<String, Object> tool(ToolDefinition tool) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", tool.name());
        function.put("description", tool.description().orElse(""));
        tool.parameters().ifPresent(parameters -> function.put("parameters", parse(parameters,
                "the parameters of the tool " + tool.name())));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "function");
        json.put("function", function);
        return json;
    }

    /** JSON text as template values, keys in their order. */
    private static Object parse(String json, String what) {
        try {
            return value(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " are not JSON: " + e.getOriginalMessage());
        }
    }

    private static Object value(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(entry -> map.put(entry.getKey(), value(entry.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(value(item)));
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.canConvertToLong() && node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return null;
    }
}
