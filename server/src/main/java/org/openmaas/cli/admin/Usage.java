package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Generation usage per day, account and product (or one line per request with --records).")
final class Usage extends AdminSubcommand {

    @Option(names = "--account", paramLabel = "ACCOUNT")
    String account;

    @Option(names = "--client", paramLabel = "CLIENT")
    String client;

    @Option(names = "--product", paramLabel = "PRODUCT")
    String product;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day (UTC), inclusive.")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day (UTC), inclusive.")
    String to;

    @Option(names = "--records", description = "One line per request instead of daily sums.")
    boolean records;

    @Option(names = "--limit", paramLabel = "N", description = "With --records: at most N, newest first (default: 100).")
    Integer limit;

    @Option(names = "--csv", description = "Print CSV instead of a table.")
    boolean csv;

    @Override
    JsonNode run() {
        String query = AdminConnection.query("account", account) + AdminConnection.query("client", client)
                + AdminConnection.query("product", product) + AdminConnection.query("from", from)
                + AdminConnection.query("to", to)
                + (records && limit != null ? AdminConnection.query("limit", limit.toString()) : "");
        String path = records ? "/v1/admin/usage/records" : "/v1/admin/usage";
        return server.get(path + (query.isEmpty() ? "" : "?" + query.substring(1)));
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        Table table;
        if (records) {
            table = new Table("REQUEST", "STARTED", "ACCOUNT", "CLIENT", "PRODUCT", "STATUS", "FINISH", "PROMPT",
                    "GENERATED", "TTFT MS", "DURATION MS");
            result.path("records").forEach(r -> table.row(text(r, "request_id"), text(r, "started_at"),
                    text(r, "cloud_account_id"), text(r, "client_id"), text(r, "product_name"), text(r, "status"),
                    text(r, "finish_reason"), text(r, "prompt_tokens"), text(r, "generated_tokens"),
                    text(r, "time_to_first_token_ms"), text(r, "duration_ms")));
        } else {
            table = new Table("DAY", "ACCOUNT", "PRODUCT", "REQUESTS", "PROMPT TOKENS", "GENERATED TOKENS", "FINISHED",
                    "CANCELLED", "FAILED", "INTERRUPTED", "OPEN");
            result.path("usage").forEach(u -> table.row(text(u, "day"), text(u, "cloud_account_id"),
                    text(u, "product_name"), text(u, "requests"), text(u, "prompt_tokens"), text(u, "generated_tokens"),
                    text(u, "finished"), text(u, "cancelled"), text(u, "failed"), text(u, "interrupted"),
                    text(u, "open")));
        }
        if (csv) {
            out.print(table.csv());
        } else {
            out.print(table.text());
        }
    }
}
