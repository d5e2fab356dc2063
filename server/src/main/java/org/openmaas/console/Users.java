package org.openmaas.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.auth.Ids;
import org.openmaas.auth.SecretHasher;
import org.openmaas.console.model.Membership;
import org.openmaas.console.model.Role;
import org.openmaas.console.model.User;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.SessionStore;
import org.openmaas.store.UserStore;

/**
 * The console's people: users are made by invitation (a one-time link to set a password), belong to cloud accounts
 * as owners or members, and sign in with their email and password. Refusals are {@link AccountsException}s whose
 * messages name the field and the rule.
 */
public final class Users {

    public static final int MIN_PASSWORD = 12;
    public static final int MAX_PASSWORD = 200;
    /** Compared against when there is no user to compare with, so that a sign-in takes as long either way. */
    private static final String NOBODY = SecretHasher.hash(SecretHasher.newSecret());

    private final UserStore users;
    private final SessionStore sessions;
    private final CredentialStore accounts;
    private final ConsoleSettings settings;
    private final Clock clock;

    public Users(UserStore users, SessionStore sessions, CredentialStore accounts, ConsoleSettings settings,
                 Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
    }

    public User get(String userId) {
        return users.findUser(userId).orElseThrow(() -> new AccountsException.NotFound("no user with id '" + userId
                + "'"));
    }

    /** Every user, by email. */
    public List<User> list() {
        return users.listUsers();
    }

    public boolean hasOperator() {
        return users.hasOperator();
    }

    public List<Membership> membershipsOf(String userId) {
        return users.membershipsOf(userId);
    }

    /** The account's members, by email. */
    public List<Membership> membersOf(String accountId) {
        requireAccount(accountId);
        return users.membersOf(accountId);
    }

    /** The role of a user in an account; empty when they do not belong to it. */
    public Optional<Role> roleIn(String userId, String accountId) {
        return users.membershipsOf(userId).stream().filter(m -> m.cloudAccountId().equals(accountId))
                .map(Membership::role).findFirst();
    }

    /**
     * A sign-in link for {@code email}, made by an operator: the user is created when new (an operator when asked;
     * an existing user is made one when asked, never unmade), and added to {@code accountId} with {@code role} when
     * one is given. An existing user gets a new link as well, which replaces their password once followed.
     *
     * @param accountId null for none
     * @param role      the role in {@code accountId}; null means member
     */
    public Invitation invite(String email, boolean operator, String accountId, String role) {
        String address = Emails.normalized("email", email);
        Role checkedRole = role == null ? Role.MEMBER : Role.of("role", role);
        if (accountId != null) {
            requireAccount(accountId);
        } else if (role != null) {
            throw new AccountsException.Invalid("role is given without account; give both, or neither");
        }
        User user = findOrCreate(address, operator);
        if (operator && !user.operator()) {
            users.updateUser(user.id(), true, null);
            user = get(user.id());
        }
        if (accountId != null) {
            users.putMembership(user.id(), accountId, checkedRole, clock.instant());
        }
        return linkFor(user);
    }

    /** What adding someone to an account made: a link only when they have no password yet. */
    public record Added(Membership member, Optional<Invitation> invitation) {
    }

    /**
     * Adds {@code email} to an account with {@code role} (or changes their role there). Someone without a password
     * yet — a new user, or one who never followed their link — gets a new link; others just gain the account.
     */
    public Added addMember(String accountId, String email, String role) {
        String address = Emails.normalized("email", email);
        Role checkedRole = Role.of("role", role);
        requireAccount(accountId);
        User user = findOrCreate(address, false);
        users.putMembership(user.id(), accountId, checkedRole, clock.instant());
        Membership member = users.membersOf(accountId).stream().filter(m -> m.userId().equals(user.id()))
                .findFirst().orElseThrow();
        return new Added(member, user.hasPassword() ? Optional.empty() : Optional.of(linkFor(user)));
    }

