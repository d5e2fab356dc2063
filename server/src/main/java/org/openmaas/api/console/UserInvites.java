package org.openmaas.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.openmaas.console.Invitation;
import org.openmaas.console.Users;

/**
 * Making a console user, as an operator does it in the console ({@code POST /console/api/operator/users}) and at a
 * terminal through the admin API ({@code POST /v1/admin/users}): the same body, the same answer.
 */
public final class UserInvites {

    private UserInvites() {
    }

    /**
     * @param account a cloud account to add them to, or null
     * @param role    their role in {@code account}; null: member
     */
    public record NewUser(@JsonProperty("email") String email, @JsonProperty("operator") Boolean operator,
                          @JsonProperty("account") String account, @JsonProperty("role") String role) {
    }

    /** @param invite_url the one-time link's path on the server: {@code /console/invite/<token>} */
    public record InviteJson(String user_id, String email, boolean operator, String invite_url,
                             String invite_expires_at) {
    }

    /** The user made (or found) and their new link. */
    public static InviteJson invite(Users users, NewUser body) {
        Invitation i = users.invite(body.email(), Boolean.TRUE.equals(body.operator()), body.account(), body.role());
        return new InviteJson(i.user().id(), i.user().email(), i.user().operator(), i.path(), i.expiresAt().toString());
    }
}
