package org.openmaas.cli.connection;

import java.nio.file.Path;
import java.util.Map;
import org.openmaas.client.MaasClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a command connects and with which credentials, shared by every command that talks to a server ({@code login},
 * {@code models}, {@code generate}, {@code demo}, {@code admin ...}, {@code bench serve}). Each setting comes from its
 * flag, else its environment variable, else the config file {@code maas login} writes, else the command's default:
 * the guide's service for the client commands, a server on this machine for the operator's.
 */
public final class ConnectionOptions {

    /** The client commands' default: the guide's service, as the SDK's. */
    public static final String GUIDE_SERVICE = MaasClient.DEFAULT_BASE_URL;
    /** The operator's commands' default ({@code admin}, {@code bench serve}): a server on this machine. */
    public static final String LOCAL_SERVER = "http://localhost:8080/v1/maas";

    @Option(names = "--base-url", paramLabel = "URL",
            description = "API base URL, e.g. http://localhost:8080/v1/maas; a bare server URL means its /v1/maas "
                    + "(env MAAS_BASE_URL; default: the config file, else the guide's service for the client commands "
                    + "and " + LOCAL_SERVER + " for admin and bench).")
    String baseUrl;

    @Option(names = "--auth-url", paramLabel = "URL",
            description = "Token endpoint (env MAAS_AUTH_URL; default: the config file, else /oauth2/token on the base "
                    + "URL's server, the guide's own for the guide's service).")
    String authUrl;

    @Option(names = "--client-id", paramLabel = "ID", description = "OAuth2 client id (env MAAS_CLIENT_ID).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "OAuth2 client secret (env MAAS_CLIENT_SECRET). Prefer the variable or `maas login`: other users can see flags in the process list.")
    String clientSecret;

    @Option(names = "--cloud-account", paramLabel = "ID", description = "Cloud account id (env MAAS_CLOUD_ACCOUNT).")
    String cloudAccount;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file written by `maas login` (env MAAS_CONFIG; default ~/.config/maas/config.toml).")
    Path config;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The root command's variables when it has its own ({@link EnvironmentSource}), else the process's. */
    public Map<String, String> environment() {
        return EnvironmentSource.of(command);
    }

    /** The settings in force, {@code defaultBaseUrl} when nothing gives the base URL. */
    public Connection resolve(String defaultBaseUrl) {
        return resolve(environment(), defaultBaseUrl, MoreSources.NONE);
    }

    /** The settings in force, with what this command adds to the shared sources. */
    public Connection resolve(String defaultBaseUrl, MoreSources more) {
        return resolve(environment(), defaultBaseUrl, more);
    }

    /** Flags, then environment, then config file, then the command's last resort and default. */
    Connection resolve(Map<String, String> env, String defaultBaseUrl, MoreSources more) {
        Path file = config != null ? config : ConfigFile.defaultLocation(env);
        Settings chosen = new Settings(baseUrl, authUrl, clientId, clientSecret, cloudAccount)
                .or(more.flags())
                .or(new Settings(env.get(MaasClient.ENV_BASE_URL), env.get(MaasClient.ENV_AUTH_URL),
                        env.get(MaasClient.ENV_CLIENT_ID), env.get(MaasClient.ENV_CLIENT_SECRET),
                        env.get(MaasClient.ENV_CLOUD_ACCOUNT)))
                .or(more.variables())
                .or(ConfigFile.read(file).orElse(Settings.NONE));
        if (!chosen.hasCredentials()) {
            chosen = chosen.or(more.lastResort().get());
        }
        String base = Connection.apiBase(chosen.baseUrl() != null ? chosen.baseUrl() : defaultBaseUrl);
        return new Connection(base, chosen.authUrl() != null ? chosen.authUrl() : Connection.defaultAuthUrl(base),
                chosen.clientId(), chosen.clientSecret(), chosen.cloudAccount(), file, more.credentialsHint());
    }
}