    /**
     * Takes a user out of an account; the last owner stays, so that someone can still manage its members.
     *
     * @throws AccountsException.NotFound when they are not a member
     * @throws AccountsException.Conflict when they are its last owner
     */
    public void removeMember(String accountId, String userId) {
        requireAccount(accountId);
        List<Membership> members = users.membersOf(accountId);
        Membership member = members.stream().filter(m -> m.userId().equals(userId)).findFirst()
                .orElseThrow(() -> new AccountsException.NotFound("user '" + userId + "' is not a member of cloud "
                        + "account " + accountId));
        if (member.role() == Role.OWNER && members.stream().filter(m -> m.role() == Role.OWNER).count() == 1) {
            throw new AccountsException.Conflict(member.email() + " is the last owner of cloud account " + accountId
                    + "; make another member an owner first");
        }
        users.removeMembership(userId, accountId);
    }

    /**
     * Makes a user an operator or not, and disables or enables them (null leaves either); a disabled user's sessions
     * end at once.
     */
    public User update(String userId, Boolean operator, Boolean disabled) {
        if (!users.updateUser(userId, operator, disabled)) {
            throw new AccountsException.NotFound("no user with id '" + userId + "'");
        }
        if (Boolean.TRUE.equals(disabled)) {
            sessions.deleteForUser(userId);
        }
        return get(userId);
    }

    /**
     * Follows an invite link: sets the user's password and ends their other sessions (a link an operator made for
     * someone who forgot their password replaces it).
     *
     * @return the user; empty when the link is unknown, used or expired
     * @throws AccountsException.Invalid when the password is too short or too long (the link stays unused)
     */
    public Optional<User> accept(String token, String password) {
        checkPassword(password);
        Optional<String> userId = users.useInvite(SecretHasher.sha256(token), clock.instant());
        userId.ifPresent(id -> {
            users.setPassword(id, SecretHasher.hash(password));
            sessions.deleteForUser(id);
        });
        return userId.map(this::get).filter(u -> !u.disabled());
    }

    /**
     * The user whose email and password these are, compared in constant time; empty for a wrong password, an unknown
     * email, a user without a password yet or a disabled one alike, and in about the same time.
     */
    public Optional<User> authenticate(String email, String password) {
        Optional<User> user = users.findUserByEmail(email.strip().toLowerCase(Locale.ROOT));
        String hash = user.filter(User::hasPassword).map(User::passwordHash).orElse(NOBODY);
        boolean matches = SecretHasher.matches(password, hash);
        return user.filter(u -> matches && u.hasPassword() && !u.disabled());
    }

    /** Forgets invite links that expired more than a day ago. */
    public void housekeeping() {
        users.forgetInvitesExpiredBefore(clock.instant().minus(Duration.ofDays(1)));
    }

    private User findOrCreate(String email, boolean operator) {
        Optional<User> existing = users.findUserByEmail(email);
        if (existing.isPresent()) {
            return existing.get();
        }
        String id = Ids.newUserId();
        try {
            users.createUser(id, email, operator, clock.instant());
        } catch (AccountsException.AlreadyExists e) {
            // Made by another request meanwhile: it is the same person.
            return users.findUserByEmail(email).orElseThrow(() -> e);
        }
        return get(id);
    }

    private Invitation linkFor(User user) {
        String token = SecretHasher.newSecret();
        Instant now = clock.instant();
        Instant expires = now.plus(settings.inviteLifetime());
        users.createInvite(SecretHasher.sha256(token), user.id(), now, expires);
        return new Invitation(user, token, expires);
    }

    private void requireAccount(String accountId) {
        if (!accounts.accountExists(accountId)) {
            throw new AccountsException.NotFound("no cloud account with id '" + accountId + "'");
        }
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new AccountsException.Invalid("password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters" + (password == null ? "" : ", got " + password.length()));
        }
    }
}
