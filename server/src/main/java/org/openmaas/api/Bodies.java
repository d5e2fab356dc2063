package org.openmaas.api;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads request bodies with a size limit, so an oversized body is refused before it is buffered. */
public final class Bodies {

    private Bodies() {
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
