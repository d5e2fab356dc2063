package org.openmaas.api.openai;

import java.util.function.Function;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Token;
import org.openmaas.testing.CharacterTokenizer;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;

/**
 * Scripted engines that reply with tool calls in a family's markup, for tests of the API and of clients no one here
 * wrote: the engine's template text says the family, and its replies are scripted as a model of that family writes.
 */
final class ToolReplies {

    /** The function {@link #weatherAgent()} calls. */
    static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}""";
    /** What {@link #weatherAgent()} answers once it has the tool's result. */
    static final String ANSWER = "It is 22 C in Paris.";

    private ToolReplies() {
    }

    /** An engine whose chat template is {@code template}'s family, each request answered by {@code replies}. */
    static ScriptedEngine engine(String template, Function<GenerationRequest, Script> replies) {
        return ScriptedEngine.builder().model(new ModelInfo("tools", 4096, CharacterTokenizer.VOCAB_SIZE, true))
                .tokenizer(new CharacterTokenizer(template)).scripts(replies).build();
    }

    /**
     * A Hermes model that calls get_weather for Paris, and, given the call's result (a tool message), answers
     * {@link #ANSWER}.
     */
    static ScriptedEngine weatherAgent() {
        return engine("<tool_call>", request -> inPieces(prompt(request).contains("\ntool[") ? ANSWER
                : "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"));
    }

    /** {@code reply} in tokens of five characters, which split a family's tags as real tokens do, then EOS. */
    static Script inPieces(String reply) {
        Script.Builder script = Script.builder();
        for (int i = 0; i < reply.length(); i += 5) {
            script.text(reply.substring(i, Math.min(reply.length(), i + 5)));
        }
        return script.token(new Token(2, "<|im_end|>", -0.1f, true)).finish(FinishReason.EOS_TOKEN);
    }

    /** The rendered prompt a request carries ({@link CharacterTokenizer}: one token per character). */
    static String prompt(GenerationRequest request) {
        StringBuilder text = new StringBuilder();
        for (int token : request.promptTokens()) {
            text.append((char) token);
        }
        return text.toString();
    }
}
