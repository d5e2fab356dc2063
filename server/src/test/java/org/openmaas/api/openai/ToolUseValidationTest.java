package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmaas.api.ApiException;
import org.openmaas.api.Json;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.PromptFormat;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.testing.CharacterTokenizer;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and the messages of a conversation with tools, as
 * validation turns them into the engine's request: the tools rendered into the prompt by the chat template, the reply
 * read in the template's family's format, a forced call decoded under that family's grammar, and every mistake refused
 * naming its field.
 */
class ToolUseValidationTest {

    /** What a Hermes-style template writes, which is all that tells the family. */
    static final String HERMES = "{% for tool in tools %}{{ tool | tojson }}{% endfor %}<tool_call>";
    static final String ACCOUNT = "111111111111";
    static final String WEATHER = """
            {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}""";
    static final String NOW = """
            {"type": "function", "function": {"name": "now"}}""";

    OpenAiValidation validation;

    @BeforeEach
    void catalog() {
        Catalog catalog = new Catalog();
        catalog.add(TestServer.product("maas-model-hermes", "acme/hermes", PromptFormat.CHAT, false,
                new CharacterTokenizer(HERMES).engine(4096)));
        catalog.add(TestServer.product("maas-model-gemma", "acme/gemma", PromptFormat.CHAT, false,
                new CharacterTokenizer("<start_of_turn>{{ message.content }}<end_of_turn>").engine(4096)));
        catalog.add(TestServer.product("maas-model-remote", "acme/remote", PromptFormat.CHAT, false,
                ScriptedEngine.builder().model(new ModelInfo("remote", 4096, 1000, true)).withoutTokenizer().build()));
        validation = new OpenAiValidation(catalog, (account, product) -> true);
    }

    @Test
    void declaredToolsAreRenderedIntoThePromptAndTheReplyIsReadInTheTemplatesFamilysFormat() {
        OpenAiValidation.Validated valid = chat(body("maas-model-hermes", "\"tools\": [" + WEATHER + ", " + NOW + "]"));

        assertThat(valid.options().toolCalls()).map(ToolCallFormat::family).contains("hermes");
        assertThat(valid.request().promptTokens())
                .containsExactly(CharacterTokenizer.tokens("tools: get_weather,now\nuser: Hi\nassistant: "));
        assertThat(valid.request().constraint()).isEqualTo(OutputConstraint.NONE);
    }

    @Test
    void toolChoiceNoneKeepsTheToolsFromTheModel() {
        OpenAiValidation.Validated valid = chat(body("maas-model-hermes", "\"tools\": [" + WEATHER
                + "], \"tool_choice\": \"none\""));

        assertThat(valid.options().toolCalls()).isEmpty();
        assertThat(valid.request().promptTokens())
                .containsExactly(CharacterTokenizer.tokens("user: Hi\nassistant: "));
    }

    @Test
    void requiredDecodesUnderTheFamilysGrammarOfCallsOfAnyTool() {
        OpenAiValidation.Validated valid = chat(body("maas-model-hermes", "\"tools\": [" + WEATHER + ", " + NOW
                + "], \"tool_choice\": \"required\""));

        ToolCallFormat format = valid.options().toolCalls().orElseThrow();
        assertThat(valid.request().constraint()).isEqualTo(new OutputConstraint.Gbnf(format.grammar(List.of(
                tool("get_weather", "Weather in a city", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
                        + "\"string\"}},\"required\":[\"city\"]}"), tool("now", null, null)), true)));
    }

    @Test
    void aNamedFunctionWithoutParallelCallsDecodesUnderAGrammarOfExactlyOneCallOfIt() {
        OpenAiValidation.Validated valid = chat(body("maas-model-hermes", "\"tools\": [" + WEATHER + ", " + NOW
                + "], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"now\"}}, "
                + "\"parallel_tool_calls\": false"));

        ToolCallFormat format = valid.options().toolCalls().orElseThrow();
        assertThat(valid.request().constraint())
                .isEqualTo(new OutputConstraint.Gbnf(format.grammar(List.of(tool("now", null, null)), false)));
    }

    @Test
    void aConversationReplaysCallsAndTheirResults() {
        OpenAiValidation.Validated valid = chat("""
                {"model": "maas-model-hermes", "tools": [%s], "messages": [{"role": "user", "content": "Weather?"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
                 {"role": "tool", "tool_call_id": "call_1", "content": "22 C"}]}""".formatted(WEATHER));

        assertThat(valid.request().promptTokens()).containsExactly(CharacterTokenizer.tokens("tools: get_weather\n"
                + "user: Weather?\nassistant: \ncalls: get_weather({\"city\": \"Paris\"})\ntool[call_1]: 22 C\n"
                + "assistant: "));
    }

