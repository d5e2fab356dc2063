package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Every product with its state (loading, serving, failed with why) and configuration.")
final class ProductsList extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.get("/v1/admin/products");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("PRODUCT", "STATE", "SERVING", "MODEL", "SOURCE", "SLOTS", "CONTEXT", "ERROR");
        result.path("products").forEach(p -> table.row(text(p, "product_name"), text(p, "state"),
                p.path("serving").asBoolean() ? "yes" : "no", text(p, "model_name"),
                p.path("source").isTextual() ? text(p, "source") : text(p, "engine"), text(p, "slots"),
                text(p, "context_length"), text(p, "error")));
        out.print(table.text());
    }
}
