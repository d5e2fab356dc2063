package org.openmaas.console.model;

import java.util.Arrays;
import java.util.Locale;
import org.openmaas.accounts.model.AccountsException;

/** What a user may do in a cloud account they belong to: a member uses it, an owner also manages its members. */
public enum Role {
    OWNER, MEMBER;

    /** The name the wire and the store use: {@code owner}, {@code member}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws AccountsException.Invalid naming {@code field} when {@code label} is not a role */
    public static Role of(String field, String label) {
        return Arrays.stream(values()).filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new AccountsException.Invalid(field + " must be 'owner' or 'member', got "
                        + (label == null ? "nothing" : "'" + label + "'")));
    }
}
