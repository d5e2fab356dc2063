package org.openmaas.cli.bench;

import java.util.List;

/**
 * The fixed prompt set every benchmark sends: short English prompts of 8 to 30 words, no two starting alike (so a
 * prefix cache cannot serve one from another beyond the first token), in the style of the stories models.
 */
final class Prompts {

    static final List<String> ALL = List.of(
            "Once upon a time, there was a little girl named Lily who loved to play in the park with her dog.",
            "Tom had a big red ball. One day he kicked it so high that it landed on the roof of",
            "The sun was shining and the birds were singing when Mia found a tiny box under the old tree.",
            "In a small town by the sea lived a fisherman who never caught a single fish, until one morning",
            "Ben and his sister wanted to build the tallest tower of blocks in the world, so they",
            "A friendly dragon lived on top of a snowy mountain. Every winter the children of the village",
            "Write a short story about a cat who learns to fly:",
            "Sara was sad because it was raining and she could not go outside. Her mom said,");

    private Prompts() {
    }

    /** Prompt {@code i} of the set, going round when more are needed than there are. */
    static String get(int i) {
        return ALL.get(i % ALL.size());
    }
}
