package org.openmaas.accounts.model;

import java.time.Instant;

/**
 * One request's usage: open while it runs, then finished, cancelled, failed or interrupted.
 *
 * @param kind      a generation, or embeddings (whose input tokens are charged)
 * @param sequences the choices generated at once (OpenAI's {@code n}), each a stream against concurrent_streams
 */
public record UsageRecord(String requestId, String cloudAccountId, String clientId, String productName,
                          String instanceId, String status, String finishReason, String errorMessage,
                          int promptTokens, int reservedTokens, int generatedTokens, Long timeToFirstTokenMs,
                          Long durationMs, String usageDay, Instant startedAt, Instant completedAt, UsageKind kind,
                          int sequences) {
}
