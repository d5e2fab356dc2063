package org.openmaas.engine;

import java.util.Objects;

/**
 * How an engine serves a conversation's tools: whether it can, and how the API tells the model family whose markup the
 * reply's calls are written in (the API reads the reply's text for calls; no engine parses them).
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
     * The engine cannot take tools now or at all.
     *
     * @param reason why, as the end of a sentence that names the product, safe to show a client
     * @param lasting whether asking again cannot help (the engine's API has no tools); otherwise the engine may take them
     *                later (its upstream could not be asked)
     */
    record Refused(String reason, boolean lasting) implements ToolCalling {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
