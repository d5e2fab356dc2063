package org.openmaas.cli;

import picocli.CommandLine;

/** The {@code maas} command line: one class per subcommand. */
@CommandLine.Command(name = "maas", mixinStandardHelpOptions = true, version = "OpenMaaS 0.1.0",
        description = "OpenMaaS: a self-hosted Model-as-a-Service platform.")
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
