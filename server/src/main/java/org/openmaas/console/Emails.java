package org.openmaas.console;

import java.util.Locale;
import java.util.regex.Pattern;
import org.openmaas.accounts.model.AccountsException;

/** Email addresses as users are known by: lower-cased, so one address is one user whatever its case. */
public final class Emails {

    /** SMTP's limit on a path (RFC 5321 §4.5.3.1.3), and short enough for the guessing counters' keys. */
    static final int MAX_LENGTH = 254;
    private static final Pattern SHAPE = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private Emails() {
    }

    /** @throws AccountsException.Invalid naming {@code field} when it is not an email address */
    public static String normalized(String field, String email) {
        if (email == null || email.isBlank()) {
            throw new AccountsException.Invalid(field + " is required: an email address such as ada@example.com");
        }
        String stripped = email.strip();
        if (stripped.length() > MAX_LENGTH || !SHAPE.matcher(stripped).matches()
                || stripped.chars().anyMatch(Character::isISOControl)) {
            throw new AccountsException.Invalid(field + " must be an email address such as ada@example.com (at most "
                    + MAX_LENGTH + " characters), got '" + (stripped.length() > 60 ? stripped.substring(0, 60) + "..."
                    : stripped) + "'");
        }
        return stripped.toLowerCase(Locale.ROOT);
    }
}
