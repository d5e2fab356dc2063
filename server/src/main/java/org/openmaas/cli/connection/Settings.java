package org.openmaas.cli.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One source's connection settings, each optional: the flags, the environment, the config file (this record is its
 * TOML shape) or the admin commands' credentials file. {@link #or} ranks them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Settings(@JsonProperty("base_url") String baseUrl,
                       @JsonProperty("auth_url") String authUrl,
                       @JsonProperty("client_id") String clientId,
                       @JsonProperty("client_secret") String clientSecret,
                       @JsonProperty("cloud_account") String cloudAccount) {

    public static final Settings NONE = new Settings(null, null, null, null, null);

    /** Each setting from this source, else (unset or blank here) from {@code lower}; values are trimmed. */
    public Settings or(Settings lower) {
        return new Settings(first(baseUrl, lower.baseUrl), first(authUrl, lower.authUrl),
                first(clientId, lower.clientId), first(clientSecret, lower.clientSecret),
                first(cloudAccount, lower.cloudAccount));
    }

    boolean hasCredentials() {
        return clientId != null && clientSecret != null;
    }

    private static String first(String value, String lower) {
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        return lower == null || lower.isBlank() ? null : lower.trim();
    }

    @Override
    public String toString() {
        return "Settings[baseUrl=" + baseUrl + ", authUrl=" + authUrl + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? null : "<redacted>") + ", cloudAccount=" + cloudAccount + "]";
    }
}
