package org.openmaas.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The ways a streamed reply may arrive, for parsers that must read it the same however it is split: whole, in two
 * pieces split anywhere, in three split at many places, and one character at a time.
 */
public final class Splits {

    private Splits() {
    }

    public static List<List<String>> of(String reply) {
        List<List<String>> splits = new ArrayList<>();
        splits.add(List.of(reply));
        for (int i = 1; i < reply.length(); i++) {
            splits.add(List.of(reply.substring(0, i), reply.substring(i)));
            for (int j = i + 1; i % 3 == 0 && j < reply.length(); j += 7) {
                splits.add(List.of(reply.substring(0, i), reply.substring(i, j), reply.substring(j)));
            }
        }
        splits.add(reply.chars().mapToObj(c -> Character.toString((char) c)).toList());
        return splits;
    }
}