    @Test
    void aTemplateOfNoKnownFamilyOrARemoteEngineCannotTakeTools() {
        assertRefused(() -> chat(body("maas-model-gemma", "\"tools\": [" + NOW + "]")), "tools",
                "tools: the chat template of model 'maas-model-gemma' is of no family whose tool calls this server can "
                        + "read (" + OpenAiValidation.TOOL_FAMILIES + "); send the request without tools");
        assertRefused(() -> chat(body("maas-model-remote", "\"tools\": [" + NOW + "]")), "tools",
                "tools: maas-model-remote is served by an engine elsewhere that takes no tools; send the request "
                        + "without tools");
        assertThat(chat(body("maas-model-gemma", "\"tools\": [" + NOW + "], \"tool_choice\": \"none\"")).options()
                .toolCalls()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "tools": {}                                                      | tools                      | tools must be a list of {"type": "function", "function": {"name": ..., "description": ..., "parameters": {...}}}
            "tools": [{"type": "retrieval", "function": {"name": "f"}}]      | tools[0].type              | tools[0].type must be "function" (the only kind of tool)
            "tools": [{"type": "function", "function": {"name": "a b"}}]     | tools[0].function.name     | tools[0].function.name is required: 1 to 64 letters, digits, _ or -
            "tools": [{"type": "function", "function": {"name": "f", "parameters": []}}] | tools[0].function.parameters | tools[0].function.parameters must be a JSON Schema object
            "tools": [{"type": "function", "function": {"name": "f", "strict": "yes"}}] | tools[0].function.strict | tools[0].function.strict must be true or false
            "tools": [{"type": "function", "function": {"name": "f", "returns": {}}}] | tools[0].function.returns | tools[0].function.returns is not a field here; allowed: description, name, parameters, strict
            "tools": [{"type": "function", "function": {"name": "f"}}, {"type": "function", "function": {"name": "f"}}] | tools[1].function.name | tools[1].function.name 'f' is declared twice; function names must be unique
            "tool_choice": "required"                                        | tool_choice                | tool_choice "required" needs tools: declare the functions in tools
            "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "always" | tool_choice | tool_choice 'always' is not one of auto, none, required or {"type": "function", "function": {"name": ...}}
            "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": {"type": "function", "function": {"name": "g"}} | tool_choice | tool_choice names the function 'g', which tools does not declare
            "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "required", "response_format": {"type": "json_object"} | response_format | response_format cannot be combined with a forced tool call (tool_choice "required"): the reply is the call, its arguments shaped by the tool's parameters
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "array", "uniqueItems": true}}}], "tool_choice": "required" | tools[0].function.parameters | tools[0].function.parameters: uniqueItems at /uniqueItems: uniqueItems cannot be expressed as a grammar; leave it out
            "functions": [{"name": "f"}]                                     | functions                  | functions is OpenAI's legacy form of tools; declare them in tools (functions)
            "function_call": "auto"                                          | function_call              | function_call is OpenAI's legacy form of tool_choice; use tool_choice with tools (function_call)
            """)
    void aToolFieldOutsideWhatIsAllowedIsRefusedNamingTheField(String fields, String param, String message) {
        assertRefused(() -> chat(body("maas-model-hermes", fields)), param, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"role": "tool", "tool_call_id": "call_9", "content": "x"} | messages[2].tool_call_id | messages[2].tool_call_id must be the id of a tool call an earlier assistant message made, got 'call_9'
            {"role": "user", "tool_call_id": "call_1", "content": "x"} | messages[2].tool_call_id | messages[2].tool_call_id belongs in tool messages only
            {"role": "tool", "tool_call_id": "call_1"}                 | messages[2].content      | messages[2].content is required
            {"role": "assistant", "tool_calls": [{"id": "call_2", "type": "function", "function": {"name": "f", "arguments": "[1]"}}]} | messages[2].tool_calls[0].function.arguments | messages[2].tool_calls[0].function.arguments must be a JSON object as a string, as the call's response gave it
            {"role": "assistant", "tool_calls": [{"id": "call_2", "function": {"name": "f", "arguments": "{}"}}]} | messages[2].tool_calls[0] | messages[2].tool_calls[0] must be {"id": "...", "type": "function", "function": {"name": "...", "arguments": "<a JSON object as a string>"}}
            {"role": "user", "content": "x", "tool_calls": [{"id": "c"}]} | messages[2].tool_calls | only assistant messages make tool calls (messages[2].tool_calls)
            {"role": "assistant", "content": null}                     | messages[2].content      | messages[2].content is required
            """)
    void aToolMessageOutOfPlaceIsRefusedNamingItsPlace(String message, String param, String refusal) {
        assertRefused(() -> chat("""
                {"model": "maas-model-hermes", "messages": [{"role": "user", "content": "Hi"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                  "function": {"name": "now", "arguments": "{}"}}]}, %s]}""".formatted(message)), param, refusal);
    }

    private static ToolDefinition tool(String name, String description, String parameters) {
        return new ToolDefinition(name, Optional.ofNullable(description), Optional.ofNullable(parameters));
    }

    private OpenAiValidation.Validated chat(String body) {
        return validation.chat(Json.read(body.getBytes(StandardCharsets.UTF_8), ChatCompletionBody.class), ACCOUNT,
                "request-1");
    }

    private static String body(String model, String fields) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], " + fields
                + "}";
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String param,
                                      String message) {
        assertThatThrownBy(call).isInstanceOf(ApiException.InvalidArgument.class).hasMessage(message)
                .extracting(e -> ((ApiException) e).param()).isEqualTo(param);
    }
}
