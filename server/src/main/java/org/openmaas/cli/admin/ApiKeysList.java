package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a client's API keys (never the keys: their first characters).")
final class ApiKeysList extends AdminSubcommand {

    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "The client's id.")
    String client;

    @Override
    JsonNode run() {
        return server.get("/v1/admin/clients/" + client + "/api-keys");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("KEY ID", "PREFIX", "NAME", "CREATED", "LAST USED", "REVOKED");
        result.path("api_keys").forEach(k -> table.row(text(k, "id"), text(k, "prefix"), text(k, "name"),
                text(k, "created_at"), text(k, "last_used_at"), text(k, "revoked_at")));
        out.print(table.text());
    }
}
