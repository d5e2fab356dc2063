package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmaas.cli.table.Table;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Change limits; those not given stay as they are, 'none' removes one. A client has "
                + "--requests-per-minute, --tokens-per-minute and --concurrent-streams; an account --monthly-tokens.")
final class LimitsSet extends AdminSubcommand {

    static final class Target {
        @Option(names = "--client", paramLabel = "CLIENT", description = "A client's rate limits.")
        String client;

        @Option(names = "--account", paramLabel = "ACCOUNT", description = "An account's monthly quota.")
        String account;

        String path() {
            return client != null ? "/v1/admin/clients/" + client + "/limits" : "/v1/admin/accounts/" + account + "/limits";
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--requests-per-minute", paramLabel = "N|none", description = "Generation requests per minute.")
    String requestsPerMinute;

    @Option(names = "--tokens-per-minute", paramLabel = "N|none", description = "Generated tokens per minute.")
    String tokensPerMinute;

    @Option(names = "--concurrent-streams", paramLabel = "N|none", description = "Generations running at once.")
    String concurrentStreams;

    @Option(names = "--monthly-tokens", paramLabel = "N|none", description = "Generated tokens per calendar month (UTC).")
    String monthlyTokens;

    @Override
    JsonNode run() {
        JsonNode current = server.get(target.path());
        Map<String, Object> body = new LinkedHashMap<>();
        if (target.client != null) {
            if (monthlyTokens != null) {
                throw new IllegalArgumentException("--monthly-tokens is an account's limit: use --account");
            }
            body.put("requests_per_minute", value("--requests-per-minute", requestsPerMinute, current, "requests_per_minute"));
            body.put("generated_tokens_per_minute", value("--tokens-per-minute", tokensPerMinute, current, "generated_tokens_per_minute"));
            body.put("concurrent_streams", value("--concurrent-streams", concurrentStreams, current, "concurrent_streams"));
        } else {
            if (requestsPerMinute != null || tokensPerMinute != null || concurrentStreams != null) {
                throw new IllegalArgumentException("an account has only --monthly-tokens; rate limits are a client's: use --client");
            }
            body.put("monthly_generated_tokens", value("--monthly-tokens", monthlyTokens, current, "monthly_generated_tokens"));
        }
        return server.call("PUT", target.path(), body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        describe(out, target, result);
    }

    static void describe(PrintWriter out, Target target, JsonNode limits) {
        Table table;
        if (target.client != null) {
            table = new Table("CLIENT", "REQUESTS/MIN", "TOKENS/MIN", "CONCURRENT STREAMS");
            table.row(target.client, unlimited(limits, "requests_per_minute"),
                    unlimited(limits, "generated_tokens_per_minute"), unlimited(limits, "concurrent_streams"));
        } else {
            table = new Table("ACCOUNT", "MONTHLY TOKENS", "MONTH", "USED", "RESERVED");
            table.row(target.account, unlimited(limits, "monthly_generated_tokens"), text(limits, "period"),
                    text(limits, "used_tokens"), text(limits, "reserved_tokens"));
        }
        out.print(table.text());
    }

    private static String unlimited(JsonNode limits, String field) {
        String value = text(limits, field);
        return value == null ? "unlimited" : value;
    }

    private static Long value(String option, String given, JsonNode current, String field) {
        if (given == null) {
            return current.path(field).isNumber() ? current.path(field).asLong() : null;
        }
        if (given.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            return Long.parseLong(given);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number or 'none', got '" + given + "'");
        }
    }
}
