package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every {@code maas admin} leaf command does: connect, call, print a table (or the JSON with --json). */
abstract class AdminSubcommand implements Callable<Integer> {

    @Mixin
    AdminConnection server;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            JsonNode result = run();
            if (server.json) {
                out.println(AdminConnection.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(result));
                out.flush();
            } else {
                print(result, out);
            }
            return 0;
        } catch (AdminConnection.Refused | IllegalArgumentException e) {
            spec.commandLine().getErr().println("maas admin: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
