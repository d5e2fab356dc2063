package org.openmaas.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The "model" behind the loopback vLLM and TGI: a vocabulary of one token per character of {@link #ALPHABET} (ids
 * from 3), BOS 1 and EOS 2, and a next token that is a pure function of the whole context, so a greedy continuation
 * from any point equals the uninterrupted run, as it does on a real engine. The generation ends with EOS once the
 * context holds {@code eosAt} tokens, when a test asks for that.
 */
public final class ToyModel {

    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final String ALPHABET = " abcdefghijklmnopqrstuvwxyz.,:\n";
    private static final int FIRST = 3;

    private ToyModel() {
    }

    /** The ids of {@code text}, after BOS when {@code bos}; a character outside the alphabet is refused. */
    public static List<Integer> tokenize(String text, boolean bos) {
        List<Integer> ids = new ArrayList<>();
        if (bos) {
            ids.add(BOS);
        }
        for (char c : text.toCharArray()) {
            int at = ALPHABET.indexOf(c);
            if (at < 0) {
                throw new IllegalArgumentException("the toy vocabulary has no token for '" + c + "'");
            }
            ids.add(FIRST + at);
        }
        return ids;
    }

    /** The token's text: its character, or {@code <s>} and {@code </s>} for BOS and EOS. */
    public static String text(int id) {
        return switch (id) {
            case BOS -> "<s>";
            case EOS -> "</s>";
            default -> String.valueOf(ALPHABET.charAt(id - FIRST));
        };
    }

    public static boolean special(int id) {
        return id == BOS || id == EOS;
    }

    /** The most likely next token after {@code context}: EOS once the context holds {@code eosAt} tokens (0: never). */
    public static int next(List<Integer> context, int eosAt) {
        if (eosAt > 0 && context.size() >= eosAt) {
            return EOS;
        }
        long h = 17;
        for (int id : context) {
            h = h * 31 + id;
        }
        return FIRST + (int) Math.floorMod(h, (long) ALPHABET.length());
    }

    /** The {@code n} most likely tokens after {@code context}, most likely ({@link #next}) first, with their logprobs. */
    public static List<Alternative> top(List<Integer> context, int eosAt, int n) {
        int best = next(context, eosAt);
        List<Alternative> top = new ArrayList<>();
        top.add(new Alternative(best, -0.25f));
        for (int i = 1; i < n; i++) {
            int id = best == EOS ? FIRST + i - 1 : FIRST + Math.floorMod(best - FIRST + i, ALPHABET.length());
            top.add(new Alternative(id, -0.25f - 1.5f * i));
        }
        return top;
    }

    public record Alternative(int id, float logprob) {
    }
}
