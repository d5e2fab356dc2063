package org.openmaas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The guide's "Complete Python Workflow Script" as the guide prints it, its five globals pointed at a server, run
 * with {@code python3}. The caller is skipped when the guide is not beside the repository.
 */
public final class GuideScript {

    public static final Path GUIDE = Path.of(System.getProperty("openmaas.sharedModels", "../shared/models"))
            .resolveSibling("spec").resolve("maas-api-guide.rst");

    private GuideScript() {
    }

    /** The script with its globals set to a server at {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}). */
    public static String pointedAt(String baseUrl, String account, String clientId, String clientSecret)
            throws IOException {
        return withGlobals(String.join("\n",
                "CLIENT_ID = \"" + clientId + "\"",
                "CLIENT_SECRET = \"" + clientSecret + "\"",
                "CLOUD_ACCOUNT = \"" + account + "\"",
                "API_BASE_URL = \"" + baseUrl + "/v1/maas\"",
                "AUTH_URL = \"" + baseUrl + "/oauth2/token\""));
    }

    /** The script with its five globals' lines replaced by {@code globals}, as a user pastes them. */
    public static String withGlobals(String globals) throws IOException {
        Assumptions.assumeTrue(Files.exists(GUIDE), "the guide is at " + GUIDE);
        String guide = Files.readString(GUIDE);
        int heading = guide.indexOf("Complete Python Workflow Script\n===");
        int start = guide.indexOf(".. code-block:: python", heading);
        int end = guide.indexOf("\n.. meta::", start);
        List<String> lines = new ArrayList<>();
        for (String line : guide.substring(start, end).split("\n", -1)) {
            if (!line.startsWith(".. code-block::")) {
                lines.add(line.startsWith("   ") ? line.substring(3) : line);
            }
        }
        String script = String.join("\n", lines);
        int first = script.indexOf("CLIENT_ID = \"my_client_id\"");
        int last = script.indexOf('\n', script.indexOf("AUTH_URL = \"", first));
        if (first < 0 || last < 0) {
            throw new IllegalStateException("the guide's script no longer starts with its five globals: " + GUIDE);
        }
        return script.substring(0, first) + globals + script.substring(last);
    }

    /** Runs {@code script} with python3 in {@code dir}; fails unless it exits 0 within 5 minutes. Its output. */
    public static String run(Path dir, String script) throws IOException, InterruptedException {
        Path file = dir.resolve("guide.py");
        Path out = dir.resolve("guide.out");
        Files.writeString(file, script);
        Process python = new ProcessBuilder("python3", file.toString()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertThat(python.waitFor(300, TimeUnit.SECONDS)).as("the script finishes").isTrue();
        String output = Files.readString(out);
        assertThat(python.exitValue()).as(output).isZero();
        return output;
    }
}
