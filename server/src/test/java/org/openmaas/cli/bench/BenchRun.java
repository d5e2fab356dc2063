package org.openmaas.cli.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code bench ...} in-process and keeps what it printed. */
record BenchRun(int exitCode, String out, String err) {

    static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new BenchCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new BenchRun(exitCode, out.toString(), err.toString());
    }
}
