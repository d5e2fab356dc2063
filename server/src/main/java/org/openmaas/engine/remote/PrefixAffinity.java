package org.openmaas.engine.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;

/**
 * Which endpoint last served a prompt's prefix, so that prompts sharing a long prefix (a system prompt, a document, a
 * conversation so far) go where the upstream's prefix cache holds it. A prompt is keyed by the hashes of its prefixes
 * of {@code block}, 2×{@code block}, 4×{@code block}, … units (token ids, or characters of text), and the longest
 * remembered one wins; a prompt shorter than one block has no affinity. Not thread-safe: the pool holds its lock.
 */
final class PrefixAffinity {

    /** Remembered prefixes; the least recently used are forgotten first. */
    static final int CAPACITY = 16_384;
    /** Characters per token in the text of common tokenizers, roughly: text prefixes are measured in characters. */
    private static final int CHARS_PER_TOKEN = 4;

    private final int block;
    private final Map<Long, Integer> endpointOf = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
            return size() > CAPACITY;
        }
    };

    /** @param block the shortest prefix, in tokens, that earns a prompt its affinity */
    PrefixAffinity(int block) {
        if (block < 1) throw new IllegalArgumentException("block must be at least 1 token: " + block);
        this.block = block;
    }

    /** The prefix hashes of {@code prompt}, longest first; empty for a prompt shorter than one block. */
    List<Long> keys(Prompt prompt) {
        List<Long> keys = new ArrayList<>();
        switch (prompt) {
            case Prompt.Tokens tokens -> {
                int[] ids = tokens.ids();
                long hash = 1;
                int next = block;
                for (int i = 0; i < ids.length; i++) {
                    hash = 31 * hash + ids[i];
                    if (i + 1 == next) {
                        keys.add(hash);
                        next *= 2;
                    }
                }
            }
            case Prompt.Text text -> textKeys(text.text(), 7, keys);
            case Prompt.Chat chat -> {
                StringBuilder all = new StringBuilder();
                for (ChatMessage m : chat.messages()) {
                    all.append(m.role()).append('\u0000').append(m.text()).append('\u0000');
                }
                textKeys(all, 11, keys);
            }
        }
        return keys.reversed();
    }

    private void textKeys(CharSequence text, long seed, List<Long> keys) {
        long hash = seed;
        int next = block * CHARS_PER_TOKEN;
        for (int i = 0; i < text.length(); i++) {
            hash = 31 * hash + text.charAt(i);
            if (i + 1 == next) {
                keys.add(hash);
                next *= 2;
            }
        }
    }

    /** The endpoint that last served the longest of these prefixes. */
    Optional<Integer> endpointFor(List<Long> keys) {
        for (Long key : keys) {
            Integer endpoint = endpointOf.get(key);
            if (endpoint != null) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }

    void served(List<Long> keys, int endpoint) {
        keys.forEach(key -> endpointOf.put(key, endpoint));
    }
}
