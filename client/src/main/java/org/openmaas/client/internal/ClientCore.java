package org.openmaas.client.internal;

import java.net.http.HttpRequest;
import java.util.List;
import org.openmaas.client.AccessToken;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.Model;

/** The calls of the MaaS API, assembled from the transport, the token source and the wire format. */
public final class ClientCore implements AutoCloseable {

    private final ClientConfig config;
    private final Watchdog watchdog = new Watchdog();
    private final Transport transport;
    private final TokenSource tokens;

    public ClientCore(ClientConfig config) {
        this.config = config;
        this.transport = new Transport(config, watchdog);
        this.tokens = new TokenSource(transport, config);
    }

    public AccessToken accessToken() {
        return tokens.get();
    }

    /** {@code GET {base}/models}. */
    public List<Model> models() {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.api("models"))
                .header("Accept", "application/json")
                .GET();
        Transport.Response response = transport.send(request, tokens);
        return Wire.models(transport.readAll(response), response.requestId());
    }

    /** {@code POST {base}/generatestream}; returns once the response headers have arrived. */
    public GenerationStream generateStream(GenerateRequest generate) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.api("generatestream"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.generateBody(generate, config.cloudAccount())));
        return new RealGenerationStream(transport.send(request, tokens));
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
