package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.client.MaasClient;

/** Where the client commands' settings come from: flags, then environment, then the config file, then defaults. */
class ClientOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheConfigFile() {
        Path config = dir.resolve("config.toml");
        ClientConfigFile.write(config, new ClientConfigFile.Settings("http://file/v1/maas", "http://file/oauth2/token",
                "file-id", "file-secret", "111111111111"));
        ClientOptions options = new ClientOptions();
        options.config = config;
        options.clientId = "flag-id";

        ClientOptions.Resolved resolved = options.resolve(Map.of("MAAS_CLIENT_ID", "env-id", "MAAS_CLIENT_SECRET",
                "env-secret", "MAAS_BASE_URL", "http://env/v1/maas"));

        assertThat(resolved.clientId()).isEqualTo("flag-id");
        assertThat(resolved.clientSecret()).isEqualTo("env-secret");
        assertThat(resolved.baseUrl()).isEqualTo("http://env/v1/maas");
        assertThat(resolved.authUrl()).isEqualTo("http://file/oauth2/token");
        assertThat(resolved.cloudAccount()).isEqualTo("111111111111");
    }

    @Test
    void withNothingConfiguredTheUrlsAreTheGuidesAndTheCredentialsUnset() {
        ClientOptions.Resolved resolved = new ClientOptions().resolve(Map.of("MAAS_CONFIG", dir.resolve("none.toml").toString()));

        assertThat(resolved.baseUrl()).isEqualTo(MaasClient.DEFAULT_BASE_URL);
        assertThat(resolved.authUrl()).isEqualTo(MaasClient.DEFAULT_AUTH_URL);
        assertThat(resolved.clientId()).isNull();
        assertThat(resolved.toString()).contains("clientSecret=<redacted>");
    }

    @Test
    void theConfigFileLivesUnderXdgConfigHomeThenHome() {
        assertThat(ClientConfigFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(Path.of("/x/maas/config.toml"));
        assertThat(ClientConfigFile.defaultLocation(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/maas/config.toml"));
        assertThat(ClientConfigFile.defaultLocation(Map.of("MAAS_CONFIG", "/c.toml", "HOME", "/h"))).isEqualTo(Path.of("/c.toml"));
    }

    @Test
    void anUnknownKeyInTheConfigFileIsNamedWithTheAllowedOnes() throws Exception {
        Path config = dir.resolve("config.toml");
        Files.writeString(config, "client_id = \"a\"\nclient_sekret = \"b\"\n");

        assertThatThrownBy(() -> ClientConfigFile.read(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config file " + config + ": unknown key 'client_sekret'; allowed keys: auth_url, base_url, "
                        + "client_id, client_secret, cloud_account");
    }

    @Test
    void theConfigFileRoundTripsAndItsToStringHidesTheSecret() {
        Path config = dir.resolve("config.toml");
        ClientConfigFile.Settings settings = new ClientConfigFile.Settings("http://h/v1/maas", "http://h/oauth2/token",
                "id", "s3cr3t \"quoted\" \\ value", "123456789012");

        ClientConfigFile.write(config, settings);

        assertThat(ClientConfigFile.read(config)).contains(settings);
        assertThat(settings.toString()).doesNotContain("s3cr3t");
    }
}
