package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openmaas.cli.connection.MoreSources;
import org.openmaas.cli.connection.Settings;
import picocli.CommandLine.Option;

/**
 * What the admin commands add to the connection options every command shares: the bootstrap credentials file as the
 * last source of credentials, and their old spelling of the server, {@code --url} and {@code MAAS_URL} (its root
 * URL), kept as deprecated aliases of {@code --base-url} and {@code MAAS_BASE_URL}.
 */
final class AdminConnectionOptions {

    static final String DEPRECATED_VARIABLE = "MAAS_URL";

    @Option(names = "--url", paramLabel = "URL",
            description = "Deprecated: the server's root URL; use --base-url URL/v1/maas (and MAAS_BASE_URL for MAAS_URL).")
    String url;

    @Option(names = "--credentials", paramLabel = "FILE", defaultValue = "maas-data/bootstrap-credentials.json",
            description = "A JSON file with client_id and client_secret, read when no flag, variable or config file "
                    + "gives them (default: ${DEFAULT-VALUE}, written by the server's first start).")
    Path credentials;

    /** The sources these options add; a deprecated spelling in use gets one line of warning on {@code err}. */
    MoreSources sources(Map<String, String> env, PrintWriter err) {
        String variable = env.get(DEPRECATED_VARIABLE);
        Settings flags = Settings.NONE;
        Settings variables = Settings.NONE;
        if (url != null && !url.isBlank()) {
            flags = new Settings(apiBase(url), null, null, null, null);
            warn(err, "--url is deprecated; use --base-url " + flags.baseUrl());
        } else if (variable != null && !variable.isBlank()) {
            variables = new Settings(apiBase(variable), null, null, null, null);
            warn(err, DEPRECATED_VARIABLE + " is deprecated; use MAAS_BASE_URL=" + variables.baseUrl());
        }
        return new MoreSources(flags, variables, this::credentialsFile, "give --credentials FILE (" + credentials
                + (Files.exists(credentials) ? " has none)" : " does not exist)"));
    }

    private static String apiBase(String serverRoot) {
        return serverRoot.trim().replaceAll("/+$", "") + "/v1/maas";
    }

    private static void warn(PrintWriter err, String message) {
        err.println("maas: " + message);
        err.flush();
    }

    private Settings credentialsFile() {
        if (!Files.exists(credentials)) {
            return Settings.NONE;
        }
        try {
            JsonNode file = AdminConnection.JSON.readTree(Files.readString(credentials));
            return new Settings(null, null, file.path("client_id").asText(null), file.path("client_secret").asText(null),
                    file.path("cloud_account_id").asText(null));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the credentials file " + credentials + ": " + e.getMessage());
        }
    }
}
