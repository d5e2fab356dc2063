package org.openmaas.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code maas bench}: benchmarks are commands, not timed tests (ARCHITECTURE §7); one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the engine, a running server and the store; print tables (or --json) with the command"
                + " line and the machine.",
        subcommands = {EngineBenchCommand.class, ServeBenchCommand.class, GatewayBenchCommand.class,
                StoreBenchCommand.class, MakeModelCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand: engine, serve,"
                + " gateway, store or make-model");
    }
}
