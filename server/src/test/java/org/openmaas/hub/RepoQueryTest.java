package org.openmaas.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code owner/repo:QUANT}: which GGUF of a repository it names. */
class RepoQueryTest {

    private static final List<RepoFile> BARTOWSKI = List.of(
            file("README.md"),
            file("Llama-3.2-1B-Instruct-Q4_K_M.gguf"),
            file("Llama-3.2-1B-Instruct-Q4_K_S.gguf"),
            file("Llama-3.2-1B-Instruct-Q4_K.gguf"),
            file("Llama-3.2-1B-Instruct-Q8_0.gguf"));

    @Test
    void theQuantizationPicksTheFileThatCarriesItWhateverItsCase() {
        assertThat(RepoQuery.parse("bartowski/Llama-3.2-1B-Instruct-GGUF:q8_0").choose(BARTOWSKI).path())
                .isEqualTo("Llama-3.2-1B-Instruct-Q8_0.gguf");
    }

    @Test
    void aQuantizationMatchesOnlyAsAWordOfItsOwn() {
        assertThat(RepoQuery.parse("o/r:Q4_K").choose(BARTOWSKI).path()).isEqualTo("Llama-3.2-1B-Instruct-Q4_K.gguf");
        assertThat(RepoQuery.parse("o/r:Q4_K_M").choose(BARTOWSKI).path()).isEqualTo("Llama-3.2-1B-Instruct-Q4_K_M.gguf");
    }

    @Test
    void ollamasHfCoPrefixIsAccepted() {
        assertThat(RepoQuery.parse("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"))
                .isEqualTo(new RepoQuery("bartowski/Llama-3.2-1B-Instruct-GGUF", Optional.of("Q4_K_M")));
    }

    @Test
    void aQuantizationNoFileCarriesIsAnErrorListingTheRepositorysGgufs() {
        assertThatThrownBy(() -> RepoQuery.parse("o/r:Q5_K_M").choose(BARTOWSKI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("o/r: no GGUF file carries quantization Q5_K_M; its GGUF files: "
                        + "Llama-3.2-1B-Instruct-Q4_K_M.gguf (1.0 MiB), Llama-3.2-1B-Instruct-Q4_K_S.gguf (1.0 MiB), "
                        + "Llama-3.2-1B-Instruct-Q4_K.gguf (1.0 MiB), Llama-3.2-1B-Instruct-Q8_0.gguf (1.0 MiB)");
    }

    @Test
    void aQuantizationSeveralFilesCarryIsAnError() {
        List<RepoFile> files = List.of(file("a-Q8_0.gguf"), file("b-Q8_0.gguf"));

        assertThatThrownBy(() -> RepoQuery.parse("o/r:Q8_0").choose(files))
                .hasMessage("o/r: 2 GGUF files carry quantization Q8_0; its GGUF files: a-Q8_0.gguf (1.0 MiB), "
                        + "b-Q8_0.gguf (1.0 MiB)");
    }

    @Test
    void withoutAQuantizationTheOnlyGgufIsTaken() {
        assertThat(RepoQuery.parse("o/r").choose(List.of(file("README.md"), file("model.gguf"))).path())
                .isEqualTo("model.gguf");
    }

    @Test
    void withoutAQuantizationSeveralGgufsAskForOne() {
        assertThatThrownBy(() -> RepoQuery.parse("o/r").choose(BARTOWSKI))
                .hasMessageStartingWith("o/r: it holds 4 GGUF files; name one with o/r:QUANT; its GGUF files: ");
    }

    @Test
    void aQuantizationSplitIntoPartsIsSaidToBeSplit() {
        List<RepoFile> files = List.of(file("Q8_0/m-Q8_0-00001-of-00002.gguf"), file("Q8_0/m-Q8_0-00002-of-00002.gguf"));

        assertThatThrownBy(() -> RepoQuery.parse("o/r:Q8_0").choose(files))
                .hasMessageStartingWith("o/r: quantization Q8_0 is split into 2 files (")
                .hasMessageEndingWith("); maas pull fetches single-file GGUFs only");
    }

    @Test
    void aRepositoryWithoutGgufsSaysSo() {
        assertThatThrownBy(() -> RepoQuery.parse("o/r").choose(List.of(file("model.safetensors"))))
                .hasMessage("o/r holds no GGUF file (its files: model.safetensors)");
    }

    @Test
    void somethingThatIsNoReferenceNamesTheFormsThatAre() {
        assertThatThrownBy(() -> RepoQuery.parse("just-a-name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'just-a-name' is not a model reference; give owner/repo:QUANT "
                        + "(e.g. bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M), owner/repo when it holds one GGUF, "
                        + "or hf://owner/repo/path/to/file.gguf");
    }

    private static RepoFile file(String path) {
        return new RepoFile(path, 1 << 20, Optional.empty());
    }
}
