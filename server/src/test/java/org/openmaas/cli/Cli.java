package org.openmaas.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.testing.TestServer;
import picocli.CommandLine;

/** Runs {@code maas ...} in-process with captured output and an environment of the test's own. */
final class Cli {

    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Run run(Map<String, String> environment, String... args) {
        CommandLine maas = Main.commandLine(environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        maas.setOut(new PrintWriter(out, true));
        maas.setErr(new PrintWriter(err, true));
        int exitCode = maas.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** An environment whose config file is {@code config} (so no test reads or writes the real home). */
    static Map<String, String> environment(Path config) {
        Map<String, String> env = new HashMap<>();
        env.put(ConfigFile.ENV_CONFIG, config.toString());
        return env;
    }

    /** The flags that point a client command at {@code server} with its bootstrap credentials. */
    static List<String> flagsFor(TestServer server) {
        return List.of("--base-url", server.uri("/v1/maas").toString(),
                "--auth-url", server.uri("/oauth2/token").toString(),
                "--client-id", TestServer.CLIENT_ID,
                "--client-secret", TestServer.CLIENT_SECRET,
                "--cloud-account", TestServer.ACCOUNT);
    }

    static String[] args(String command, List<String> flags, String... more) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(flags);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
