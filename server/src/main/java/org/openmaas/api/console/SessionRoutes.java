package org.openmaas.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.api.ApiException;
import org.openmaas.api.ClientAddress;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.console.Emails;
import org.openmaas.console.Sessions;
import org.openmaas.console.Users;
import org.openmaas.console.model.Membership;
import org.openmaas.console.model.User;
import org.openmaas.store.CredentialStore;

/**
 * Signing in and out: {@code /console/api/session} (POST signs in, GET says who is signed in, DELETE signs out),
 * {@code POST /console/api/session/sign-out-everywhere}, and {@code POST /console/api/invites/{token}/accept}, which
 * sets a password from an invite link and signs in. Failed sign-ins are limited per email and per address as
 * failed token requests are, and every failure says the same thing, whatever was wrong.
 */
final class SessionRoutes implements HttpService {

    static final String WRONG = "the email or password is wrong";

    private final Users users;
    private final Sessions sessions;
    private final GuessingGuard guard;
    private final ClientAddress clientAddress;
    private final CredentialStore accounts;

    SessionRoutes(Users users, Sessions sessions, GuessingGuard guard, ClientAddress clientAddress,
                  CredentialStore accounts) {
        this.users = users;
        this.sessions = sessions;
        this.guard = guard;
        this.clientAddress = clientAddress;
        this.accounts = accounts;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(ConsoleHttp.API + "/session", this::signIn)
                .get(ConsoleHttp.API + "/session", this::me)
                .delete(ConsoleHttp.API + "/session", this::signOut)
                .post(ConsoleHttp.API + "/session/sign-out-everywhere", this::signOutEverywhere)
                .post(ConsoleHttp.API + "/invites/{token}/accept", this::accept);
    }

    record SignIn(@JsonProperty("email") String email, @JsonProperty("password") String password) {
    }

    record Accept(@JsonProperty("password") String password) {
    }

    record Me(UserJson user, List<AccountJson> accounts, String csrf_token) {
    }

    record UserJson(String id, String email, boolean operator) {
    }

    /** @param role {@code owner}, {@code member}, or {@code operator} for an operator's account they do not belong to */
    record AccountJson(String id, String name, String role) {
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        SignIn body = ConsoleHttp.body(req, SignIn.class);
        String email = Emails.normalized("email", body.email());
        String password = ConsoleHttp.required("password", body.password());
        User user = guard.checkPassword(email, clientAddress.of(req), () -> users.authenticate(email, password))
                .orElseThrow(() -> new ApiException.Unauthenticated(WRONG));
        started(req, res, sessions.start(user), user);
    }

    private void accept(ServerRequest req, ServerResponse res) {
        Accept body = ConsoleHttp.body(req, Accept.class);
        User user = users.accept(ConsoleHttp.pathParam(req, "token"), body.password())
                .orElseThrow(() -> new ApiException.NotFound("this invite link is unknown, used or expired; ask an "
                        + "owner of your cloud account or an operator for a new one"));
        started(req, res, sessions.start(user), user);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Sessions.Current current = ConsoleGate.current(req);
        ConsoleHttp.send(res, me(current.user(), current.session().csrfToken()));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        sessions.end(ConsoleGate.current(req).session());
        SessionCookie.clear(req, res);
        ConsoleHttp.noContent(res);
    }

    private void signOutEverywhere(ServerRequest req, ServerResponse res) {
        sessions.endAll(ConsoleGate.current(req).user().id());
        SessionCookie.clear(req, res);
        ConsoleHttp.noContent(res);
    }

    private void started(ServerRequest req, ServerResponse res, Sessions.Started started, User user) {
        SessionCookie.set(req, res, started.id(), sessions.settings().sessionLifetime());
        ConsoleHttp.send(res, me(user, started.session().csrfToken()));
    }

    /** Who is signed in, the accounts they may open (an operator: all of them) and the session's CSRF token. */
    private Me me(User user, String csrfToken) {
        List<Membership> memberships = users.membershipsOf(user.id());
        List<AccountJson> visible = user.operator()
                ? accounts.listAccounts().stream().map(a -> new AccountJson(a.id(), a.name(), memberships.stream()
                        .filter(m -> m.cloudAccountId().equals(a.id())).map(m -> m.role().label()).findFirst()
                        .orElse("operator"))).toList()
                : memberships.stream().map(m -> new AccountJson(m.cloudAccountId(), m.accountName(), m.role().label()))
                        .toList();
        return new Me(new UserJson(user.id(), user.email(), user.operator()), visible, csrfToken);
    }
}
