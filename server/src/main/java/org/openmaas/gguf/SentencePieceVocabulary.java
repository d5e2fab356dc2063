package org.openmaas.gguf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * A made-up vocabulary that llama.cpp's SentencePiece ("llama") tokenizer handles like a trained one:
 * {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens, then word pieces with {@code ▁} marking a space.
 *
 * <p>llama.cpp's SPM tokenizer starts from single characters and repeatedly merges the adjacent pair whose
 * concatenation is the highest-scoring vocabulary piece. So every piece's prefixes are pieces too (a merge path
 * exists), and a piece scores its length in characters (longer pieces win). A character that is in no piece,
 * which includes every non-ASCII character, becomes its UTF-8 bytes as byte tokens: "日" is three tokens, the
 * first two ending inside the character.
 */
final class SentencePieceVocabulary {

    static final int UNKNOWN_ID = 0;
    static final int BOS_ID = 1;
    static final int EOS_ID = 2;
    static final int FIRST_BYTE_ID = 3;
    static final int FIRST_PIECE_ID = FIRST_BYTE_ID + 256;
    static final String SPACE = "\u2581";

    /** llama.cpp's token attributes as stored in {@code tokenizer.ggml.token_type}. */
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int BYTE = 6;

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
    private static final String SINGLE_CHARACTERS = LETTERS + LETTERS.toUpperCase() + "0123456789.,!?'\"-:;()";

    // Frequent English words first, so that a small vocabulary keeps the most useful ones.
    private static final List<String> WORDS = List.of(
            "the", "and", "to", "of", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with",
            "as", "I", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "not", "word",
            "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when", "up", "use", "your",
            "how", "said", "an", "each", "she", "which", "do", "their", "time", "if", "will", "way", "about", "many",
            "then", "them", "would", "write", "like", "so", "these", "her", "long", "make", "thing", "see", "him",
            "two", "has", "look", "more", "day", "could", "go", "come", "did", "my", "no", "most", "who", "over",
            "know", "water", "than", "call", "first", "people", "may", "down", "side", "been", "now", "find",
            "The", "Once", "upon", "Hello", "world", "model", "data", "token", "text", "story", "little", "girl",
            "boy", "happy", "big", "friend", "play", "saw", "very", "good", "new", "help", "work", "love");
    private static final List<String> SUFFIXES = List.of("ing", "ed", "er", "ly", "es", "tion", "s");

    private SentencePieceVocabulary() {
    }

    /** The first {@code size} tokens; the byte tokens alone need {@value #FIRST_PIECE_ID}. */
    static List<String> tokens(int size) {
        if (size < FIRST_PIECE_ID) {
            throw new IllegalArgumentException("a vocabulary needs at least " + FIRST_PIECE_ID
                    + " tokens (<unk>, <s>, </s> and 256 byte tokens), not " + size);
        }
        SequencedSet<String> tokens = new LinkedHashSet<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) tokens.add("<0x%02X>".formatted(b));
        tokens.add(SPACE);
        for (char c : SINGLE_CHARACTERS.toCharArray()) tokens.add(String.valueOf(c));
        for (char c : (LETTERS + LETTERS.toUpperCase()).toCharArray()) tokens.add(SPACE + c);
        for (String word : WORDS) addWithPrefixes(tokens, SPACE + word);
        for (String suffix : SUFFIXES) addWithPrefixes(tokens, suffix);
        fillWithLetterRuns(tokens, size);
        return new ArrayList<>(tokens).subList(0, size);
    }

    static int tokenType(int id) {
        if (id == UNKNOWN_ID) return UNKNOWN;
        if (id == BOS_ID || id == EOS_ID) return CONTROL;
        return id < FIRST_PIECE_ID ? BYTE : NORMAL;
    }

    static float score(int id, String token) {
        return id < FIRST_PIECE_ID ? 0 : token.codePointCount(0, token.length());
    }

    private static void addWithPrefixes(SequencedSet<String> tokens, String piece) {
        for (int end = 2; end <= piece.length(); end++) tokens.add(piece.substring(0, end));
    }

    /** Breadth-first runs of lowercase letters, with and without a leading space, until there are enough tokens. */
    private static void fillWithLetterRuns(SequencedSet<String> tokens, int size) {
        Deque<String> queue = new ArrayDeque<>();
        queue.add(SPACE);
        for (char c : LETTERS.toCharArray()) queue.add(String.valueOf(c));
        while (tokens.size() < size) {
            String piece = queue.removeFirst();
            for (char c : LETTERS.toCharArray()) {
                tokens.add(piece + c);
                queue.addLast(piece + c);
            }
        }
    }
}
