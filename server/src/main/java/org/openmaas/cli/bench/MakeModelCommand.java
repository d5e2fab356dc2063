package org.openmaas.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openmaas.gguf.Architecture;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.RandomLlama;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code maas bench make-model}: writes the random-weight benchmark model, so a realistic size is one command away. */
@Command(name = "make-model", mixinStandardHelpOptions = true,
        description = {"Write a random-weight Llama GGUF for benchmarks: the cost of running a model does not depend"
                + " on what its weights learned, so no download is needed.",
                "benchmark: 336 M parameters, Q8_0, a vocabulary of 32000, 358 MB (about 3 s to write).",
                "tiny: 160 K parameters, F32, for smoke tests.",
                "--architecture qwen3 or gemma3 writes the same shape as that architecture.",
                "--tokenizer-of takes a real model's tokenizer (and so its vocabulary size) from a GGUF: llama.cpp's"
                        + " models/ggml-vocab-llama-bpe.gguf gives Llama 3's 128256 tokens."})
final class MakeModelCommand implements Callable<Integer> {

    enum Size { benchmark, tiny }

    @Parameters(paramLabel = "FILE", description = "Where to write the GGUF (replaced if it exists; missing folders are made).")
    Path file;

    @Option(names = "--size", defaultValue = "benchmark", description = "benchmark or tiny (default: ${DEFAULT-VALUE}).")
    Size size;

    @Option(names = "--architecture", defaultValue = "LLAMA",
            description = "LLAMA, QWEN3 or GEMMA3 (default: ${DEFAULT-VALUE}).")
    Architecture architecture;

    @Option(names = "--tokenizer-of", paramLabel = "GGUF",
            description = "Copy the tokenizer (every tokenizer.* key but the chat template) of this GGUF, such as a"
                    + " vocabulary-only one from llama.cpp's source (scripts/llama-cpp.sh source, models/).")
    Path tokenizerOf;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        RandomLlama.Spec spec = switch (size) {
            case benchmark -> RandomLlama.Spec.benchmark();
            case tiny -> RandomLlama.Spec.tiny();
        };
        if (architecture != Architecture.LLAMA) {
            spec = spec.withArchitecture(architecture).withName(spec.name().replace("llama", architecture.key()));
        }
        if (tokenizerOf != null) {
            spec = spec.withTokenizerOf(GgufReader.read(tokenizerOf));
        }
        long start = System.nanoTime();
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) Files.createDirectories(folder);
        RandomLlama.write(spec, file);
        command.commandLine().getOut().printf("wrote %s: %s, %,d parameters, %s, %.1f MB in %.1f s%n", file, spec.name(),
                spec.parameterCount(), spec.type(), Files.size(file) / 1e6, (System.nanoTime() - start) / 1e9);
        command.commandLine().getOut().flush();
        return 0;
    }
}
