package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a client for good: new tokens are refused at once, live ones within 10 seconds.")
final class ClientsRevoke extends AdminSubcommand {

    @Parameters(paramLabel = "CLIENT", description = "The client's id.")
    String id;

    @Override
    JsonNode run() {
        return server.call("POST", "/v1/admin/clients/" + id + "/revoke", null);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("client " + text(result, "client_id") + " is " + text(result, "status"));
        out.flush();
    }
}
