package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke an API key: refused at once here, within 5 seconds on every other instance.")
final class ApiKeysRevoke extends AdminSubcommand {

    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "The client's id.")
    String client;

    @Parameters(paramLabel = "KEY_ID", description = "The key's id (key_...), as api-keys list shows it.")
    String key;

    @Override
    JsonNode run() {
        return server.call("POST", "/v1/admin/clients/" + client + "/api-keys/" + key + "/revoke", null);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("API key " + text(result, "id") + " of client " + text(result, "client_id") + " is revoked");
        out.flush();
    }
}
