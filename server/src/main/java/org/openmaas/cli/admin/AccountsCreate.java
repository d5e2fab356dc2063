package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a cloud account.")
final class AccountsCreate extends AdminSubcommand {

    @Parameters(paramLabel = "NAME", description = "A name no other account has.")
    String name;

    @Option(names = "--id", paramLabel = "ID", description = "Its 12-digit id (default: a random one).")
    String id;

    @Override
    JsonNode run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (id != null) {
            body.put("id", id);
        }
        return server.call("POST", "/v1/admin/accounts", body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("created cloud account " + text(result, "id") + " (" + text(result, "name") + ")");
        out.flush();
    }
}
