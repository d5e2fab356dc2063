package org.openmaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GenerateRequestTest {

    static final Model MODEL = new Model("stories260K", "6f0c0000-0000-0000-0000-000000000000", "maas-model-stories260k");

    @Test
    void unsetParametersStayNull() {
        GenerateRequest request = GenerateRequest.builder(MODEL, "Once").build();

        assertThat(request.maxNewTokens()).isNull();
        assertThat(request.temperature()).isNull();
        assertThat(request.seed()).isNull();
        assertThat(request.stop()).isEmpty();
    }

    @Test
    void aRequestWithoutAModelIsRefusedWithASentence() {
        assertThatThrownBy(() -> GenerateRequest.builder(null, "Once").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("a GenerateRequest needs a model: one of MaasClient.models()");
    }

    @Test
    void anEmptyPromptIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "").build()).hasMessage("the prompt must not be empty");
    }

    @Test
    void zeroNewTokensIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "p").maxNewTokens(0).build())
                .hasMessage("maxNewTokens must be at least 1, got 0");
    }

    @Test
    void aNegativeTemperatureIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "p").temperature(-0.5).build())
                .hasMessage("temperature must be 0 (greedy) or more, got -0.5");
    }

    @Test
    void aNaNParameterIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "p").topP(Double.NaN).build())
                .hasMessage("topP must be a finite number, got NaN");
    }

    @Test
    void anEmptyStopSequenceIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "p").stop("a", "").build())
                .hasMessage("stop sequence 1 is empty; a stop sequence needs at least one character");
    }

    @Test
    void aSeedBeyond64BitsIsRefused() {
        assertThatThrownBy(() -> GenerateRequest.builder(MODEL, "p").seed("18446744073709551616").build())
                .hasMessage("seed must be an unsigned 64-bit integer in decimal, got '18446744073709551616'");
    }

    @Test
    void aNegativeLongSeedIsReadAsUnsigned() {
        assertThat(GenerateRequest.builder(MODEL, "p").seed(-1L).build().seed()).isEqualTo("18446744073709551615");
    }

    @Test
    void policyLimitsAreLeftToTheService() {
        GenerateRequest request = GenerateRequest.builder(MODEL, "p").temperature(101).topNTokens(6)
                .stop("a", "b", "c", "d", "e").build();

        assertThat(request.topNTokens()).isEqualTo(6);
    }

    @Test
    void toBuilderVariesOneValue() {
        GenerateRequest base = GenerateRequest.builder(MODEL, "p").maxNewTokens(50).temperature(0.2).stop("x").build();

        GenerateRequest varied = base.toBuilder().temperature(0.8).build();

        assertThat(varied).isEqualTo(GenerateRequest.builder(MODEL, "p").maxNewTokens(50).temperature(0.8).stop("x").build());
    }

    @Test
    void finishReasonsAreReadFromTheWireAndTgisPlainNames() {
        assertThat(FinishReason.fromWire("FINISH_REASON_EOS_TOKEN")).isEqualTo(FinishReason.EOS_TOKEN);
        assertThat(FinishReason.fromWire("stop_sequence")).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(FinishReason.fromWire("FINISH_REASON_SOMETHING_NEW")).isEqualTo(FinishReason.UNRECOGNIZED);
        assertThat(FinishReason.LENGTH.wireName()).isEqualTo("FINISH_REASON_LENGTH");
    }
}
