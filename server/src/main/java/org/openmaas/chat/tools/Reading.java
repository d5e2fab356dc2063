package org.openmaas.chat.tools;

import java.util.List;

/** What a format makes of the text after one of its call markers (see {@link ToolCallFormat#read}). */
sealed interface Reading {

    /** The text is still too short to tell. */
    record Incomplete() implements Reading {
    }

    /** The marker does not start a call here: it is text. */
    record NotACall() implements Reading {
    }

    /**
     * Calls, taking the first {@code consumed} characters of the text.
     *
     * @param calls each as its name and arguments (JSON text)
     */
    record Calls(List<NamedArguments> calls, int consumed) implements Reading {
        public Calls {
            calls = List.copyOf(calls);
        }
    }

    /** A call as the model wrote it, before it gets an id. */
    record NamedArguments(String name, String arguments) {
    }

    Reading INCOMPLETE = new Incomplete();
    Reading NOT_A_CALL = new NotACall();
}
