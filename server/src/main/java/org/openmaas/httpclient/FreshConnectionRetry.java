package org.openmaas.httpclient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * Sends a request once more, on a connection of its own, when the connection it went on closed without an answer, as
 * production HTTP clients do (OkHttp, for one). The usual cause is a kept-alive connection the server had just closed:
 * llama-server closes its connection after every streamed answer, and the JDK client may send on it before it sees
 * the close. The JDK client sends again by itself only a GET or a HEAD (a POST only under the JVM-wide
 * {@code jdk.httpclient.enableAllMethodRetry}, and then on whatever pooled connection comes next), so a POST fails
 * with "HTTP/1.1 header parser received no bytes" though the server never failed. A server that really cannot answer
 * fails the second time too.
 */
public final class FreshConnectionRetry {

    private FreshConnectionRetry() {
    }

    /**
     * {@code client.send(request, handler)}, sent once more on a new connection when the first connection closed
     * without an answer; a timeout or a refused connection is thrown as it is.
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            return client.send(request, handler);
        } catch (HttpTimeoutException | ConnectException e) {
            throw e; // no answer in time, or no connection at all: a new connection would change neither
        } catch (IOException closedUnanswered) {
            HttpClient fresh = withEmptyPool(client);
            try {
                return fresh.send(request, handler);
            } finally {
                fresh.shutdown(); // it ends once this exchange has: its body read to the end or closed
            }
        }
    }

    /** A client with {@code like}'s settings and no connections yet. */
    private static HttpClient withEmptyPool(HttpClient like) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(like.version())
                .followRedirects(like.followRedirects()).sslContext(like.sslContext())
                .sslParameters(like.sslParameters());
        like.connectTimeout().ifPresent(builder::connectTimeout);
        like.executor().ifPresent(builder::executor);
        like.proxy().ifPresent(builder::proxy);
        like.authenticator().ifPresent(builder::authenticator);
        return builder.build();
    }
}
