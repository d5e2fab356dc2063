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
        return String.join("\n", lines)
                .replace("CLIENT_ID = \"my_client_id\"", "CLIENT_ID = \"" + clientId + "\"")
                .replace("CLIENT_SECRET = \"my_client_secret\"", "CLIENT_SECRET = \"" + clientSecret + "\"")
                .replace("CLOUD_ACCOUNT = \"my_cloud_account\"", "CLOUD_ACCOUNT = \"" + account + "\"")
                .replace("API_BASE_URL = \"https://us-region-2-sdk-api.cloud.intel.com/v1/maas\"",
                        "API_BASE_URL = \"" + baseUrl + "/v1/maas\"")
                .replace("AUTH_URL = \"https://client-token.api.idcservice.net/oauth2/token\"",
                        "AUTH_URL = \"" + baseUrl + "/oauth2/token\"");
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
