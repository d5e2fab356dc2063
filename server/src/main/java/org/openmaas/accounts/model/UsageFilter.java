package org.openmaas.accounts.model;

/** Filters of usage queries; null fields do not filter. Days are inclusive, {@code YYYY-MM-DD}. */
public record UsageFilter(String cloudAccountId, String clientId, String productName, String fromDay,
                          String toDay) {
}
