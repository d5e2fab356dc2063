package org.openmaas.accounts.model;

/**
 * What admission decides on, read by the store under the locks it holds: the client's limits, its account's quota
 * and the counts against both.
 */
public record AdmissionState(boolean clientExists, ClientLimits limits, Long monthlyQuota, long openStreams,
                             long windowRequests, long windowTokens, long quotaUsed, long quotaReserved) {

    /**
     * This state once admissions since have claimed {@code streams} concurrent streams, {@code requests} of the rate
     * window's requests and {@code windowTokens} of its tokens, and reserved {@code quotaTokens} of the quota.
     */
    public AdmissionState plus(long streams, long requests, long windowTokens, long quotaTokens) {
        return new AdmissionState(clientExists, limits, monthlyQuota, openStreams + streams, windowRequests + requests,
                this.windowTokens + windowTokens, quotaUsed, quotaReserved + quotaTokens);
    }
}
