package org.openmaas.api.console;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;
import org.openmaas.api.ApiException;

/**
 * The console's pages and assets, from the jar ({@value #ROOT}): {@code /console/} and every
 * {@code /console/invite/<token>} are its single page, {@code index.html}; other paths are files. The page may show
 * secrets, so it is never cached ({@code no-store}); assets are cached only until the server says they changed
 * ({@code no-cache}), so an upgrade is seen at once. No directory listing, no path outside the folder.
 */
final class StaticFiles implements HttpService {

    static final String ROOT = "/org/openmaas/console/static/";
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("map", "application/json"));

    @Override
    public void routing(HttpRules rules) {
        rules.get("/console", this::toFolder)
                .get("/console/", this::page)
                .get("/console/invite/{token}", this::page)
                .get("/console/{+path}", this::file);
    }

    /** {@code /console} to {@code /console/}, so that the page's relative asset paths resolve under it. */
    private void toFolder(ServerRequest req, ServerResponse res) {
        res.status(Status.PERMANENT_REDIRECT_308);
        res.header(HeaderNames.LOCATION, "/console/");
        res.send();
    }

    private void page(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        send(res, "index.html");
    }

    private void file(ServerRequest req, ServerResponse res) {
        String path = ConsoleHttp.pathParam(req, "path");
        if (path.startsWith("api/") || !FILE.matcher(path).matches()) {
            throw new ApiException.NotFound("there is nothing at " + req.path().path());
        }
        res.header(HeaderNames.CACHE_CONTROL, path.equals("index.html") ? "no-store" : "no-cache");
        send(res, path);
    }

    private static void send(ServerResponse res, String file) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new ApiException.NotFound("there is no console file /console/" + file);
            }
            String extension = file.substring(file.lastIndexOf('.') + 1);
            res.header(HeaderNames.CONTENT_TYPE, TYPES.getOrDefault(extension, "application/octet-stream"));
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console file " + file, e);
        }
    }
}
