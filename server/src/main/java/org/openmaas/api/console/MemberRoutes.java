package org.openmaas.api.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.console.Invitation;
import org.openmaas.console.Users;
import org.openmaas.console.model.Membership;
import org.openmaas.store.CredentialStore;

/**
 * An account's members: {@code GET .../members} for any member; adding ({@code POST .../members}) and removing
 * ({@code DELETE .../members/{userId}}) for its owners and operators, under {@code /console/api/accounts/{acct}}.
 */
final class MemberRoutes implements HttpService {

    private static final String MEMBERS = ConsoleHttp.API + "/accounts/{acct}/members";

    private final Users users;
    private final CredentialStore store;

    MemberRoutes(Users users, CredentialStore store) {
        this.users = users;
        this.store = store;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(MEMBERS, this::list)
                .post(MEMBERS, this::add)
                .delete(MEMBERS + "/{userId}", this::remove);
    }

    record NewMember(@JsonProperty("email") String email, @JsonProperty("role") String role) {
    }

    /** @param invite_url the new user's one-time link, to pass on to them; only when they have no password yet */
    record MemberJson(String user_id, String email, String role,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String invite_url,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String invite_expires_at) {
        static MemberJson of(Membership m) {
            return new MemberJson(m.userId(), m.email(), m.role().label(), null, null);
        }
    }

    record MemberList(List<MemberJson> members) {
    }

    private void list(ServerRequest req, ServerResponse res) {
        String account = AccountAccess.of(req, users, store).accountId();
        ConsoleHttp.send(res, new MemberList(users.membersOf(account).stream().map(MemberJson::of).toList()));
    }

    private void add(ServerRequest req, ServerResponse res) {
        String account = AccountAccess.of(req, users, store).requireOwner().accountId();
        NewMember body = ConsoleHttp.body(req, NewMember.class);
        Users.Added added = users.addMember(account, body.email(), body.role());
        Membership m = added.member();
        ConsoleHttp.created(res, new MemberJson(m.userId(), m.email(), m.role().label(),
                added.invitation().map(Invitation::path).orElse(null),
                added.invitation().map(i -> i.expiresAt().toString()).orElse(null)));
    }

    private void remove(ServerRequest req, ServerResponse res) {
        String account = AccountAccess.of(req, users, store).requireOwner().accountId();
        users.removeMember(account, ConsoleHttp.pathParam(req, "userId"));
        ConsoleHttp.noContent(res);
    }
}
