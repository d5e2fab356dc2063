package org.openmaas.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Tokenizer;

/**
 * A tokenizer for unit tests of validation: one token per character (its code, below {@link #VOCAB_SIZE}), a chat
 * template (when it has one) that writes each message as {@code role: content\n} and then {@code assistant: }, and a
 * count of the texts it tokenized, so a test can show that a refused request was never tokenized.
 */
public final class CharacterTokenizer implements Tokenizer {

    public static final int VOCAB_SIZE = 256;

    private final boolean hasChatTemplate;
    private final AtomicInteger tokenized = new AtomicInteger();

    public CharacterTokenizer(boolean hasChatTemplate) {
        this.hasChatTemplate = hasChatTemplate;
    }

    /** An engine that tokenizes with this tokenizer, of a model with {@code contextLength} tokens of context. */
    public ScriptedEngine engine(int contextLength) {
        return ScriptedEngine.builder()
                .model(new ModelInfo("characters", contextLength, VOCAB_SIZE, hasChatTemplate))
                .tokenizer(this)
                .build();
    }

    /** The tokens this tokenizer gives {@code text}. */
    public static int[] tokens(String text) {
        return text.chars().map(c -> c % VOCAB_SIZE).toArray();
    }

    /** How many texts have been tokenized so far. */
    public int tokenized() {
        return tokenized.get();
    }

    @Override
    public int[] tokenize(String text, boolean parseSpecial) {
        tokenized.incrementAndGet();
        return tokens(text);
    }

    @Override
    public String applyChatTemplate(Prompt.Chat chat, boolean addAssistantPrompt) {
        if (!hasChatTemplate) {
            throw new IllegalStateException("no chat template");
        }
        StringBuilder text = new StringBuilder();
        chat.messages().forEach(m -> text.append(m.role()).append(": ").append(m.text()).append('\n'));
        return addAssistantPrompt ? text.append("assistant: ").toString() : text.toString();
    }
}
