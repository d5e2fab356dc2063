package org.openmaas.cli;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openmaas.cli.bench.BenchCommand;
import picocli.CommandLine;

/** The {@code maas} command line: one class per subcommand. */
@CommandLine.Command(name = "maas", mixinStandardHelpOptions = true, version = "OpenMaaS 0.1.0",
        description = "OpenMaaS: a self-hosted Model-as-a-Service platform.",
        subcommands = {ServeCommand.class, BenchCommand.class})
public final class Main {

    static {
        // One line per record, before any logger exists.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }

    // The pool's and the migrations' routine steps are noise on an operator's terminal; their warnings are not.
    private static final List<Logger> QUIETED = Stream.of("com.zaxxer.hikari", "org.flywaydb")
            .map(Logger::getLogger).peek(logger -> logger.setLevel(Level.WARNING)).toList();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::report);
    }

    /** Configuration mistakes get one sentence; anything else also its stack trace, for a bug report. */
    private static int report(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        if (failure instanceof IllegalArgumentException || failure instanceof java.io.UncheckedIOException) {
            command.getErr().println("maas " + command.getCommandName() + ": " + failure.getMessage());
        } else {
            failure.printStackTrace(command.getErr());
        }
        return 2;
    }
}
