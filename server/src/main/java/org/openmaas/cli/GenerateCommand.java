package org.openmaas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.TokenEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code maas generate "prompt" --model NAME}: streams the generated text to the terminal as it is generated. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate text: the tokens are printed as the model produces them.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "The text to continue; - reads it from standard input.")
    String prompt;

    @Option(names = "--model", paramLabel = "NAME",
            description = "A product name or model name from `maas models`; may be left out when the service serves one model.")
    String model;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate at most (service default 100).")
    Integer maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 is greedy; values other than 1 turn sampling on.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: keep the most likely tokens up to probability P.")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep only the K most likely tokens.")
    Integer topK;

    @Option(names = "--typical-p", paramLabel = "P", description = "Locally typical sampling.")
    Double typicalP;

    @Option(names = "--repetition-penalty", paramLabel = "X", description = "Multiplicative penalty on tokens already seen (1: off).")
    Double repetitionPenalty;

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Additive penalty by how often a token was seen (0: off).")
    Double frequencyPenalty;

    @Option(names = "--do-sample", description = "Sample even when no other option asks for it.")
    boolean doSample;

    @Option(names = "--seed", paramLabel = "SEED", description = "Unsigned 64-bit seed: the same seed and prompt give the same text.")
    String seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop once the text ends with TEXT; repeatable.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--top-n-tokens", paramLabel = "N", description = "Report the N most likely alternatives of each token (with --json).")
    Integer topNTokens;

    @Option(names = "--truncate", paramLabel = "N", description = "Keep only the last N prompt tokens.")
    Integer truncate;

    @Option(names = "--json", description = "Print the stream's NDJSON lines as they arrive instead of the text.")
    boolean json;

    @Option(names = "--details", description = "After the text, print how the generation ended (tokens, finish reason, seed).")
    boolean details;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (MaasClient maas = connection.resolve(ConnectionOptions.GUIDE_SERVICE).client()) {
            GenerateRequest request = request(resolveModel(maas));
            try (GenerationStream stream = maas.generateStream(request)) {
                for (TokenEvent event : stream) {
                    if (json) {
                        out.println(event.line());
                    } else if (!event.token().special()) {
                        out.print(event.token().text());
                    }
                    out.flush();
                }
                if (!json) {
                    out.println();
                    if (details) {
                        printDetails(out, stream.details().orElseThrow(), stream.requestId());
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    private Model resolveModel(MaasClient maas) {
        if (model != null) {
            return maas.findModel(model).orElseThrow(() -> new IllegalArgumentException("no model or product named '"
                    + model + "' is available; `maas models` lists them"));
        }
        List<Model> models = maas.models();
        if (models.size() == 1) {
            return models.getFirst();
        }
        throw new IllegalArgumentException(models.isEmpty() ? "the service has no model available now"
                : "the service has " + models.size() + " models: choose one with --model ("
                + String.join(", ", models.stream().map(Model::productName).toList()) + ")");
    }

    private GenerateRequest request(Model target) {
        GenerateRequest.Builder request = GenerateRequest.builder(target, promptText()).stop(stop);
        if (maxNewTokens != null) request.maxNewTokens(maxNewTokens);
        if (temperature != null) request.temperature(temperature);
        if (topP != null) request.topP(topP);
        if (topK != null) request.topK(topK);
        if (typicalP != null) request.typicalP(typicalP);
        if (repetitionPenalty != null) request.repetitionPenalty(repetitionPenalty);
        if (frequencyPenalty != null) request.frequencyPenalty(frequencyPenalty);
        if (doSample) request.doSample(true);
        if (seed != null) request.seed(seed);
        if (topNTokens != null) request.topNTokens(topNTokens);
        if (truncate != null) request.truncate(truncate);
        return request.build();
    }

    private String promptText() {
        if (!"-".equals(prompt)) {
            return prompt;
        }
        try {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompt from standard input", e);
        }
    }

    static void printDetails(PrintWriter out, GenerationDetails details, String requestId) {
        out.println();
        out.println("Completion Details:");
        out.println("- Tokens generated: " + details.generatedTokens());
        out.println("- Finish reason: " + details.finishReasonName());
        details.seed().ifPresent(seed -> out.println("- Seed: " + seed));
        out.println("- Request ID: " + requestId);
    }
}
