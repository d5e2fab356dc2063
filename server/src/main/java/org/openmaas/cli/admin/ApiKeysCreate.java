package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create an API key (sk-...) that acts as a client with the inference scope; it is shown this once.")
final class ApiKeysCreate extends AdminSubcommand {

    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "The client's id.")
    String client;

    @Option(names = "--name", paramLabel = "NAME", description = "What the key is for (default: api key).")
    String name;

    @Override
    JsonNode run() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (name != null) {
            body.put("name", name);
        }
        return server.call("POST", "/v1/admin/clients/" + client + "/api-keys", body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("created API key " + text(result, "id") + " of client " + text(result, "client_id") + " ("
                + text(result, "name") + ")");
        out.println("  API key: " + text(result, "key"));
        out.println("  (shown once: store it now; the server keeps only a hash)");
        out.flush();
    }
}
