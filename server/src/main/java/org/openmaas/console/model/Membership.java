package org.openmaas.console.model;

/** A user in a cloud account, with the names the console shows of both. */
public record Membership(String userId, String email, String cloudAccountId, String accountName, Role role) {
}
