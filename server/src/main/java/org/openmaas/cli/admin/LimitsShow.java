package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a client's rate limits or an account's monthly quota and its use this month.")
final class LimitsShow extends AdminSubcommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    LimitsSet.Target target;

    @Override
    JsonNode run() {
        return server.get(target.path());
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        LimitsSet.describe(out, target, result);
    }
}
