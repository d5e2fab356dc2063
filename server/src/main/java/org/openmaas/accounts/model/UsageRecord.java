package org.openmaas.accounts.model;

import java.time.Instant;

/** One generation request's usage: open while it runs, then finished, cancelled, failed or interrupted. */
public record UsageRecord(String requestId, String cloudAccountId, String clientId, String productName,
                          String instanceId, String status, String finishReason, String errorMessage,
                          int promptTokens, int reservedTokens, int generatedTokens, Long timeToFirstTokenMs,
                          Long durationMs, String usageDay, Instant startedAt, Instant completedAt) {
}
