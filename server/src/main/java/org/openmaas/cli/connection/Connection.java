package org.openmaas.cli.connection;

import java.nio.file.Path;
import java.util.Map;
import org.openmaas.client.MaasClient;

/**
 * The settings a command connects with, as {@link ConnectionOptions} resolved them. The credentials may be missing
 * here: {@link #client()} says how to give them.
 *
 * @param baseUrl         the API base, e.g. {@code http://localhost:8080/v1/maas}
 * @param configFile      the config file they were read from, or that {@code maas login} writes
 * @param credentialsHint one more way to give the credentials, for the error that names every way; null when none
 */
public record Connection(String baseUrl, String authUrl, String clientId, String clientSecret, String cloudAccount,
                         Path configFile, String credentialsHint) {

    private static final String API_PATH = "/v1/maas";
    // The SDK's client carries a cloud account for generations; the calls made with its token alone never send it.
    private static final String NO_CLOUD_ACCOUNT = "none";

    /** The same connection with these credentials. */
    public Connection withCredentials(String clientId, String clientSecret, String cloudAccount) {
        return new Connection(baseUrl, authUrl, clientId, clientSecret, cloudAccount, configFile, credentialsHint);
    }

    /** What {@code maas login} saves. */
    public Settings toSettings() {
        return new Settings(baseUrl, authUrl, clientId, clientSecret, cloudAccount);
    }

    /**
     * The server's root, where the admin API and the token endpoint live: the base URL without {@code /v1/maas}.
     */
    public String serverRoot() {
        return serverRoot(baseUrl);
    }

    /**
     * A client of the API.
     *
     * @throws IllegalArgumentException naming the flag, variable and command that would supply a missing credential
     */
    public MaasClient client() {
        return build(true);
    }

    /** A client whose access token serves calls that name no cloud account (the admin API), so it needs none. */
    public MaasClient tokenClient() {
        return build(false);
    }

    private MaasClient build(boolean needsCloudAccount) {
        String id = required(clientId, "client id", "--client-id", MaasClient.ENV_CLIENT_ID);
        String secret = required(clientSecret, "client secret", "--client-secret", MaasClient.ENV_CLIENT_SECRET);
        String account = needsCloudAccount
                ? required(cloudAccount, "cloud account", "--cloud-account", MaasClient.ENV_CLOUD_ACCOUNT)
                : cloudAccount != null ? cloudAccount : NO_CLOUD_ACCOUNT;
        return MaasClient.builder()
                .environment(Map.of()) // already resolved, flags first
                .baseUrl(baseUrl).authUrl(authUrl).clientId(id).clientSecret(secret).cloudAccount(account)
                .build();
    }

    private String required(String value, String what, String flag, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no " + what + " is configured: give " + flag + ", set " + variable
                    + (credentialsHint == null ? ", or save it with `maas login`"
                    : ", save it with `maas login`, or " + credentialsHint));
        }
        return value;
    }

    /** A bare server's URL means its API ({@code http://host:8080} is {@code http://host:8080/v1/maas}). */
    static String apiBase(String url) {
        String trimmed = url.replaceAll("/+$", "");
        int scheme = trimmed.indexOf("://");
        boolean bare = scheme >= 0 && trimmed.indexOf('/', scheme + 3) < 0;
        return bare ? trimmed + API_PATH : trimmed;
    }

    /** The guide's token endpoint for the guide's service; for any other, {@code /oauth2/token} on its server. */
    static String defaultAuthUrl(String baseUrl) {
        return baseUrl.equals(MaasClient.DEFAULT_BASE_URL) ? MaasClient.DEFAULT_AUTH_URL
                : serverRoot(baseUrl) + "/oauth2/token";
    }

    private static String serverRoot(String baseUrl) {
        return baseUrl.endsWith(API_PATH) ? baseUrl.substring(0, baseUrl.length() - API_PATH.length()) : baseUrl;
    }

    @Override
    public String toString() {
        return "Connection[baseUrl=" + baseUrl + ", authUrl=" + authUrl + ", clientId=" + clientId
                + ", clientSecret=<redacted>, cloudAccount=" + cloudAccount + ", configFile=" + configFile + "]";
    }
}
