package org.openmaas.chat.tools;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openmaas.engine.ToolDefinition;

/**
 * How one model family writes tool calls in its reply: the markers that open a call, how the markup after a marker
 * reads, and the grammar of a reply that is nothing but calls (for {@code tool_choice} {@code required} or a named
 * function, so the call always parses). Chosen from the chat template's text by {@link #forTemplate}, or by a name the
 * operator gives for an engine whose template this server cannot see ({@link #NAMED}).
 */
public sealed interface ToolCallFormat
        permits TaggedCalls, LlamaCalls, CallList, NamedArgumentCalls, DeepSeekCalls {

    /**
     * The formats by the names an operator gives them: vLLM's {@code --tool-call-parser} names where one reads the
     * family's markup, and {@code mistral-small-3.2} for Mistral's {@code [TOOL_CALLS]name[ARGS]{...}} form (Mistral
     * Small 3.2, Devstral), which vLLM's one {@code mistral} parser tells from Nemo's list by the tokenizer's version.
     */
    Map<String, ToolCallFormat> NAMED = Map.of(
            "hermes", new TaggedCalls(),
            "llama3_json", new LlamaCalls(),
            "mistral", CallList.MISTRAL,
            "mistral-small-3.2", new NamedArgumentCalls(),
            "granite", CallList.GRANITE,
            "deepseek_v3", new DeepSeekCalls());

    /** The family, for messages and logs (e.g. {@code hermes}). */
    String family();

    /**
     * The texts that open a call. {@code atStart} ones only at the start of the reply (or right after a call), with
     * nothing but whitespace before them.
     */
    List<Opener> openers();

    /** A text that opens a call. */
    record Opener(String text, boolean atStart) {
    }

    /**
     * The markers among the vocabulary's control tokens that carry calls, which a reply's text must keep though the
     * text of control tokens is otherwise left out (Mistral's {@code [TOOL_CALLS]}, Llama's {@code <|python_tag|>}).
     */
    Set<String> controlMarkers();

    /**
     * Reads the markup after {@code opener}.
     *
     * @param rest  the reply's text after the opener, so far
     * @param ended whether the reply has ended (then nothing more comes)
     */
    Reading read(Opener opener, String rest, boolean ended);

    /**
     * An id for a call the model made, in a shape the family's template accepts when a client replays the call: OpenAI's
     * {@code call_…} unless the template asks for another.
     */
    default String newCallId() {
        return CallIds.openAi();
    }

    /**
     * A GBNF grammar whose every sentence is a reply of calls of {@code tools} in this family's markup, the arguments
     * matching each tool's parameters schema: one call, or one or more when {@code parallel}.
     *
     * @throws org.openmaas.grammar.GrammarException when a schema cannot be expressed
     */
    String grammar(List<ToolDefinition> tools, boolean parallel);

    /**
     * The format a chat template's model family calls tools in, recognised by the markup the template writes (the same
     * tests as llama.cpp's {@code common/chat.cpp}); empty for a family this server does not know.
     */
    static Optional<ToolCallFormat> forTemplate(String template) {
        if (template.contains("[TOOL_CALLS]")) {
            return Optional.of(template.contains("[ARGS]") ? new NamedArgumentCalls() : CallList.MISTRAL);
        }
        if (template.contains("<|tool_call|>")) {
            return Optional.of(CallList.GRANITE);
        }
        if (template.contains(DeepSeekCalls.BEGIN)) {
            return Optional.of(new DeepSeekCalls());
        }
        if (template.contains("<tool_call>")) {
            return Optional.of(new TaggedCalls());
        }
        if (template.contains("<|start_header_id|>") && template.contains("\"parameters\"")) {
            return Optional.of(new LlamaCalls());
        }
        return Optional.empty();
    }
}
