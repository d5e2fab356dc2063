package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show which products an account may use.")
final class EntitlementsShow extends AdminSubcommand {

    @Parameters(paramLabel = "ACCOUNT", description = "The account's id.")
    String account;

    @Override
    JsonNode run() {
        return server.get("/v1/admin/accounts/" + account + "/entitlements");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        EntitlementsSet.describe(out, account, result);
    }
}
