package org.openmaas.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;

class BootstrapTest {

    @TempDir
    Path dataDir;

    private Database database;
    private CredentialStore store;

    @BeforeEach
    void open() {
        database = Database.embedded(dataDir);
        store = new CredentialStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theFirstStartCreatesAnAccountAndAnAdminClientAndWritesThemToAPrivateFile() throws Exception {
        Bootstrap.Credentials created = Bootstrap.ensure(store, dataDir, Map.of(), Clock.systemUTC()).orElseThrow();

        assertThat(created.cloudAccountId()).matches("\\d{12}");
        assertThat(store.findClient(created.clientId())).get()
                .satisfies(c -> assertThat(c.scopes()).containsExactlyInAnyOrder(Scopes.INFERENCE, Scopes.ADMIN))
                .satisfies(c -> assertThat(SecretHasher.matches(created.clientSecret(), c.secretHash())).isTrue());
        Path file = dataDir.resolve(Bootstrap.FILE_NAME);
        assertThat(Files.readString(file)).contains(created.clientId(), created.clientSecret(), created.cloudAccountId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSecondStartCreatesNothing() {
        Bootstrap.ensure(store, dataDir, Map.of(), Clock.systemUTC());

        assertThat(Bootstrap.ensure(store, dataDir, Map.of(), Clock.systemUTC())).isEmpty();
    }

    @Test
    void theEnvironmentChoosesTheCredentials() {
        Optional<Bootstrap.Credentials> created = Bootstrap.ensure(store, dataDir, env("123456789012", "ci-client",
                "a-known-secret-for-ci"), Clock.systemUTC());

        assertThat(created).get().extracting(Bootstrap.Credentials::clientId).isEqualTo("ci-client");
        assertThat(store.findClient("ci-client")).get()
                .satisfies(c -> assertThat(c.cloudAccountId()).isEqualTo("123456789012"));
    }

    @Test
    void theVariablesOnALaterStartAddTheirClientButNeverOverwriteTheFirstStartsFile() throws Exception {
        Bootstrap.Credentials first = Bootstrap.ensure(store, dataDir, Map.of(), Clock.systemUTC()).orElseThrow();
        Path file = dataDir.resolve(Bootstrap.FILE_NAME);
        String written = Files.readString(file);

        Bootstrap.Credentials added = Bootstrap.ensure(store, dataDir, env("123456789012", "ci-client",
                "a-known-secret-for-ci"), Clock.systemUTC()).orElseThrow();

        assertThat(added.file()).isEmpty();
        assertThat(store.findClient("ci-client")).isPresent();
        assertThat(Files.readString(file)).isEqualTo(written).contains(first.clientSecret());
    }

    @Test
    void theVariablesOnAStoreThatHasTheirClientCreateAndWriteNothing() throws Exception {
        Map<String, String> env = env("123456789012", "ci-client", "a-known-secret-for-ci");
        Bootstrap.ensure(store, dataDir, env, Clock.systemUTC());
        String written = Files.readString(dataDir.resolve(Bootstrap.FILE_NAME));

        assertThat(Bootstrap.ensure(store, dataDir, env, Clock.systemUTC())).isEmpty();
        assertThat(Files.readString(dataDir.resolve(Bootstrap.FILE_NAME))).isEqualTo(written);
    }

    @Test
    void aMalformedAccountIdFromTheEnvironmentIsRefusedWithTheRule() {
        assertThatThrownBy(() -> Bootstrap.ensure(store, dataDir, env("12345", "ci", "a-known-secret-for-ci"),
                Clock.systemUTC()))
                .hasMessageContaining(Bootstrap.ENV_ACCOUNT + " must be 12 digits");
    }

    @Test
    void aShortSecretFromTheEnvironmentIsRefused() {
        assertThatThrownBy(() -> Bootstrap.ensure(store, dataDir, env("123456789012", "ci", "short"), Clock.systemUTC()))
                .hasMessageContaining("at least 16 characters");
    }

    @Test
    void halfTheVariablesAreAnError() {
        assertThatThrownBy(() -> Bootstrap.ensure(store, dataDir, Map.of(Bootstrap.ENV_CLIENT_ID, "ci"), Clock.systemUTC()))
                .hasMessageContaining("or none of them");
    }

    private static Map<String, String> env(String account, String client, String secret) {
        return Map.of(Bootstrap.ENV_ACCOUNT, account, Bootstrap.ENV_CLIENT_ID, client, Bootstrap.ENV_CLIENT_SECRET, secret);
    }
}
