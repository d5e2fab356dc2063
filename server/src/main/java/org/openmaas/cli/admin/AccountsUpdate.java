package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Rename a cloud account, or suspend it (its clients' tokens stop working) and activate it again.")
final class AccountsUpdate extends AdminSubcommand {

    @Parameters(paramLabel = "ACCOUNT", description = "The account's id.")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "A new name.")
    String name;

    @Option(names = "--status", paramLabel = "STATUS", description = "active or suspended.")
    String status;

    @Override
    JsonNode run() {
        if (name == null && status == null) {
            throw new IllegalArgumentException("give --name and/or --status");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("status", status);
        return server.call("PATCH", "/v1/admin/accounts/" + id, body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("cloud account " + text(result, "id") + ": " + text(result, "name") + ", " + text(result, "status"));
        out.flush();
    }
}
