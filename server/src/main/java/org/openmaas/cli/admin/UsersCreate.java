package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Make a console user and print their one-time invite link; for an email that has a user, a new "
                + "link (which replaces their password once followed).")
final class UsersCreate extends AdminSubcommand {

    @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "Their email, which they sign in with.")
    String email;

    @Option(names = "--operator", description = "Make them an operator: everything, in every cloud account.")
    boolean operator;

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "A cloud account to add them to.")
    String account;

    @Option(names = "--role", paramLabel = "ROLE", description = "owner or member of --account (default: member).")
    String role;

    @Override
    JsonNode run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("operator", operator);
        if (account != null) {
            body.put("account", account);
        }
        if (role != null) {
            body.put("role", role);
        }
        return server.call("POST", "/v1/admin/users", body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("user " + text(result, "email") + " (" + text(result, "user_id") + ")"
                + (result.path("operator").asBoolean() ? ", an operator" : ""));
        out.println("  invite link: " + server.root() + text(result, "invite_url"));
        out.println("  (works once, until " + text(result, "invite_expires_at") + "; pass it to them privately)");
        out.flush();
    }
}
