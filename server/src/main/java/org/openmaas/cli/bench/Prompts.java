package org.openmaas.cli.bench;

import java.util.List;

/**
 * The fixed prompt set every benchmark sends: short English prompts of 8 to 30 words, no two starting alike (so a
 * prefix cache cannot serve one from another beyond the first token), in the style of the stories models. There are
 * more of them than a benchmark runs streams at once, so that {@code bench serve} can keep the prompts in flight
 * distinct: with as many prompts as streams, every new request would find its prompt in another stream's cells and
 * measure the prefix cache instead of a prompt's processing. Past the set, prompts go round it with a number in front
 * ("2. Once upon a time…"), so no two prompts of a benchmark are the same: llama-server keeps whole prompts' caches
 * in memory (its {@code --cache-ram}), and a repeated prompt would measure that cache, not a cold prompt.
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
            "Sara was sad because it was raining and she could not go outside. Her mom said,",
            "Lucy found a shiny key in the garden and wondered which door it could open.",
            "Every night the old owl told the young animals of the forest a story about",
            "Max the puppy wanted to catch his own tail, so he ran in circles until",
            "On the first day of school, Lily was scared, but then a boy with a green hat",
            "Grandma baked a big chocolate cake for the party, and the children could not wait to",
            "Two little frogs lived in a pond near the farm. One was brave and the other",
            "Emma wanted to help her dad fix the car, so she brought him a hammer and",
            "Deep in the jungle there was a monkey who could not climb trees.",
            "It was the coldest day of the year, and the snowman in the yard started to",
            "After lunch, Tim and his friends went to the beach to build a sand castle that",
            "My favorite toy is a small wooden train that my grandpa made for me when",
            "When the rain stopped, a big rainbow appeared over the hill and the bunny decided to",
            "Anna had a little bird that could sing any song she taught it.",
            "Far away, on an island full of flowers, lived a turtle who wanted to see snow.",
            "Jack planted a tiny seed in a pot and watered it every day until one morning",
            "Little Bear could not sleep because the moon was too bright, so he",
            "Yesterday a big truck came to our street and brought a surprise for",
            "Under the bed, Sue found a box of old photos and a letter from",
            "Mom said we could get a pet if we promised to take care of it, so we",
            "Zoe loved to paint, and one day her painting of a cat came to life and",
            "Inside the castle lived a king who was afraid of the dark.",
            "Sam lost his red kite in the wind and asked the birds to help him find it.",
            "Long ago, a kind giant lived in the hills and helped the farmers carry",
            "Why is the sky blue? asked the little girl, and her father smiled and said,");

    private Prompts() {
    }

    /**
     * Every prompt of the set once, starting at prompt {@code first}, joined with spaces (about 2800 characters): one long
     * prompt for prompt-processing runs, sharing no prefix with the one that starts elsewhere.
     */
    static String all(int first) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ALL.size(); i++) {
            text.append(i == 0 ? "" : " ").append(get(first + i));
        }
        return text.toString();
    }

    /** Prompt {@code i}: the set's, then round it again with the round's number in front, never the same twice. */
    static String get(int i) {
        String prompt = ALL.get(Math.floorMod(i, ALL.size()));
        int round = Math.floorDiv(i, ALL.size());
        return round == 0 ? prompt : round + ". " + prompt;
    }
}
