package org.openmaas.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.Connection;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.MaasClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code maas admin} leaf command does: connect as every client-side command does (a server on this
 * machine by default), call, print a table (or the JSON with --json).
 */
abstract class AdminSubcommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    AdminConnectionOptions admin;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The server's admin API, while {@link #run()} runs. */
    AdminConnection server;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Connection settings = connection.resolve(ConnectionOptions.LOCAL_SERVER,
                    admin.sources(connection.environment(), err));
            try (MaasClient tokens = settings.tokenClient()) {
                server = new AdminConnection(settings.serverRoot(), tokens);
                JsonNode result = run();
                if (json) {
                    out.println(AdminConnection.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(result));
                } else {
                    print(result, out);
                }
                out.flush();
            }
            return 0;
        } catch (AdminConnection.Refused | IllegalArgumentException e) {
            err.println("maas admin: " + e.getMessage());
            err.flush();
            return 1;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls the server; the answer is printed with --json. */
    abstract JsonNode run();

    /** Prints the answer for people. */
    abstract void print(JsonNode result, PrintWriter out);

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.isArray() ? join(value) : value.asText();
    }

    private static String join(JsonNode array) {
        StringBuilder joined = new StringBuilder();
        array.forEach(v -> joined.append(joined.isEmpty() ? "" : " ").append(v.asText()));
        return joined.toString();
    }
}
