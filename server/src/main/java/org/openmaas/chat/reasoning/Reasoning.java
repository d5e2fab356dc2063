package org.openmaas.chat.reasoning;

import java.util.Optional;
import java.util.Set;

/**
 * How one reply writes its reasoning: between {@code open} and {@code close} at its very start, or, when the prompt
 * already opened the block ({@code opened}: QwQ's and the R1 distills' generation prompt ends in {@code <think>\n}),
 * from its first character up to {@code close}.
 */
public record Reasoning(String open, String close, boolean opened) {

    private static final String THINK = "<think>";
    private static final String END_THINK = "</think>";

    /**
     * How a reply to {@code prompt} reasons, for a prompt rendered with {@code template}: think tags when the template
     * is of a family that reasons in them, which shows in its markup as it strips the reasoning from earlier turns
     * (Qwen3, QwQ, the DeepSeek R1 distills; llama.cpp reads the same families so); empty otherwise.
     */
    public static Optional<Reasoning> of(String template, String prompt) {
        if (!template.contains(END_THINK)) {
            return Optional.empty();
        }
        return Optional.of(new Reasoning(THINK, END_THINK, prompt.stripTrailing().endsWith(THINK)));
    }

    /** The tags, whose text a reply keeps even where the vocabulary has them as control tokens. */
    public Set<String> markers() {
        return Set.of(open, close);
    }
}
