package org.openmaas.cli;

import java.io.Console;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConfigFile;
import org.openmaas.cli.connection.Connection;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.client.MaasClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code maas login}: checks the credentials by fetching a token, then saves them with the URLs in the config file
 * (mode 0600), so the other commands that connect to a server (client, admin, bench serve) need no flags. Asks for what is missing when run on a terminal; the
 * secret is read without echo and never printed.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Check credentials by fetching a token and save them for every command that connects to a server "
                + "(config file, mode 0600).")
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
        try (MaasClient maas = settings.client()) {
            maas.accessToken(); // the check: the token endpoint accepts the id and secret
        }
        ConfigFile.write(settings.configFile(), settings.toSettings());
        spec.commandLine().getOut().println("Logged in as client " + settings.clientId() + " (cloud account "
                + settings.cloudAccount() + ") at " + settings.authUrl() + "; settings saved to "
                + settings.configFile().toAbsolutePath());
        return 0;
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
