package org.openmaas.engine;

/** A snapshot of an engine's work: sequences holding a slot and sequences waiting for one. */
public record EngineLoad(int active, int queued, int slots) {
}
