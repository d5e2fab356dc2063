package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create an API client; its secret is shown this once.")
final class ClientsCreate extends AdminSubcommand {

    @Option(names = "--account", required = true, paramLabel = "ACCOUNT", description = "Its cloud account.")
    String account;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "A name unique in the account.")
    String name;

    @Option(names = "--scope", paramLabel = "SCOPE",
            description = "inference and/or admin; repeatable (default: inference).")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--id", paramLabel = "ID", description = "Its client id (default: a random one).")
    String newClientId;

    @Override
    JsonNode run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cloud_account_id", account);
        body.put("name", name);
        if (!scopes.isEmpty()) {
            body.put("scopes", scopes);
        }
        if (newClientId != null) {
            body.put("client_id", newClientId);
        }
        return server.call("POST", "/v1/admin/clients", body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        ClientsRotate.printSecret(out, "created client", result);
    }
}
