package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * A browser of the console on a {@link TestServer}, as its pages call the JSON API: it keeps the session cookie and
 * the CSRF token a sign-in answered, and sends both, with the page's own {@code Origin}, on every change.
 */
public final class ConsoleBrowser {

    public static final String API = "/console/api";
    /** A password long enough for the console's rule. */
    public static final String PASSWORD = "correct horse battery";

    private final TestServer server;
    private String cookie;
    private String csrf;

    public ConsoleBrowser(TestServer server) {
        this.server = server;
    }

    /** Signed in as the server's first operator, through the invite link its start made. */
    public static ConsoleBrowser operator(TestServer server) {
        ConsoleBrowser browser = new ConsoleBrowser(server);
        String link = server.server().firstOperatorInvitation()
                .orElseThrow(() -> new AssertionError("this server's start made no operator link")).path();
        browser.expect(200, browser.accept(link, PASSWORD));
        return browser;
    }

    /**
     * A new user, made by this (operator's) browser and signed in through their invite link in a browser of their own.
     *
     * @param account a cloud account to make them a member of (null: none)
     * @param role    owner or member of {@code account}
     */
    public ConsoleBrowser newUser(boolean operator, String account, String role) {
        String body = "{\"email\": \"user-" + UUID.randomUUID() + "@example.com\", \"operator\": " + operator
                + (account == null ? "" : ", \"account\": \"" + account + "\", \"role\": \"" + role + "\"") + "}";
        JsonNode invited = TestServer.json(expect(201, post(API + "/operator/users", body)).body());
        ConsoleBrowser browser = new ConsoleBrowser(server);
        browser.expect(200, browser.accept(invited.get("invite_url").asText(), PASSWORD));
        return browser;
    }

    /** Follows an invite link ({@code /console/invite/<token>}) as its page does: sets the password, signs in. */
    public HttpResponse<String> accept(String inviteUrl, String password) {
        String token = inviteUrl.substring(inviteUrl.lastIndexOf('/') + 1);
        return remember(send("POST", API + "/invites/" + token + "/accept",
                "{\"password\": " + TestServer.quote(password) + "}"));
    }

    public HttpResponse<String> signIn(String email, String password) {
        return remember(send("POST", API + "/session", "{\"email\": " + TestServer.quote(email) + ", \"password\": "
                + TestServer.quote(password) + "}"));
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    public HttpResponse<String> post(String path, String json) {
        return send("POST", path, json);
    }

    public HttpResponse<String> put(String path, String json) {
        return send("PUT", path, json);
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null);
    }

    /** Who is signed in, as {@code GET /console/api/session} says. */
    public JsonNode me() {
        return TestServer.json(expect(200, get(API + "/session")).body());
    }

    /** The session cookie's value, or null before a sign-in. */
    public String sessionCookie() {
        return cookie;
    }

    public String csrfToken() {
        return csrf;
    }

    /** {@code method path} with the session cookie, the page's Origin and the CSRF token, as the console's page sends. */
    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = request(method, path, json).header("Origin", origin());
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return send(request.build());
    }

    /**
     * A request built by the test, with the session cookie and nothing else of the page's: no Origin, no CSRF token
     * unless the test adds them.
     */
    public HttpRequest.Builder request(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request;
    }

    public HttpResponse<String> send(HttpRequest request) {
        return server.send(request);
    }

    /** The server's own origin, as its pages have it. */
    public String origin() {
        return "http://127.0.0.1:" + server.server().port();
    }

    public static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    /** Keeps the session a 200 answer started: its cookie and CSRF token. */
    private HttpResponse<String> remember(HttpResponse<String> response) {
        if (response.statusCode() == 200) {
            String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            csrf = TestServer.json(response.body()).get("csrf_token").asText();
        }
        return response;
    }
}
