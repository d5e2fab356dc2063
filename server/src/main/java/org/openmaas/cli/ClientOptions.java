package org.openmaas.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.openmaas.client.MaasClient;
import picocli.CommandLine.Option;

/**
 * Where the client commands connect and with which credentials, shared by {@code login}, {@code models},
 * {@code generate} and {@code demo}. Each setting comes from its flag, else its environment variable, else the
 * config file, else (URLs only) the guide's public service.
 */
final class ClientOptions {

    @Option(names = "--base-url", paramLabel = "URL",
            description = "API base URL, e.g. http://localhost:8080/v1/maas (env MAAS_BASE_URL; default: the config file, else the guide's service).")
    String baseUrl;

    @Option(names = "--auth-url", paramLabel = "URL",
            description = "Token endpoint, e.g. http://localhost:8080/oauth2/token (env MAAS_AUTH_URL; default: the config file, else the guide's).")
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

    /** The settings in force, and the file they may come from. */
    record Resolved(String baseUrl, String authUrl, String clientId, String clientSecret, String cloudAccount,
                    Path configFile) {

        ClientConfigFile.Settings toSettings() {
            return new ClientConfigFile.Settings(baseUrl, authUrl, clientId, clientSecret, cloudAccount);
        }

        @Override
        public String toString() {
            return "Resolved[baseUrl=" + baseUrl + ", authUrl=" + authUrl + ", clientId=" + clientId
                    + ", clientSecret=<redacted>, cloudAccount=" + cloudAccount + ", configFile=" + configFile + "]";
        }
    }

    Path configFile(Map<String, String> env) {
        return config != null ? config : ClientConfigFile.defaultLocation(env);
    }

    /** Flags, then environment, then config file, then the guide's URLs; credentials may stay null here. */
    Resolved resolve(Map<String, String> env) {
        Path file = configFile(env);
        ClientConfigFile.Settings saved = ClientConfigFile.read(file).orElse(ClientConfigFile.Settings.NONE);
        return new Resolved(
                pick(baseUrl, env.get(MaasClient.ENV_BASE_URL), saved, ClientConfigFile.Settings::baseUrl, MaasClient.DEFAULT_BASE_URL),
                pick(authUrl, env.get(MaasClient.ENV_AUTH_URL), saved, ClientConfigFile.Settings::authUrl, MaasClient.DEFAULT_AUTH_URL),
                pick(clientId, env.get(MaasClient.ENV_CLIENT_ID), saved, ClientConfigFile.Settings::clientId, null),
                pick(clientSecret, env.get(MaasClient.ENV_CLIENT_SECRET), saved, ClientConfigFile.Settings::clientSecret, null),
                pick(cloudAccount, env.get(MaasClient.ENV_CLOUD_ACCOUNT), saved, ClientConfigFile.Settings::cloudAccount, null),
                file);
    }

    /**
     * A client for the resolved settings.
     *
     * @throws IllegalArgumentException naming the flag, variable and command that would supply a missing credential
     */
    MaasClient client(Map<String, String> env) {
        return client(resolve(env));
    }

    static MaasClient client(Resolved settings) {
        return MaasClient.builder()
                .environment(Map.of()) // already resolved, flags first
                .baseUrl(settings.baseUrl())
                .authUrl(settings.authUrl())
                .clientId(required(settings.clientId(), "client id", "--client-id", MaasClient.ENV_CLIENT_ID))
                .clientSecret(required(settings.clientSecret(), "client secret", "--client-secret", MaasClient.ENV_CLIENT_SECRET))
                .cloudAccount(required(settings.cloudAccount(), "cloud account", "--cloud-account", MaasClient.ENV_CLOUD_ACCOUNT))
                .build();
    }

    private static String required(String value, String what, String flag, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no " + what + " is configured: give "
                    + flag + ", set " + variable + ", or save it with `maas login`");
        }
        return value;
    }

    private static String pick(String flag, String fromEnvironment, ClientConfigFile.Settings saved,
                               Function<ClientConfigFile.Settings, String> key, String fallback) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        String fromFile = key.apply(saved);
        return fromFile != null && !fromFile.isBlank() ? fromFile.trim() : fallback;
    }
}
