package org.openmaas.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.AccessToken;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.TokenEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code maas demo}: the guide's {@code demonstrate_all_apis()} in Java, section for section and line for line
 * (authentication, model listing, a generation for every model with its completion details, the parameter
 * variations), against whatever endpoint is configured. Unlike the script it does not pause between generations
 * unless asked ({@code --pause}), prints only the non-special tokens' text, and exits 1 when a section failed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the guide's demonstration: authentication, model listing, generation, parameter variation.")
final class DemoCommand implements Callable<Integer> {

    static final String RULE = "-".repeat(50);
    static final String SUB_RULE = "-".repeat(30);
    static final String TEST_PROMPT = "Write a poem about programming, in four lines and two stanzas, which uses iambic "
            + "pentameter in rhyming couplets.";
    static final String STORY_PROMPT = "Write a short story about a robot.";
    /** The guide's section 3: 100 tokens at temperature 0.9 (its step-by-step version says 0.7). */
    static final int TEST_MAX_TOKENS = 100;
    static final double TEST_TEMPERATURE = 0.9;

    record ParameterSet(int maxTokens, double temperature) {
    }

    static final List<ParameterSet> PARAMETER_SETS = List.of(
            new ParameterSet(50, 0.2), new ParameterSet(50, 0.8), new ParameterSet(200, 0.5));

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Option(names = "--pause", paramLabel = "SECONDS", defaultValue = "0",
            description = "Wait this long after each generation, as the guide's script does with 2 (default: ${DEFAULT-VALUE}).")
    double pause;

    private PrintWriter out;
    private boolean failed;

    @Override
    public Integer call() throws InterruptedException {
        out = spec.commandLine().getOut();
        try (MaasClient maas = connection.resolve(ConnectionOptions.GUIDE_SERVICE).client()) {
            out.println("=== MaaS API Complete Demo ===\n");
            authentication(maas);
            List<Model> models = models(maas);
            generations(maas, models);
            parameterVariations(maas, models);
        }
        out.flush();
        return failed ? 1 : 0;
    }

    private void authentication(MaasClient maas) {
        out.println("1. Authentication Test");
        out.println(RULE);
        try {
            AccessToken token = maas.accessToken();
            String authorization = token.authorization();
            out.println("Authentication successful");
            out.println("Token: " + authorization.substring(0, Math.min(50, authorization.length())) + "...");
        } catch (RuntimeException e) {
            failed = true;
            out.println("Authentication failed: " + e.getMessage());
        }
        out.println("\n");
    }

    private List<Model> models(MaasClient maas) {
        out.println("2. Available Models");
        out.println(RULE);
        List<Model> models = List.of();
        try {
            models = maas.models();
            out.println("Found " + models.size() + " available models:");
            for (Model model : models) {
                out.println("\nModel: " + model.modelName());
                out.println("Product ID: " + model.productId());
                out.println("Product Name: " + model.productName());
            }
        } catch (RuntimeException e) {
            failed = true;
            out.println("Failed to list models: " + e.getMessage());
        }
        out.println("\n");
        return models;
    }

    private void generations(MaasClient maas, List<Model> models) throws InterruptedException {
        out.println("3. Text Generation Tests");
        out.println(RULE);
        for (Model model : models) {
            out.println("\nTesting " + model.modelName());
            out.println(SUB_RULE);
            out.println("Prompt: " + TEST_PROMPT + "\n");
            try {
                GenerateRequest request = GenerateRequest.builder(model, TEST_PROMPT).maxNewTokens(TEST_MAX_TOKENS)
                        .temperature(TEST_TEMPERATURE).build();
                try (GenerationStream stream = maas.generateStream(request)) {
                    out.println("Response:");
                    for (TokenEvent event : stream) {
                        printToken(event);
                        if (event.details().isPresent()) {
                            printDetails(event.details().get());
                        }
                    }
                }
                out.println("\n");
                pause();
            } catch (RuntimeException e) {
                generationFailed(e);
            }
        }
    }

    private void printDetails(GenerationDetails details) {
        out.println("\n\nCompletion Details:");
        out.println("- Tokens generated: " + details.generatedTokens());
        out.println("- Finish reason: " + details.finishReasonName());
        details.seed().ifPresent(seed -> out.println("- Seed: " + seed));
    }

    private void parameterVariations(MaasClient maas, List<Model> models) throws InterruptedException {
        out.println("\n4. Parameter Variation Test");
        out.println(RULE);
        if (models.isEmpty()) {
            generationFailed(new IllegalStateException("no model is available to vary parameters on"));
            return;
        }
        Model model = models.getFirst();
        for (ParameterSet params : PARAMETER_SETS) {
            out.println("\nTesting with parameters:");
            out.println("- Max tokens: " + params.maxTokens());
            out.println("- Temperature: " + params.temperature());
            try {
                GenerateRequest request = GenerateRequest.builder(model, STORY_PROMPT).maxNewTokens(params.maxTokens())
                        .temperature(params.temperature()).build();
                try (GenerationStream stream = maas.generateStream(request)) {
                    out.println("\nResponse:");
                    for (TokenEvent event : stream) {
                        printToken(event);
                    }
                }
                out.println("\n");
                pause();
            } catch (RuntimeException e) {
                generationFailed(e);
            }
        }
    }

    private void printToken(TokenEvent event) {
        if (!event.token().special()) {
            out.print(event.token().text());
            out.flush();
        }
    }

    private void generationFailed(RuntimeException e) {
        failed = true;
        out.println("✗ Generation failed: " + e.getMessage());
    }

    private void pause() throws InterruptedException {
        if (pause > 0) {
            out.flush();
            Thread.sleep(Duration.ofMillis((long) (pause * 1000)));
        }
    }
}
