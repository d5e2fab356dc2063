package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream over https goes through the pooled client, whose kept-alive connection spares a TLS handshake per stream;
 * only plain http streams get a connection of their own.
 */
class UpstreamHttpsStreamTest {

    private static final String STREAM = "data: {\"n\":1}\n\ndata: [DONE]\n\n";

    @TempDir
    Path dir;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private HttpsServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        SSLContext tls = selfSigned(dir);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/v1/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRemoteAddress().getPort() + " connection="
                    + exchange.getRequestHeaders().getFirst("Connection"));
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(STREAM.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void twoStreamsOverHttpsShareOneKeptAliveConnection() throws Exception {
        UpstreamHttp http = new UpstreamHttp(client, Optional.empty(), UpstreamTimeouts.DEFAULTS);
        URI endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort());

        for (int i = 0; i < 2; i++) {
            try (InputStream body = http.open(endpoint, "/v1/completions", UpstreamHttp.object(), () -> { })) {
                assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(STREAM);
            }
        }

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).endsWith("connection=null").isEqualTo(seen.get(1)); // one client port: one connection
    }

    /** A TLS context whose key and trust are one self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("upstream.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "upstream", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
