package org.openmaas.sdk;

import java.util.Map;
import org.openmaas.client.MaasClient;
import org.openmaas.testing.TestServer;

/** SDK clients for a {@link TestServer}: its URLs and bootstrap credentials, nothing from the environment. */
final class Clients {

    private Clients() {
    }

    static MaasClient.Builder builderFor(TestServer server) {
        return MaasClient.builder()
                .environment(Map.of())
                .baseUrl(server.uri("/v1/maas").toString())
                .authUrl(server.uri("/oauth2/token").toString())
                .clientId(TestServer.CLIENT_ID)
                .clientSecret(TestServer.CLIENT_SECRET)
                .cloudAccount(TestServer.ACCOUNT);
    }
}
