package org.openmaas.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.cli.connection.Connection;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.AccessToken;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.PermissionDeniedException;
import org.openmaas.client.ResourceExhaustedException;
import org.openmaas.client.UnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code maas login}: checks the credentials — the client id and secret by fetching a token, the cloud account by the
 * one call that names it, a one-token generation on the first product the client may use — then saves them with the
 * URLs in the config file (mode 0600), so the other commands that connect to a server (client, admin, bench serve)
 * need no flags. A wrong secret or a cloud account the service refuses saves nothing. Asks for what is missing when
 * run on a terminal; the secret is read without echo and never printed.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Check the client id and secret (a token) and the cloud account (a one-token generation), then "
                + "save them for every command that connects to a server (config file, mode 0600).")
final class LoginCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Connection given = connection.resolve(ConnectionOptions.GUIDE_SERVICE);
        Console console = System.console();
        if (console != null && !console.isTerminal()) {
            console = null; // since Java 22 there is a Console even when input is a pipe: never prompt into one
        }
        Connection settings = given.withCredentials(
                orAsk(given.clientId(), console, "Client id: ", false),
                orAsk(given.clientSecret(), console, "Client secret: ", true),
                orAsk(given.cloudAccount(), console, "Cloud account: ", false));
        require(settings.clientId(), "a client id", "--client-id", "MAAS_CLIENT_ID");
        require(settings.clientSecret(), "a client secret", "--client-secret", "MAAS_CLIENT_SECRET");
        require(settings.cloudAccount(), "a cloud account", "--cloud-account", "MAAS_CLOUD_ACCOUNT");
        String accountCheck;
        try (MaasClient maas = settings.client()) {
            AccessToken token = maas.accessToken(); // the token endpoint accepts the id and secret
            accountCheck = checkAccount(maas, token);
        } catch (PermissionDeniedException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": the client id and secret are right, but the "
                    + "service refused cloud account " + settings.cloudAccount() + ": " + Main.describe(e)
                    + "; give the account this client belongs to with --cloud-account or MAAS_CLOUD_ACCOUNT. "
                    + "Nothing was saved.");
            return 1;
        }
        ConfigFile.write(settings.configFile(), settings.toSettings());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Logged in as client " + settings.clientId() + " (cloud account " + settings.cloudAccount()
                + ") at " + settings.authUrl() + "; settings saved to " + settings.configFile().toAbsolutePath());
        out.println(accountCheck);
        return 0;
    }

    /**
     * Only a generation names the cloud account, and a service refuses one for an account that is not the token's
     * (403): one token of the first product the client may use is the cheapest such call. Says what it found; throws
     * {@link PermissionDeniedException} when the service refused the account.
     */
    private static String checkAccount(MaasClient maas, AccessToken token) {
        List<String> scopes = List.of(token.scope().split(" "));
        if (!token.scope().isBlank() && !scopes.contains("inference")) {
            return "The cloud account was not checked: this client may not generate (its scopes: " + token.scope()
                    + "), and only generations name the account.";
        }
        List<Model> models = maas.models();
        if (models.isEmpty()) {
            return "The cloud account was not checked: no product is available to this client yet.";
        }
        Model model = models.getFirst();
        try {
            maas.generate(GenerateRequest.builder(model, "Hello").maxNewTokens(1).temperature(0).build());
        } catch (ResourceExhaustedException | UnavailableException e) {
            return "The cloud account was not checked: " + Main.describe(e);
        }
        return "The cloud account was accepted for a one-token generation on " + model.productName() + ".";
    }

    private static void require(String value, String what, String flag, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("login needs " + what + ": give " + flag + " or set " + variable
                    + ", or run it on a terminal to be asked");
        }
    }

    private static String orAsk(String value, Console console, String prompt, boolean secret) {
        if ((value != null && !value.isBlank()) || console == null) {
            return value;
        }
        if (secret) {
            char[] typed = console.readPassword(prompt);
            return typed == null ? null : new String(typed);
        }
        return console.readLine(prompt);
    }
}
