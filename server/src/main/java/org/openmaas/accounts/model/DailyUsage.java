package org.openmaas.accounts.model;

/** Usage of one account and product on one day. */
public record DailyUsage(String day, String cloudAccountId, String productName, long requests, long promptTokens,
                         long generatedTokens, long finished, long cancelled, long failed, long interrupted,
                         long open) {
}
