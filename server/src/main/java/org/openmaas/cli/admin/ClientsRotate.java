package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rotate-secret", mixinStandardHelpOptions = true,
        description = "Give a client a new secret, shown this once; the old one keeps working during the overlap.")
final class ClientsRotate extends AdminSubcommand {

    @Parameters(paramLabel = "CLIENT", description = "The client's id.")
    String id;

    @Option(names = "--overlap", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How long the old secret keeps working (default: ${DEFAULT-VALUE}; at most 604800).")
    long overlapSeconds;

    @Override
    JsonNode run() {
        return server.call("POST", "/v1/admin/clients/" + id + "/rotate-secret", Map.of("overlap_seconds", overlapSeconds));
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        printSecret(out, "rotated the secret of client", result);
        out.println("  the old secret works until " + text(result, "previous_secret_expires_at"));
        out.flush();
    }

    static void printSecret(PrintWriter out, String what, JsonNode client) {
        out.println(what + " " + text(client, "client_id") + " (account " + text(client, "cloud_account_id")
                + ", scopes: " + text(client, "scopes") + ")");
        out.println("  client secret: " + text(client, "client_secret"));
        out.println("  (shown once: store it now; the server keeps only a hash)");
        out.flush();
    }
}
