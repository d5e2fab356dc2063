package org.openmaas.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What admission reserves for a prompt before the engine has counted it. */
class PromptTest {

    @Test
    void tokensAreCountedExactly() {
        assertThat(new Prompt.Tokens(new int[] {1, 2, 3}).tokenBound()).isEqualTo(3);
    }

    @Test
    void textIsBoundedByItsUtf8BytesPlusTheSpecialsATokenizerAdds() {
        assertThat(new Prompt.Text("héllo").tokenBound()).isEqualTo(6 + Prompt.SPECIAL_TOKENS);
    }

    @Test
    void aConversationAddsTheTemplatesAllowancePerMessageAndForTheAssistantsTurn() {
        Prompt chat = new Prompt.Chat(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")));

        assertThat(chat.tokenBound()).isEqualTo(Prompt.SPECIAL_TOKENS + 3 * Prompt.Chat.TEMPLATE_TOKENS_PER_MESSAGE
                + "system".length() + "Be brief.".length() + "user".length() + "Hi".length());
    }

    @Test
    void aPromptIsNeverEmpty() {
        assertThatThrownBy(() -> new Prompt.Tokens(new int[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Prompt.Text("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Prompt.Chat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyATokenizedPromptHasTokenIds() {
        GenerationRequest text = new GenerationRequest("r", "acct", new Prompt.Text("Once"), 1, Sampling.greedy(),
                List.of(), 0, false);

        assertThat(new GenerationRequest("r", "acct", new int[] {1, 2}, 1, Sampling.greedy(), List.of(), 0, false)
                .promptTokens()).containsExactly(1, 2);
        assertThatThrownBy(text::promptTokens).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not tokenized");
    }

    @Test
    void neitherAPromptNorARequestShowsTheUsersTextInLogs() {
        GenerationRequest request = new GenerationRequest("r", "acct", new Prompt.Text("secret plans"), 1,
                Sampling.greedy(), List.of(), 0, false);

        assertThat(request.toString()).doesNotContain("secret").contains("Text[12 chars]");
    }
}
