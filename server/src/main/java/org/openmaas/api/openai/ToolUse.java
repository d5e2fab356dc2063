package org.openmaas.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openmaas.api.ApiException;
import org.openmaas.engine.ToolChoice;
import org.openmaas.engine.ToolDefinition;

/**
 * OpenAI's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}, checked: the functions the model may call,
 * whether it may, must (any, or one named) or must not call one, and whether it may call several at once.
 *
 * @param tools    the declared functions, names unique
 * @param choice   {@code tool_choice}; {@code auto} when absent
 * @param parallel whether a reply may hold several calls
 */
record ToolUse(List<ToolDefinition> tools, ToolChoice choice, boolean parallel) {

    static final String TOOLS = "tools";
    static final String TOOL_CHOICE = "tool_choice";
    /** OpenAI's own limit on the functions of one request. */
    static final int MAX_TOOLS = 128;

    private static final Set<String> TOOL_FIELDS = Set.of("type", "function");
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "description", "parameters", "strict");
    static final String NAME_PATTERN = "[A-Za-z0-9_-]{1,64}";

    ToolUse {
        tools = List.copyOf(tools);
    }

    /** Whether the model sees the tools and its reply is read for calls. */
    boolean active() {
        return !tools.isEmpty() && !(choice instanceof ToolChoice.None);
    }

    /** Whether the reply must be calls, decoded under a grammar so that it is. */
    boolean forced() {
        return active() && (choice instanceof ToolChoice.Required || choice instanceof ToolChoice.Named);
    }

    /** The tools a forced reply may call: the named one, or all. */
    List<ToolDefinition> callable() {
        return choice instanceof ToolChoice.Named(String name)
                ? tools.stream().filter(t -> t.name().equals(name)).toList() : tools;
    }

    static ToolUse of(JsonNode tools, JsonNode toolChoice, Boolean parallelToolCalls) {
        List<ToolDefinition> declared = tools(tools);
        ToolChoice choice = choice(toolChoice, declared);
        return new ToolUse(declared, choice, !Boolean.FALSE.equals(parallelToolCalls));
    }

    private static List<ToolDefinition> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw invalid(TOOLS, "tools must be a list of {\"type\": \"function\", \"function\": {\"name\": ..., "
                    + "\"description\": ..., \"parameters\": {...}}}");
        }
        if (tools.size() > MAX_TOOLS) {
            throw invalid(TOOLS, "tools holds " + tools.size() + " functions; at most " + MAX_TOOLS + " are allowed");
        }
        List<ToolDefinition> declared = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition tool = tool(tools.get(i), "tools[" + i + "]");
            if (!names.add(tool.name())) {
                throw invalid("tools[" + i + "].function.name", "tools[" + i + "].function.name '" + tool.name()
                        + "' is declared twice; function names must be unique");
            }
            declared.add(tool);
        }
        return declared;
    }

    private static ToolDefinition tool(JsonNode tool, String at) {
        if (!tool.isObject()) {
            throw invalid(at, at + " must be {\"type\": \"function\", \"function\": {...}}");
        }
        onlyFields(tool, TOOL_FIELDS, at);
        if (!"function".equals(tool.path("type").asText(null))) {
            throw invalid(at + ".type", at + ".type must be \"function\" (the only kind of tool)");
        }
        JsonNode function = tool.get("function");
        String fn = at + ".function";
        if (function == null || !function.isObject()) {
            throw invalid(fn, fn + " is required: {\"name\": ..., \"description\": ..., \"parameters\": {...}}");
        }
        onlyFields(function, FUNCTION_FIELDS, fn);
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual() || !name.asText().matches(NAME_PATTERN)) {
            throw invalid(fn + ".name", fn + ".name is required: 1 to 64 letters, digits, _ or -");
        }
        JsonNode description = function.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            throw invalid(fn + ".description", fn + ".description must be a string");
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw invalid(fn + ".parameters", fn + ".parameters must be a JSON Schema object");
        }
        JsonNode strict = function.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw invalid(fn + ".strict", fn + ".strict must be true or false");
        }
        return new ToolDefinition(name.asText(), Optional.ofNullable(description).filter(JsonNode::isTextual)
                .map(JsonNode::asText), Optional.ofNullable(parameters).filter(JsonNode::isObject)
                .map(JsonNode::toString));
    }

    private static ToolChoice choice(JsonNode choice, List<ToolDefinition> tools) {
        if (choice == null || choice.isNull()) {
            return ToolChoice.AUTO;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> new ToolChoice.None();
                case "required" -> {
                    requireTools(tools, "tool_choice \"required\"");
                    yield new ToolChoice.Required();
                }
                default -> throw invalid(TOOL_CHOICE, "tool_choice '" + choice.asText() + "' is not one of auto, none, "
                        + "required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
            };
        }
        String name = choice.path("function").path("name").asText(null);
        if (!choice.isObject() || !"function".equals(choice.path("type").asText(null)) || name == null) {
            throw invalid(TOOL_CHOICE, "tool_choice must be auto, none, required or {\"type\": \"function\", "
                    + "\"function\": {\"name\": ...}}");
        }
        requireTools(tools, "tool_choice naming a function");
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw invalid(TOOL_CHOICE, "tool_choice names the function '" + name + "', which tools does not declare");
        }
        return new ToolChoice.Named(name);
    }

    private static void requireTools(List<ToolDefinition> tools, String what) {
        if (tools.isEmpty()) {
            throw invalid(TOOL_CHOICE, what + " needs tools: declare the functions in tools");
        }
    }

    private static void onlyFields(JsonNode object, Set<String> allowed, String at) {
        object.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw invalid(at + "." + field, at + "." + field + " is not a field here; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        });
    }

    private static ApiException.InvalidArgument invalid(String field, String message) {
        return new ApiException.InvalidArgument(message, field);
    }
}
