package org.openmaas.cli.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.client.MaasClient;

/**
 * Where every client-side command's settings come from: flags, then environment, then the config file, then the
 * command's own last resort and default.
 */
class ConnectionOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheConfigFile() {
        Path config = dir.resolve("config.toml");
        ConfigFile.write(config, new Settings("http://file/v1/maas", "http://file/oauth2/token",
                "file-id", "file-secret", "111111111111"));
        ConnectionOptions options = new ConnectionOptions();
        options.config = config;
        options.clientId = "flag-id";

        Connection resolved = options.resolve(Map.of("MAAS_CLIENT_ID", "env-id", "MAAS_CLIENT_SECRET",
                "env-secret", "MAAS_BASE_URL", "http://env/v1/maas"), ConnectionOptions.GUIDE_SERVICE, MoreSources.NONE);

        assertThat(resolved.clientId()).isEqualTo("flag-id");
        assertThat(resolved.clientSecret()).isEqualTo("env-secret");
        assertThat(resolved.baseUrl()).isEqualTo("http://env/v1/maas");
        assertThat(resolved.authUrl()).isEqualTo("http://file/oauth2/token");
        assertThat(resolved.cloudAccount()).isEqualTo("111111111111");
    }

    @Test
    void withNothingConfiguredTheUrlsAreTheGuidesAndTheCredentialsUnset() {
        Connection resolved = new ConnectionOptions().resolve(noConfigFile(), ConnectionOptions.GUIDE_SERVICE,
                MoreSources.NONE);

        assertThat(resolved.baseUrl()).isEqualTo(MaasClient.DEFAULT_BASE_URL);
        assertThat(resolved.authUrl()).isEqualTo(MaasClient.DEFAULT_AUTH_URL);
        assertThat(resolved.clientId()).isNull();
        assertThat(resolved.toString()).contains("clientSecret=<redacted>");
    }

    @Test
    void theOperatorsCommandsDefaultToALocalServerAndItsTokenEndpoint() {
        Connection resolved = new ConnectionOptions().resolve(noConfigFile(), ConnectionOptions.LOCAL_SERVER,
                MoreSources.NONE);

        assertThat(resolved.baseUrl()).isEqualTo("http://localhost:8080/v1/maas");
        assertThat(resolved.authUrl()).isEqualTo("http://localhost:8080/oauth2/token");
        assertThat(resolved.serverRoot()).isEqualTo("http://localhost:8080");
    }

    @Test
    void withoutAnAuthUrlTheTokenEndpointIsOnTheBaseUrlsServer() {
        ConnectionOptions options = new ConnectionOptions();
        options.baseUrl = "http://gateway:9000/team-a/v1/maas/";

        Connection resolved = options.resolve(noConfigFile(), ConnectionOptions.GUIDE_SERVICE, MoreSources.NONE);

        assertThat(resolved.baseUrl()).isEqualTo("http://gateway:9000/team-a/v1/maas");
        assertThat(resolved.authUrl()).isEqualTo("http://gateway:9000/team-a/oauth2/token");
    }

    @Test
    void aBareServerUrlMeansItsApi() {
        ConnectionOptions options = new ConnectionOptions();
        options.baseUrl = "http://127.0.0.1:8080/";

        assertThat(options.resolve(noConfigFile(), ConnectionOptions.GUIDE_SERVICE, MoreSources.NONE).baseUrl())
                .isEqualTo("http://127.0.0.1:8080/v1/maas");
    }

    @Test
    void aDeprecatedFlagRanksBelowItsFlagAndAboveTheVariables() {
        MoreSources oldFlag = new MoreSources(baseUrl("http://old-flag/v1/maas"), Settings.NONE, () -> Settings.NONE,
                null);
        ConnectionOptions flagged = new ConnectionOptions();
        flagged.baseUrl = "http://flag/v1/maas";
        Map<String, String> env = withVariable("MAAS_BASE_URL", "http://variable/v1/maas");

        assertThat(flagged.resolve(env, ConnectionOptions.LOCAL_SERVER, oldFlag).baseUrl())
                .isEqualTo("http://flag/v1/maas");
        assertThat(new ConnectionOptions().resolve(env, ConnectionOptions.LOCAL_SERVER, oldFlag).baseUrl())
                .isEqualTo("http://old-flag/v1/maas");
    }

    @Test
    void aDeprecatedVariableRanksBelowItsVariableAndAboveTheConfigFile() {
        Path config = dir.resolve("config.toml");
        ConfigFile.write(config, baseUrl("http://file/v1/maas"));
        MoreSources oldVariable = new MoreSources(Settings.NONE, baseUrl("http://old-variable/v1/maas"),
                () -> Settings.NONE, null);
        Map<String, String> fileOnly = Map.of(ConfigFile.ENV_CONFIG, config.toString());
        Map<String, String> variable = Map.of(ConfigFile.ENV_CONFIG, config.toString(),
                "MAAS_BASE_URL", "http://variable/v1/maas");

        assertThat(new ConnectionOptions().resolve(variable, ConnectionOptions.LOCAL_SERVER, oldVariable).baseUrl())
                .isEqualTo("http://variable/v1/maas");
        assertThat(new ConnectionOptions().resolve(fileOnly, ConnectionOptions.LOCAL_SERVER, oldVariable).baseUrl())
                .isEqualTo("http://old-variable/v1/maas");
    }

    @Test
    void theLastResortGivesCredentialsOnlyWhenNoOtherSourceGivesThem() {
        MoreSources bootstrap = new MoreSources(Settings.NONE, Settings.NONE,
                () -> new Settings(null, null, "bootstrap-id", "bootstrap-secret", "222222222222"), "give --credentials");
        ConnectionOptions options = new ConnectionOptions();

        Connection fromLastResort = options.resolve(noConfigFile(), ConnectionOptions.LOCAL_SERVER, bootstrap);
        Connection fromVariables = options.resolve(withVariable("MAAS_CLIENT_ID", "env-id", "MAAS_CLIENT_SECRET",
                "env-secret"), ConnectionOptions.LOCAL_SERVER, bootstrap);

        assertThat(fromLastResort.clientId()).isEqualTo("bootstrap-id");
        assertThat(fromLastResort.cloudAccount()).isEqualTo("222222222222");
        assertThat(fromVariables.clientId()).isEqualTo("env-id");
        assertThat(fromVariables.cloudAccount()).isNull();
    }

    @Test
    void aMissingCredentialIsNamedWithEveryWayToGiveIt() {
        Connection none = new ConnectionOptions().resolve(noConfigFile(), ConnectionOptions.LOCAL_SERVER,
                new MoreSources(Settings.NONE, Settings.NONE, () -> Settings.NONE, "give --credentials FILE"));

        assertThatThrownBy(none::tokenClient).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no client id is configured: give --client-id, set MAAS_CLIENT_ID, save it with "
                        + "`maas login`, or give --credentials FILE");
    }

    @Test
    void theConfigFileLivesUnderXdgConfigHomeThenHome() {
        assertThat(ConfigFile.defaultLocation(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(Path.of("/x/maas/config.toml"));
        assertThat(ConfigFile.defaultLocation(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/maas/config.toml"));
        assertThat(ConfigFile.defaultLocation(Map.of("MAAS_CONFIG", "/c.toml", "HOME", "/h"))).isEqualTo(Path.of("/c.toml"));
    }

    @Test
    void anUnknownKeyInTheConfigFileIsNamedWithTheAllowedOnes() throws Exception {
        Path config = dir.resolve("config.toml");
        Files.writeString(config, "client_id = \"a\"\nclient_sekret = \"b\"\n");

        assertThatThrownBy(() -> ConfigFile.read(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config file " + config + ": unknown key 'client_sekret'; allowed keys: auth_url, base_url, "
                        + "client_id, client_secret, cloud_account");
    }

    @Test
    void theConfigFileRoundTripsAndItsToStringHidesTheSecret() {
        Path config = dir.resolve("config.toml");
        Settings settings = new Settings("http://h/v1/maas", "http://h/oauth2/token",
                "id", "s3cr3t \"quoted\" \\ value", "123456789012");

        ConfigFile.write(config, settings);

        assertThat(ConfigFile.read(config)).contains(settings);
        assertThat(settings.toString()).doesNotContain("s3cr3t");
    }

    private static Settings baseUrl(String url) {
        return new Settings(url, null, null, null, null);
    }

    private Map<String, String> noConfigFile() {
        return Map.of(ConfigFile.ENV_CONFIG, dir.resolve("none.toml").toString());
    }

    private Map<String, String> withVariable(String... namesAndValues) {
        Map<String, String> env = new HashMap<>(noConfigFile());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }
}
