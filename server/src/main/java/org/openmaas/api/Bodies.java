package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/** Reads request bodies with a size limit, so an oversized body is refused before it is buffered. */
public final class Bodies {

    private Bodies() {
    }

    /** A JSON body as {@code type}: {@link #requireJson}, then read within {@code limit} and bound strictly. */
    public static <T> T readJson(ServerRequest req, int limit, Class<T> type) {
        requireJson(req);
        return Json.read(read(req, limit), type);
    }

    /**
     * Refuses, with 415, a body that says it is something other than JSON (a form, text, JSON in another charset):
     * such a body is a client's mistake that binding would report as a confusing syntax error, or would misread. A
     * body with no {@code Content-Type} is read as JSON, as lenient clients (and {@code curl -d} users) expect.
     */
    public static void requireJson(ServerRequest req) {
        Optional<String> contentType = req.headers().first(HeaderNames.CONTENT_TYPE);
        if (contentType.isPresent() && !isJson(contentType.get())) {
            throw new HttpException("Content-Type '" + contentType.get() + "' is not supported; send the body as "
                    + "application/json (optionally with charset=utf-8)", Status.UNSUPPORTED_MEDIA_TYPE_415, true);
        }
    }

    private static boolean isJson(String contentType) {
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].strip().equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.startsWith("charset=") && !parameter.substring("charset=".length()).replace("\"", "")
                    .equals("utf-8")) {
                return false; // JSON is UTF-8 (RFC 8259 §8.1); this body would be misread
            }
        }
        return true;
    }

    public static byte[] read(ServerRequest req, int limit) {
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new ApiException.InvalidArgument("the request body is larger than the limit of " + limit + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }
}
