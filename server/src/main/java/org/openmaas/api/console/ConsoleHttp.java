package org.openmaas.api.console;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import org.openmaas.api.ApiException;
import org.openmaas.api.Bodies;
import org.openmaas.api.Json;

/** Bodies, path parameters and JSON replies of the console API. */
final class ConsoleHttp {

    static final String API = "/console/api";
    static final int MAX_BODY_BYTES = 16 * 1024;

    private ConsoleHttp() {
    }

    static <T> T body(ServerRequest req, Class<T> type) {
        return Bodies.readJson(req, MAX_BODY_BYTES, type);
    }

    static String pathParam(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    static String query(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().get(name) : null;
    }

    /** {@code value}, or a 400 naming {@code field} when it is missing. */
    static <T> T required(String field, T value) {
        if (value == null) {
            throw new ApiException.InvalidArgument(field + " is required", field);
        }
        return value;
    }

    static void send(ServerResponse res, Object body) {
        Json.send(res, body);
    }

    static void created(ServerResponse res, Object body) {
        Json.created(res, body);
    }

    static void noContent(ServerResponse res) {
        res.status(Status.NO_CONTENT_204).send();
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
