package org.openmaas.testing;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Tokenizer;
import org.openmaas.engine.ToolDefinition;

/**
 * A tokenizer for unit tests of validation: one token per character (its code, below {@link #VOCAB_SIZE}), a chat
 * template (when it has one) that writes each message as {@code role: content\n} and then {@code assistant: }, and a
 * count of the texts it tokenized, so a test can show that a refused request was never tokenized.
 */
public final class CharacterTokenizer implements Tokenizer {

    public static final int VOCAB_SIZE = 256;

    private final boolean hasChatTemplate;
    private final Optional<String> templateText;
    private final AtomicInteger tokenized = new AtomicInteger();

    public CharacterTokenizer(boolean hasChatTemplate) {
        this.hasChatTemplate = hasChatTemplate;
        this.templateText = Optional.empty();
    }

    /**
     * A tokenizer whose chat template reports {@code templateText} as its text (so the template's family is what that
     * text says), and also writes the tools ({@code tools: name,name}), the calls of assistant messages
     * ({@code calls: name(arguments)}) and the call a tool message answers ({@code tool[id]: result}).
     */
    public CharacterTokenizer(String templateText) {
        this.hasChatTemplate = true;
        this.templateText = Optional.of(templateText);
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
        if (!chat.tools().isEmpty()) {
            text.append("tools: ").append(String.join(",", chat.tools().stream().map(ToolDefinition::name).toList()))
                    .append('\n');
        }
        for (ChatMessage m : chat.messages()) {
            text.append(m.role()).append(m.toolCallId().map(id -> "[" + id + "]").orElse("")).append(": ")
                    .append(m.text()).append('\n');
            m.toolCalls().forEach(call -> text.append("calls: ").append(call.name()).append('(')
                    .append(call.arguments()).append(")\n"));
        }
        return addAssistantPrompt ? text.append("assistant: ").toString() : text.toString();
    }

    @Override
    public Optional<String> chatTemplate(Prompt.Chat chat) {
        return templateText;
    }
}
