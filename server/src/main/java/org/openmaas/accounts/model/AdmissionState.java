package org.openmaas.accounts.model;

/**
 * What admission decides on, read by the store under the locks it holds: the client's limits, its account's quota
 * and the counts against both.
 */
public record AdmissionState(boolean clientExists, ClientLimits limits, Long monthlyQuota, long openStreams,
                             long windowRequests, long windowTokens, long quotaUsed, long quotaReserved) {
}
