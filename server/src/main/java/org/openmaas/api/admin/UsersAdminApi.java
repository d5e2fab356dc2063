package org.openmaas.api.admin;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.api.console.UserInvites;
import org.openmaas.console.Users;
import org.openmaas.console.model.User;

/**
 * The console's users, for an operator at a terminal ({@code maas admin users}): {@code GET /v1/admin/users} lists
 * them, {@code POST /v1/admin/users} makes one (or, for an email that has a user, a new sign-in link) and answers
 * with the one-time invite link's path.
 */
public final class UsersAdminApi implements HttpService {

    private final Users users;

    UsersAdminApi(Users users) {
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/users", this::list)
                .post("/v1/admin/users", this::create);
    }

    record UserJson(String id, String email, boolean operator, boolean disabled, boolean has_password,
                    String created_at) {
        static UserJson of(User u) {
            return new UserJson(u.id(), u.email(), u.operator(), u.disabled(), u.hasPassword(),
                    AdminGate.iso(u.createdAt()));
        }
    }

    record UserList(List<UserJson> users) {
    }

    private void list(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, new UserList(users.list().stream().map(UserJson::of).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        AdminGate.created(res, UserInvites.invite(users, AdminGate.body(req, UserInvites.NewUser.class)));
    }
}
