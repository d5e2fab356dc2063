package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the console's users.")
final class UsersList extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.get("/v1/admin/users");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("USER", "EMAIL", "OPERATOR", "PASSWORD SET", "DISABLED", "CREATED");
        result.path("users").forEach(u -> table.row(text(u, "id"), text(u, "email"), text(u, "operator"),
                text(u, "has_password"), text(u, "disabled"), text(u, "created_at")));
        out.print(table.text());
    }
}
