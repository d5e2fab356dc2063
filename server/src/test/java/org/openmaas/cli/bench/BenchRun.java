package org.openmaas.cli.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.openmaas.cli.Main;
import org.openmaas.cli.connection.ConfigFile;
import picocli.CommandLine;

/** Runs {@code maas bench ...} in-process and keeps what it printed. */
record BenchRun(int exitCode, String out, String err) {

    /** With no {@code MAAS_*} variable and no config file: what the test gives is all there is. */
    static BenchRun of(String... args) {
        return of(Map.of(ConfigFile.ENV_CONFIG, Path.of("target", "no-such-config.toml").toString()), args);
    }

    static BenchRun of(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine(environment)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int exitCode = command.execute(Stream.concat(Stream.of("bench"), Stream.of(args)).toArray(String[]::new));
        return new BenchRun(exitCode, out.toString(), err.toString());
    }
}
