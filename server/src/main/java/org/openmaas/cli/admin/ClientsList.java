package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List API clients (never their secrets).")
final class ClientsList extends AdminSubcommand {

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this cloud account's clients.")
    String account;

    @Override
    JsonNode run() {
        return server.get("/v1/admin/clients" + (account == null ? "" : "?" + AdminConnection.query("account", account).substring(1)));
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("CLIENT", "ACCOUNT", "NAME", "SCOPES", "STATUS", "CREATED", "LAST USED");
        result.path("clients").forEach(c -> table.row(text(c, "client_id"), text(c, "cloud_account_id"),
                text(c, "name"), text(c, "scopes"), text(c, "status"), text(c, "created_at"), text(c, "last_used_at")));
        out.print(table.text());
    }
}
