package org.openmaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MaasClientBuilderTest {

    static final Map<String, String> ENV = Map.of(
            "MAAS_BASE_URL", "http://127.0.0.1:9/v1/maas/",
            "MAAS_AUTH_URL", "http://127.0.0.1:9/oauth2/token",
            "MAAS_CLIENT_ID", "env-client",
            "MAAS_CLIENT_SECRET", "env-secret-0123456789",
            "MAAS_CLOUD_ACCOUNT", "123456789012");

    @Test
    void theEnvironmentFillsWhatTheBuilderLeavesUnset() {
        try (MaasClient client = MaasClient.builder().environment(ENV).build()) {
            assertThat(client.baseUrl()).hasToString("http://127.0.0.1:9/v1/maas");
            assertThat(client.authUrl()).hasToString("http://127.0.0.1:9/oauth2/token");
            assertThat(client.clientId()).isEqualTo("env-client");
            assertThat(client.cloudAccount()).isEqualTo("123456789012");
        }
    }

    @Test
    void whatIsSetOnTheBuilderWinsOverTheEnvironment() {
        try (MaasClient client = MaasClient.builder().environment(ENV).clientId("flag-client").build()) {
            assertThat(client.clientId()).isEqualTo("flag-client");
        }
    }

    @Test
    void theDefaultsAreTheGuidesPublicUrls() {
        try (MaasClient client = MaasClient.builder().environment(Map.of()).clientId("c").clientSecret("s")
                .cloudAccount("1").build()) {
            assertThat(client.baseUrl()).hasToString("https://us-region-2-sdk-api.cloud.intel.com/v1/maas");
            assertThat(client.authUrl()).hasToString("https://client-token.api.idcservice.net/oauth2/token");
        }
    }

    @Test
    void aMissingSecretIsNamedWithItsSetterAndVariable() {
        assertThatThrownBy(() -> MaasClient.builder().environment(Map.of()).clientId("c").cloudAccount("1").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("clientSecret is not set: call clientSecret(...) on the builder or set MAAS_CLIENT_SECRET");
    }

    @Test
    void aSecretReadFromAnUnsetVariableIsNamedWithItsSetterAndVariable() {
        assertThatThrownBy(() -> MaasClient.builder().clientSecret(Map.<String, String>of().get("MAAS_CLIENT_SECRET")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clientSecret(null) gives no value: pass the clientSecret to use, or do not call "
                        + "clientSecret(...) and set MAAS_CLIENT_SECRET instead");
    }

    @Test
    void aBlankCloudAccountIsRefusedWhereItIsGiven() {
        assertThatThrownBy(() -> MaasClient.builder().cloudAccount(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cloudAccount(\" \") gives no value: pass the cloudAccount to use, or do not call "
                        + "cloudAccount(...) and set MAAS_CLOUD_ACCOUNT instead");
    }

    @Test
    void aUrlWithoutSchemeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> MaasClient.builder().environment(ENV).baseUrl("localhost:8080/v1/maas").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("baseUrl (or MAAS_BASE_URL) must be an absolute http or https URL such as https://");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        try (MaasClient client = MaasClient.builder().environment(ENV).build()) {
            assertThat(client.toString()).doesNotContain("env-secret-0123456789").contains("clientSecret=<redacted>");
        }
    }

    @Test
    void zeroAttemptsIsRefused() {
        assertThatThrownBy(() -> MaasClient.builder().maxAttempts(0))
                .hasMessage("maxAttempts must be at least 1 (1 means no retries), got 0");
    }
}
