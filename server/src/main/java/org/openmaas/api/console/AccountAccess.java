package org.openmaas.api.console;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import org.openmaas.api.ApiException;
import org.openmaas.console.Sessions;
import org.openmaas.console.Users;
import org.openmaas.console.model.Role;
import org.openmaas.store.CredentialStore;

/**
 * Who may do what in a cloud account: its members use it, its owners also manage its members, operators do
 * everything everywhere. An account the user does not belong to answers 404 as one that does not exist, so the
 * console never says which account ids are taken.
 *
 * @param role the user's role in the account; empty for an operator who is not a member
 */
record AccountAccess(String accountId, boolean operator, Optional<Role> role) {

    /** The signed-in user's access to the account of the path's {@code {acct}}. */
    static AccountAccess of(ServerRequest req, Users users, CredentialStore accounts) {
        return of(ConsoleGate.current(req), ConsoleHttp.pathParam(req, "acct"), users, accounts);
    }

    /** The signed-in user's access to {@code accountId}. @throws ApiException.NotFound when they have none */
    static AccountAccess of(Sessions.Current current, String accountId, Users users, CredentialStore accounts) {
        Optional<Role> role = users.roleIn(current.user().id(), accountId);
        boolean operator = current.user().operator();
        if (role.isEmpty() && !(operator && accounts.accountExists(accountId))) {
            throw new ApiException.NotFound("no cloud account '" + accountId + "' among yours");
        }
        return new AccountAccess(accountId, operator, role);
    }

    /** @throws ApiException.PermissionDenied unless the user owns the account or is an operator */
    AccountAccess requireOwner() {
        if (!operator && role.orElseThrow() != Role.OWNER) {
            throw new ApiException.PermissionDenied("only an owner of cloud account " + accountId
                    + " (or an operator) manages its members");
        }
        return this;
    }

    /** @throws ApiException.PermissionDenied unless the user is an operator */
    static void requireOperator(Sessions.Current current) {
        if (!current.user().operator()) {
            throw new ApiException.PermissionDenied("only an operator of this instance may do this");
        }
    }
}
