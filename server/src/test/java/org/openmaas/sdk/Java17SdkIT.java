package org.openmaas.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * The packaged SDK jar serves a Java 17 application: a small program is compiled with Java 17's javac against
 * {@code client/target/openmaas-client-*.jar} and its runtime dependencies ({@code client/target/lib}), then run on
 * Java 17 against a real server on loopback, configured only by the {@code MAAS_*} environment variables.
 */
class Java17SdkIT {

    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));
    static final Path JAVA17 = Path.of(System.getProperty("openmaas.java17Home", "/usr/lib/jvm/java-17-openjdk-amd64"));

    static final String PROGRAM = """
            import java.util.List;
            import org.openmaas.client.*;

            public class Program {
                public static void main(String[] args) {
                    try (MaasClient client = MaasClient.builder().build()) {
                        List<Model> models = client.models();
                        System.out.println("models: " + models.size());
                        Model model = models.get(0);
                        GenerateRequest request = GenerateRequest.builder(model, "Once upon a time")
                                .maxNewTokens(20).temperature(0).build();
                        StringBuilder text = new StringBuilder();
                        int events = 0;
                        try (GenerationStream stream = client.generateStream(request)) {
                            for (TokenEvent event : stream) {
                                events++;
                                if (!event.token().special()) {
                                    text.append(event.token().text());
                                }
                            }
                            GenerationDetails details = stream.details().orElseThrow();
                            System.out.println("events: " + events + " of " + details.generatedTokens());
                            System.out.println("finish: " + details.finishReasonName());
                        }
                        GenerateResult whole = client.generate(request);
                        System.out.println("same text: " + whole.generatedText().equals(text.toString()) + " "
                                + !text.toString().isEmpty());
                        try {
                            client.generate(request.toBuilder().temperature(101).build());
                        } catch (InvalidArgumentException e) {
                            System.out.println("refused: " + e.httpStatus() + " " + e.grpcCodeName());
                        }
                        System.out.println("java: " + System.getProperty("java.specification.version"));
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aJava17ProgramListsModelsAndStreamsAGenerationWithTheSdkJar() throws Exception {
        assumeTrue(Files.isExecutable(JAVA17.resolve("bin/javac")), "Java 17 is at " + JAVA17);
        String classpath = sdkClasspath();
        Files.writeString(dir.resolve("Program.java"), PROGRAM);

        Result compiled = run(List.of(JAVA17.resolve("bin/javac").toString(), "-d", dir.resolve("classes").toString(),
                "-cp", classpath, dir.resolve("Program.java").toString()), Map.of());
        assertThat(compiled.exitCode()).as(compiled.output()).isZero();

        try (TestServer server = TestServer.serving(TestModels.tiny())) {
            Result ran = run(List.of(JAVA17.resolve("bin/java").toString(), "-cp",
                    dir.resolve("classes") + File.pathSeparator + classpath, "Program"), Map.of(
                    "MAAS_BASE_URL", server.uri("/v1/maas").toString(),
                    "MAAS_AUTH_URL", server.uri("/oauth2/token").toString(),
                    "MAAS_CLIENT_ID", TestServer.CLIENT_ID,
                    "MAAS_CLIENT_SECRET", TestServer.CLIENT_SECRET,
                    "MAAS_CLOUD_ACCOUNT", TestServer.ACCOUNT));

            assertThat(ran.exitCode()).as(ran.output()).isZero();
            List<String> lines = ran.output().lines().toList();
            assertThat(lines).contains("models: 1", "same text: true true", "refused: 400 INVALID_ARGUMENT", "java: 17");
            assertThat(lines).anySatisfy(line -> assertThat(line).matches("events: (\\d+) of \\1"));
            assertThat(lines).anySatisfy(line -> assertThat(line).matches("finish: FINISH_REASON_(LENGTH|EOS_TOKEN)"));
        }
    }

    /** The SDK jar and the jars it needs at run time, as the client module's package phase leaves them. */
    private static String sdkClasspath() throws IOException {
        Path target = ROOT.resolve("client/target");
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            files.filter(p -> p.getFileName().toString().matches("openmaas-client-.*\\.jar")
                    && !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar")).forEach(jars::add);
        }
        assertThat(jars).as("the SDK jar in " + target + " (mvn package builds it)").hasSize(1);
        try (Stream<Path> files = Files.list(target.resolve("lib"))) {
            files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        }
        assertThat(jars).anySatisfy(jar -> assertThat(jar.getFileName().toString()).startsWith("jackson-databind"));
        return String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
    }

    record Result(int exitCode, String output) {
    }

    private Result run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("MAAS_") || name.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(environment);
        Path log = Files.createTempFile(dir, "process-", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
