package org.openmaas.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.Client;
import org.openmaas.store.CredentialStore;

/**
 * The first cloud account and client, so a fresh server can be used at once.
 *
 * <p>On an empty store one account (12-digit id) and one client with every scope are created, and their
 * credentials are written to {@code <data-dir>/bootstrap-credentials.json} (mode 0600) for the operator. The
 * variables {@code MAAS_BOOTSTRAP_CLOUD_ACCOUNT}, {@code MAAS_BOOTSTRAP_CLIENT_ID} and
 * {@code MAAS_BOOTSTRAP_CLIENT_SECRET} choose them instead, so scripts can start a server with known credentials;
 * given on a store that lacks that client, they add it. The file is never overwritten: it may hold the only copy of
 * an earlier start's admin secret.
 */
public final class Bootstrap {

    public static final String ENV_ACCOUNT = "MAAS_BOOTSTRAP_CLOUD_ACCOUNT";
    public static final String ENV_CLIENT_ID = "MAAS_BOOTSTRAP_CLIENT_ID";
    public static final String ENV_CLIENT_SECRET = "MAAS_BOOTSTRAP_CLIENT_SECRET";
    public static final String FILE_NAME = "bootstrap-credentials.json";

    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    private static final Pattern ACCOUNT_ID = Ids.ACCOUNT_ID;
    private static final Pattern CLIENT_ID = Ids.CLIENT_ID;
    private static final int MIN_SECRET_LENGTH = 16;

    /**
     * Credentials created by this start, to show the operator once.
     *
     * @param file where they were written; empty when an earlier start's file was there and was kept
     */
    public record Credentials(String cloudAccountId, String clientId, String clientSecret, Optional<Path> file) {
        @Override
        public String toString() {
            return "Credentials[cloudAccountId=" + cloudAccountId + ", clientId=" + clientId + ", clientSecret=<redacted>]";
        }
    }

    private Bootstrap() {
    }

    /**
     * Creates the bootstrap account and client when the store needs them.
     *
     * @return the credentials created now; empty when the store already had what was asked for
     * @throws IllegalArgumentException when the environment's values are malformed (message says which and why)
     */
    public static Optional<Credentials> ensure(CredentialStore store, Path dataDir, Map<String, String> env, Clock clock) {
        String account = env.get(ENV_ACCOUNT);
        String clientId = env.get(ENV_CLIENT_ID);
        String secret = env.get(ENV_CLIENT_SECRET);
        boolean fromEnv = account != null || clientId != null || secret != null;
        Path file = dataDir.resolve(FILE_NAME);
        if (fromEnv) {
            requireAll(account, clientId, secret);
            if (store.findClient(clientId).isPresent()) {
                LOG.info("bootstrap client " + clientId + " already exists" + (Files.exists(file)
                        ? "; the first start's credentials are in " + file : ""));
                return Optional.empty();
            }
        } else {
            if (store.hasAnyClient()) {
                return Optional.empty();
            }
            account = Ids.newAccountId();
            clientId = Ids.newClientId();
            secret = SecretHasher.newSecret();
        }
        try {
            if (!store.accountExists(account)) {
                store.createAccount(account, store.accountNameTaken("bootstrap") ? "bootstrap-" + account : "bootstrap",
                        clock.instant());
            }
            store.createClient(new Client(clientId, account, "bootstrap-" + clientId, SecretHasher.hash(secret),
                    Set.of(Scopes.INFERENCE, Scopes.ADMIN), true), clock.instant());
        } catch (AccountsException.AlreadyExists e) {
            // Another instance on the same store bootstrapped the same credentials at the same moment.
            if (store.findClient(clientId).isPresent()) {
                return Optional.empty();
            }
            throw e;
        }
        if (Files.exists(file)) {
            LOG.info("kept " + file + " as an earlier start wrote it; client " + clientId + " was added from "
                    + ENV_CLIENT_ID);
            return Optional.of(new Credentials(account, clientId, secret, Optional.empty()));
        }
        try {
            SigningKeys.writePrivate(file, """
                    {
                      "cloud_account_id": "%s",
                      "client_id": "%s",
                      "client_secret": "%s"
                    }
                    """.formatted(account, clientId, secret));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return Optional.of(new Credentials(account, clientId, secret, Optional.of(file)));
    }

    private static void requireAll(String account, String clientId, String secret) {
        if (account == null || clientId == null || secret == null) {
            throw new IllegalArgumentException("set all three of " + ENV_ACCOUNT + ", " + ENV_CLIENT_ID + " and "
                    + ENV_CLIENT_SECRET + ", or none of them");
        }
        if (!ACCOUNT_ID.matcher(account).matches()) {
            throw new IllegalArgumentException(ENV_ACCOUNT + " must be 12 digits, got " + account.length() + " characters");
        }
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException(ENV_CLIENT_ID
                    + " must be 1 to 128 characters of letters, digits, '.', '_' or '-'");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(ENV_CLIENT_SECRET + " must be at least " + MIN_SECRET_LENGTH
                    + " characters, got " + secret.length());
        }
    }
}
