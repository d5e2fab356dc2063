package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the cloud accounts.")
final class AccountsList extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.get("/v1/admin/accounts");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("ACCOUNT", "NAME", "STATUS", "CREATED");
        result.path("accounts").forEach(a -> table.row(text(a, "id"), text(a, "name"), text(a, "status"),
                text(a, "created_at")));
        out.print(table.text());
    }
}
