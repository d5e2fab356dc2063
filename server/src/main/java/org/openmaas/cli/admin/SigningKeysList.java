package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the token signing keys (ids only).")
final class SigningKeysList extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.get("/v1/admin/signing-keys");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        printKeys(result, out);
    }

    static void printKeys(JsonNode result, PrintWriter out) {
        Table table = new Table("KEY ID", "CREATED", "RETIRED", "VERIFIES UNTIL", "SIGNING");
        result.path("keys").forEach(k -> table.row(text(k, "key_id"), text(k, "created_at"), text(k, "retired_at"),
                text(k, "verifies_until"), k.path("signing").asBoolean() ? "yes" : "no"));
        out.print(table.text());
    }
}
