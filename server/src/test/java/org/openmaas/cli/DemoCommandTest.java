package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code maas demo} against a server with two products: the guide's four sections in order, with its headings and
 * the same kind of lines, checked section by section.
 */
class DemoCommandTest {

    static final Path GUIDE = Path.of(System.getProperty("openmaas.sharedModels", "../shared/models"))
            .resolveSibling("spec").resolve("maas-api-guide.rst");
    static final String RULE = "-".repeat(50);

    static TestServer server;
    static List<Model> models;
    static Cli.Run demo;

    @TempDir
    static Path dir;

    @BeforeAll
    static void runDemo() throws IOException {
        Path catalog = dir.resolve("catalog.yaml");
        Path model = TestModels.tiny().getFirst();
        Files.writeString(catalog, """
                products:
                  - product_name: maas-model-llama-3.1-8b
                    model_name: meta-llama/Meta-Llama-3.1-8B-Instruct
                    model: %1$s
                  - product_name: maas-model-mistral-7b-v0.1
                    model_name: mistralai/Mistral-7B-Instruct-v0.1
                    model: %1$s
                """.formatted(model));
        server = TestServer.withCatalog(catalog);
        try (MaasClient client = MaasClient.builder().environment(Map.of()).baseUrl(server.uri("/v1/maas").toString())
                .authUrl(server.uri("/oauth2/token").toString()).clientId(TestServer.CLIENT_ID)
                .clientSecret(TestServer.CLIENT_SECRET).cloudAccount(TestServer.ACCOUNT).build()) {
            models = client.models();
        }
        demo = Cli.run(Cli.environment(dir.resolve("config.toml")), Cli.args("demo", Cli.flagsFor(server)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String section(int number) {
        String[] headings = {"=== MaaS API Complete Demo ===", "1. Authentication Test", "2. Available Models",
                "3. Text Generation Tests", "4. Parameter Variation Test"};
        int start = demo.out().indexOf(headings[number] + "\n");
        int end = number + 1 < headings.length ? demo.out().indexOf(headings[number + 1] + "\n") : demo.out().length();
        assertThat(start).as("heading '%s' in:\n%s", headings[number], demo.out()).isNotNegative();
        assertThat(end).as("the section after '%s'", headings[number]).isGreaterThan(start);
        return demo.out().substring(start, end);
    }

    @Test
    void theDemoSucceedsAndItsSectionsComeInTheGuidesOrder() {
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).startsWith("=== MaaS API Complete Demo ===\n\n1. Authentication Test\n" + RULE + "\n")
                .doesNotContain("✗").doesNotContain("failed");
        assertThat(section(0)).isEqualTo("=== MaaS API Complete Demo ===\n\n");
    }

    @Test
    void section1ShowsTheStartOfTheAuthorizationHeaderButNotTheSecret() {
        assertThat(section(1)).matches("1\\. Authentication Test\n" + RULE + "\nAuthentication successful\n"
                + "Token: Bearer [A-Za-z0-9_.-]{43}\\.\\.\\.\n\n\n");
        assertThat(demo.out()).doesNotContain(TestServer.CLIENT_SECRET);
    }

    @Test
    void section2ListsEveryModelWithItsProductIdAndName() {
        StringBuilder expected = new StringBuilder("2. Available Models\n" + RULE + "\nFound 2 available models:\n");
        for (Model model : models) {
            expected.append("\nModel: ").append(model.modelName()).append("\nProduct ID: ").append(model.productId())
                    .append("\nProduct Name: ").append(model.productName()).append('\n');
        }
        expected.append("\n\n"); // print("\n") after the list

        assertThat(section(2)).isEqualTo(expected.toString());
    }

    @Test
    void section3GeneratesForEveryModelAndEndsEachWithItsCompletionDetails() {
        String section = section(3);
        assertThat(section).startsWith("3. Text Generation Tests\n" + RULE + "\n");
        Pattern run = Pattern.compile("\nTesting (.+)\n-{30}\nPrompt: Write a poem about programming, in four lines and "
                + "two stanzas, which uses iambic pentameter in rhyming couplets\\.\n\nResponse:\n((?s).+?)\n\n"
                + "Completion Details:\n- Tokens generated: (\\d+)\n- Finish reason: (FINISH_REASON_[A-Z_]+)\n"
                + "- Seed: (\\d+)\n\n\n");
        Matcher matcher = run.matcher(section);
        List<String> tested = new ArrayList<>();
        while (matcher.find()) {
            tested.add(matcher.group(1));
            assertThat(matcher.group(2)).as("the response of %s", matcher.group(1)).isNotBlank();
            assertThat(Integer.parseInt(matcher.group(3))).isBetween(1, 100);
            assertThat(matcher.group(4)).isIn("FINISH_REASON_LENGTH", "FINISH_REASON_EOS_TOKEN");
        }
        assertThat(tested).containsExactlyElementsOf(models.stream().map(Model::modelName).toList());
    }

    @Test
    void section4VariesMaxTokensAndTemperatureOnTheFirstModel() {
        String section = section(4);
        assertThat(section).startsWith("4. Parameter Variation Test\n" + RULE + "\n");
        Pattern run = Pattern.compile("\nTesting with parameters:\n- Max tokens: (\\d+)\n- Temperature: ([0-9.]+)\n"
                + "\nResponse:\n((?s).+?)\n\n(?=\n|\\z)");
        Matcher matcher = run.matcher(section);
        List<String> parameters = new ArrayList<>();
        while (matcher.find()) {
            parameters.add(matcher.group(1) + "@" + matcher.group(2));
            assertThat(matcher.group(3)).as("the response for %s", parameters.getLast()).isNotBlank();
        }
        assertThat(parameters).containsExactly("50@0.2", "50@0.8", "200@0.5");
    }

    /** Every fixed line the guide's demonstrate_all_apis() prints (its title aside) is printed by the demo. */
    @Test
    void everyLiteralLineOfTheGuidesScriptAppears() throws IOException {
        assumeTrue(Files.exists(GUIDE), "the guide is at " + GUIDE);
        String guide = Files.readString(GUIDE);
        String script = guide.substring(guide.indexOf("def demonstrate_all_apis", guide.indexOf("Complete Python Workflow Script\n===")));
        Matcher print = Pattern.compile("print\\(f?\"([^\"{]*)").matcher(script.substring(0, script.indexOf("if __name__")));
        List<String> literals = new ArrayList<>();
        while (print.find()) {
            String literal = print.group(1).replace("\\n", "\n");
            if (!literal.isBlank() && !literal.contains("Complete Demo") && !literal.toLowerCase().contains("failed")) {
                literals.add(literal);
            }
        }

        assertThat(literals).hasSizeGreaterThan(15);
        assertThat(literals).allSatisfy(literal -> assertThat(demo.out()).contains(literal));
    }

    @Test
    void refusedCredentialsAreReportedInSections1And2AndTheDemoFails() {
        List<String> wrong = Cli.flagsFor(server).stream()
                .map(f -> f.equals(TestServer.CLIENT_SECRET) ? "wrong-secret-0123456789" : f).toList();

        Cli.Run run = Cli.run(Cli.environment(dir.resolve("none.toml")), Cli.args("demo", wrong));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Authentication failed: client authentication failed")
                .contains("Failed to list models: client authentication failed")
                .contains("4. Parameter Variation Test")
                .contains("✗ Generation failed: no model is available to vary parameters on")
                .doesNotContain("wrong-secret-0123456789");
    }
}
