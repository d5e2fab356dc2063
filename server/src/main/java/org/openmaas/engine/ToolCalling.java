package org.openmaas.engine;

import java.util.Objects;

/**
 * How an engine serves a conversation's tools: whether it can, and who reads the reply's calls: the API, in the markup
 * of the model family a template or the catalog tells, or an upstream that reads them itself and whose calls come in
 * {@link GenerationEvent.Finished#toolCalls()}.
 */
public sealed interface ToolCalling {

    /**
     * The tools are rendered into the prompt by this chat template, whose text tells the family.
     *
     * @param template the template's source (or a renderer's built-in name)
     */
    record Template(String template) implements ToolCalling {
        public Template {
            Objects.requireNonNull(template, "template");
        }
    }

    /**
     * The tools are rendered by a template this server cannot see; the operator named its family in the catalog.
     *
     * @param family the name as the catalog's {@code engine.tool_call_format} gives it, known to be valid
     */
    record Family(String family) implements ToolCalling {
        public Family {
            Objects.requireNonNull(family, "family");
        }
    }

    /**
     * The engine's upstream takes the tools, {@link ToolChoice} and parallel calls itself and reads the reply's calls
     * (an OpenAI-compatible server's {@code /v1/chat/completions}): they come in
     * {@link GenerationEvent.Finished#toolCalls()}.
     */
    record Native() implements ToolCalling {
    }

    /**
     * The engine cannot take tools now or at all.
     *
     * @param reason why, as the end of a sentence that names the product, safe to show a client
     * @param lasting whether asking again cannot help (the engine's API has no tools); otherwise the engine may take
     *                them later (its upstream could not be asked)
     */
    record Refused(String reason, boolean lasting) implements ToolCalling {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
