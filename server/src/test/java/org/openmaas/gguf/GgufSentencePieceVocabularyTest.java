package org.openmaas.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GgufSentencePieceVocabularyTest {

    @Test
    void startsWithTheSpecialTokensThenAllByteTokens() {
        List<String> tokens = SentencePieceVocabulary.tokens(512);

        assertThat(tokens.subList(0, 3)).containsExactly("<unk>", "<s>", "</s>");
        assertThat(tokens.subList(3, 259)).isEqualTo(IntStream.range(0, 256).mapToObj("<0x%02X>"::formatted).toList());
        assertThat(tokens.get(259)).isEqualTo("\u2581");
    }

    @Test
    void hasExactlyTheRequestedSizeWithoutDuplicates() {
        // llama.cpp asserts that no two tokens have the same text.
        for (int size : List.of(259, 512, 32000)) {
            List<String> tokens = SentencePieceVocabulary.tokens(size);
            assertThat(new HashSet<>(tokens)).as("size %d", size).hasSize(size);
        }
    }

    @Test
    void holdsEveryPrefixOfEveryPieceSoTheTokenizerCanMergeUpToIt() {
        List<String> tokens = SentencePieceVocabulary.tokens(32000);
        Set<String> pieces = new HashSet<>(tokens.subList(SentencePieceVocabulary.FIRST_PIECE_ID, tokens.size()));

        List<String> missingPrefixes = pieces.stream()
                .flatMap(piece -> IntStream.range(1, piece.length()).mapToObj(end -> piece.substring(0, end)))
                .filter(prefix -> !pieces.contains(prefix))
                .toList();

        assertThat(missingPrefixes).isEmpty();
    }

    @Test
    void keepsNonAsciiCharactersOutOfPiecesSoTheyBecomeByteTokens() {
        List<String> tokens = SentencePieceVocabulary.tokens(32000);

        assertThat(tokens).filteredOn(token -> !token.replace("\u2581", "").matches("\\p{ASCII}*")).isEmpty();
    }

    @Test
    void scoresLongerPiecesHigherAndSpecialAndByteTokensZero() {
        assertThat(SentencePieceVocabulary.score(1, "<s>")).isZero();
        assertThat(SentencePieceVocabulary.score(100, "<0x61>")).isZero();
        assertThat(SentencePieceVocabulary.score(300, "\u2581the")).isEqualTo(4f);
        assertThat(SentencePieceVocabulary.score(301, "\u2581th")).isEqualTo(3f);
    }

    @Test
    void marksUnknownControlByteAndNormalTokens() {
        assertThat(IntStream.of(0, 1, 2, 3, 258, 259).map(SentencePieceVocabulary::tokenType).toArray())
                .containsExactly(2, 3, 3, 6, 6, 1);
    }

    @Test
    void refusesASizeWithoutRoomForTheByteTokens() {
        assertThatThrownBy(() -> SentencePieceVocabulary.tokens(258))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a vocabulary needs at least 259 tokens (<unk>, <s>, </s> and 256 byte tokens), not 258");
    }
}
