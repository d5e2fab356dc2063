package org.openmaas.cli.bench;

import java.util.List;

/**
 * What one {@link StoreBenchWorker} process does in a step of {@code bench store}, and what it found.
 *
 * @param instanceId    the instance id its usage records carry, as a server's would
 * @param threads       requests it keeps in flight, each admitted and settled one after another
 * @param warmupMillis  time after the start signal that is run but not counted (connections, JIT)
 * @param measureMillis time counted after the warm-up
 * @param tenants       the clients, each with its cloud account, that the threads of every instance go round
 * @param firstTenant   the tenant of this instance's first thread; thread {@code t} takes the next {@code t}-th
 */
record StorePhase(String db, String instanceId, int threads, long warmupMillis, long measureMillis,
                  List<Tenant> tenants, int firstTenant) {

    record Tenant(String clientId, String cloudAccountId) {
    }

    /**
     * @param settled      cycles settled in all, the warm-up's too: each wrote one finished usage record
     * @param operations   admit → first token → settle cycles completed in the measured time
     * @param failed       cycles that threw (a refusal or the store), the warm-up's too
     * @param journalled   completions that could not reach the store and went to the local journal instead
     * @param admitMs      each counted cycle's admission, in milliseconds
     * @param operationMs  each counted cycle from admission to settled, in milliseconds
     */
    record Result(String instanceId, int settled, int operations, int failed, String firstError, int journalled,
                  List<Double> admitMs, List<Double> operationMs) {
    }
}
