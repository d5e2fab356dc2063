package org.openmaas.auth;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** The shapes of cloud account and client ids, and new random ones (and console users' ids). */
public final class Ids {

    public static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    public static final String CLIENT_ID_RULE = "1 to 128 characters of letters, digits, '.', '_' or '-'";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** Twelve digits, the first not 0. */
    public static String newAccountId() {
        StringBuilder id = new StringBuilder(12);
        id.append(1 + RANDOM.nextInt(9));
        for (int i = 1; i < 12; i++) {
            id.append(RANDOM.nextInt(10));
        }
        return id.toString();
    }

    /** {@code maas-} and twelve lower-case letters and digits. */
    public static String newClientId() {
        return random("maas-");
    }

    /** A console user's id: {@code user-} and twelve lower-case letters and digits. */
    public static String newUserId() {
        return random("user-");
    }

    private static String random(String prefix) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 12; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
