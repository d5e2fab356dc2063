package org.openmaas.cli;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openmaas.cli.admin.AdminCommand;
import org.openmaas.cli.bench.BenchCommand;
import org.openmaas.cli.connection.EnvironmentSource;
import org.openmaas.client.MaasException;
import org.openmaas.server.StartupException;
import picocli.CommandLine;

/** The {@code maas} command line: one class per subcommand. */
@CommandLine.Command(name = "maas", mixinStandardHelpOptions = true, version = "OpenMaaS 0.1.0",
        description = "OpenMaaS: a self-hosted Model-as-a-Service platform.",
        subcommands = {ServeCommand.class, LoginCommand.class, ModelsCommand.class, PullCommand.class, RmCommand.class,
                GenerateCommand.class, DemoCommand.class, AdminCommand.class, BenchCommand.class})
public final class Main implements EnvironmentSource {

    static {
        // One line per record, before any logger exists.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }

    // The pool's and the migrations' routine steps are noise on an operator's terminal; their warnings are not.
    private static final List<Logger> QUIETED = Stream.of("com.zaxxer.hikari", "org.flywaydb")
            .map(Logger::getLogger).peek(logger -> logger.setLevel(Level.WARNING)).toList();

    private final Map<String, String> environment;

    Main(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command line reading settings from {@code environment} (tests pass their own). */
    public static CommandLine commandLine(Map<String, String> environment) {
        return new CommandLine(new Main(environment)).setExecutionExceptionHandler(Main::report);
    }

    /** The environment the commands read their {@code MAAS_*} settings from. */
    @Override
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Configuration mistakes get one sentence (exit 2); a service's refusal its message, status and request id
     * (exit 1); anything else also its stack trace, for a bug report.
     */
    private static int report(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        // The whole path: "maas bench serve", for "maas serve" is another command.
        String prefix = command.getCommandSpec().qualifiedName() + ": ";
        if (failure instanceof MaasException e) {
            command.getErr().println(prefix + describe(e));
            return 1;
        }
        if (failure instanceof IllegalArgumentException || failure instanceof java.io.UncheckedIOException
                || failure instanceof StartupException) {
            command.getErr().println(prefix + failure.getMessage());
        } else {
            failure.printStackTrace(command.getErr());
        }
        return 2;
    }

    /** {@code message (HTTP 400, INVALID_ARGUMENT, request id ...)}. */
    static String describe(MaasException e) {
        StringBuilder s = new StringBuilder(e.getMessage()).append(" (");
        if (e.httpStatus() > 0) {
            s.append("HTTP ").append(e.httpStatus()).append(", ");
        }
        s.append(e.grpcCodeName());
        e.requestId().ifPresent(id -> s.append(", request id ").append(id));
        return s.append(')').toString();
    }
}
