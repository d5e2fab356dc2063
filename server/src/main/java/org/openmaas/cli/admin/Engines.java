package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;

@Command(name = "engines", mixinStandardHelpOptions = true,
        description = "Products served by engines elsewhere: each endpoint's state, in-flight generations, time to "
                + "first token and errors, as the server sees them.")
final class Engines extends AdminSubcommand {

    @Override
    JsonNode run() {
        return server.get("/v1/admin/engines");
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table = new Table("PRODUCT", "TYPE", "ENDPOINT", "STATE", "IN FLIGHT", "MAX", "ATTEMPTS", "ERRORS",
                "TTFT MS", "LAST ERROR");
        result.path("engines").forEach(engine -> engine.path("endpoints").forEach(e -> table.row(
                text(engine, "product_name"), text(engine, "type"), text(e, "endpoint"), text(e, "state"),
                text(e, "in_flight"), text(e, "max_concurrent"), text(e, "attempts"), text(e, "errors"),
                e.path("time_to_first_token_ms").isNumber()
                        ? String.valueOf(Math.round(e.path("time_to_first_token_ms").asDouble())) : null,
                text(e, "last_error"))));
        out.print(table.text());
    }
}
