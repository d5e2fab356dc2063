package org.openmaas.engine;

/**
 * Cumulative counts since an engine started, for metrics: how much prompt processing its prefix cache saved.
 *
 * @param prefixCacheLookups requests that could reuse cached prompt cells (every one except reproducible requests)
 * @param prefixCacheHits    of those, requests that did reuse cells another request left
 * @param promptTokens       prompt tokens of those requests
 * @param reusedPromptTokens of those, prompt tokens whose cells were reused instead of computed
 */
public record EngineStats(long prefixCacheLookups, long prefixCacheHits, long promptTokens, long reusedPromptTokens) {

    /** An engine without a prefix cache. */
    public static final EngineStats NONE = new EngineStats(0, 0, 0, 0);

    public EngineStats {
        if (prefixCacheHits < 0 || prefixCacheHits > prefixCacheLookups) {
            throw new IllegalArgumentException("prefixCacheHits must be between 0 and prefixCacheLookups ("
                    + prefixCacheLookups + "): " + prefixCacheHits);
        }
        if (reusedPromptTokens < 0 || reusedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("reusedPromptTokens must be between 0 and promptTokens ("
                    + promptTokens + "): " + reusedPromptTokens);
        }
    }
}
