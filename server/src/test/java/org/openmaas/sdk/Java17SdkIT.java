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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * The SDK as a Java 17 application's build gets it: the client module is installed into an empty temporary local
 * repository, a Maven project declaring the README's dependency snippet is compiled against it on Java 17 with that
 * repository alone (offline: a published pom that needed its parent would fail here), and the program runs on Java 17
 * against a real server on loopback, configured only by the {@code MAAS_*} environment variables.
 *
 * <p>No registry is reached: the builds' plugins come from this machine's own local repository, served to them as a
 * {@code file:} mirror; {@code ./dev test} builds up to {@code install}, so maven-install-plugin is among them.
 */
class Java17SdkIT {

    static final Path ROOT = Path.of(System.getProperty("openmaas.projectRoot", ".."));
    static final Path JAVA17 = Path.of(System.getProperty("openmaas.java17Home", "/usr/lib/jvm/java-17-openjdk-amd64"));
    static final Path JAVA25 = Path.of(System.getProperty("java.home"));
    static final Path MACHINE_REPOSITORY = Path.of(System.getProperty("openmaas.localRepository",
            System.getProperty("user.home") + "/.m2/repository"));
    static final String VERSION = System.getProperty("openmaas.version", "unknown");

    static final String PROGRAM = """
            package example;

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

    static final String CONSUMER_POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>consumer</artifactId>
              <version>1</version>
              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
            %s
              </dependencies>
              <build>
                <plugins>
                  <!-- the versions the SDK's own build used, so the temporary repository has them -->
                  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                </plugins>
              </build>
            </project>
            """;

    @TempDir
    Path dir;

    @Test
    void aJava17MavenProjectBuildsAgainstTheInstalledSdkAloneAndStreamsAGeneration() throws Exception {
        assumeTrue(Files.isExecutable(JAVA17.resolve("bin/javac")), "Java 17 is at " + JAVA17);
        Path repository = dir.resolve("repository");
        Result installed = maven(JAVA25, copyOfTheSdkSources(), repository, false,
                "-f", "client/pom.xml", "-Dmaven.test.skip=true", "install");
        assertThat(installed.exitCode()).as(installed.output()).isZero();
        Path pom = repository.resolve("org/openmaas/openmaas-client/" + VERSION + "/openmaas-client-" + VERSION + ".pom");
        assertThat(Files.readString(pom)).as("the published pom").doesNotContain("<parent>")
                .contains("<artifactId>jackson-databind</artifactId>");

        Path consumer = Files.createDirectories(dir.resolve("consumer"));
        Files.writeString(consumer.resolve("pom.xml"), CONSUMER_POM.formatted(readmeSnippet("xml")));
        Path sources = Files.createDirectories(consumer.resolve("src/main/java/example"));
        Files.writeString(sources.resolve("Program.java"), PROGRAM);
        Result compiled = maven(JAVA17, consumer, repository, true, "compile");
        assertThat(compiled.exitCode()).as(compiled.output()).isZero();
        Result classpath = maven(JAVA17, consumer, repository, false,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=" + dir.resolve("classpath.txt"));
        assertThat(classpath.exitCode()).as(classpath.output()).isZero();

        try (TestServer server = TestServer.serving(TestModels.tiny())) {
            Result ran = run(consumer, List.of(JAVA17.resolve("bin/java").toString(), "-cp",
                    consumer.resolve("target/classes") + File.pathSeparator
                            + Files.readString(dir.resolve("classpath.txt")).strip(), "example.Program"), Map.of(
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

    @Test
    void installingOnJava17StopsAtOnceSayingToUseJava25() throws Exception {
        assumeTrue(Files.isExecutable(JAVA17.resolve("bin/java")), "Java 17 is at " + JAVA17);
        Result installed = maven(JAVA17, copyOfTheSdkSources(), dir.resolve("repository"), false,
                "-f", "client/pom.xml", "-Dmaven.test.skip=true", "install");

        assertThat(installed.exitCode()).isNotZero();
        assertThat(installed.output())
                .contains("OpenMaaS builds with Java 25 (the SDK it builds runs on Java 17 and newer), but Maven runs on "
                        + "Java 17")
                .contains("Point JAVA_HOME at a Java 25 JDK")
                .doesNotContain("class file version", "UnsupportedClassVersionError", "invalid target release");
    }

    @Test
    void theReadmeShowsTheVersionTheBuildPublishes() throws IOException {
        assertThat(readmeSnippet("xml")).contains("<artifactId>openmaas-client</artifactId>")
                .contains("<version>" + VERSION + "</version>");
        assertThat(readmeSnippet("kotlin")).contains("implementation(\"org.openmaas:openmaas-client:" + VERSION + "\")");
        assertThat(VERSION).doesNotEndWith("-SNAPSHOT");
    }

    /** The README's one code block in {@code language} that names the SDK's artifact. */
    private static String readmeSnippet(String language) throws IOException {
        Matcher blocks = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("README.md")));
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            if (blocks.group(1).contains("openmaas-client")) {
                found.add(blocks.group(1));
            }
        }
        assertThat(found).as("README.md's ```" + language + " blocks that name openmaas-client").hasSize(1);
        return found.getFirst();
    }

    /** The parent pom and the client module's pom and main sources, as a clone has them, outside the build's tree. */
    private Path copyOfTheSdkSources() throws IOException {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve("client"));
        Files.copy(ROOT.resolve("pom.xml"), project.resolve("pom.xml"));
        Files.copy(ROOT.resolve("client/pom.xml"), project.resolve("client/pom.xml"));
        Path main = ROOT.resolve("client/src/main");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = project.resolve("client/src/main").resolve(main.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        return project;
    }

    /**
     * Maven on {@code java} with {@code repository} as its local repository; unless {@code offline}, what is missing
     * there is copied from this machine's local repository, never fetched from a registry.
     */
    private Result maven(Path java, Path project, Path repository, boolean offline, String... arguments)
            throws Exception {
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror><id>this-machine</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(MACHINE_REPOSITORY.toUri()));
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repository));
        if (offline) {
            command.add("-o");
        }
        command.addAll(List.of(arguments));
        return run(project, command, Map.of("JAVA_HOME", java.toString()));
    }

    record Result(int exitCode, String output) {
    }

    private Result run(Path workingDirectory, List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("MAAS_") || name.equals("JAVA_TOOL_OPTIONS")
                || name.equals("MAVEN_OPTS") || name.equals("MAVEN_ARGS"));
        builder.environment().putAll(environment);
        Path log = Files.createTempFile(dir, "process-", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
