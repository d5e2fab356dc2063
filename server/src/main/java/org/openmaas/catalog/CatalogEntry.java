package org.openmaas.catalog;

import java.util.Objects;
import org.openmaas.engine.Engine;

/** A product that can serve now: its public names, its configuration and the engine bound to it. */
public record CatalogEntry(Product product, ProductConfig config, Engine engine) {
    public CatalogEntry {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(engine, "engine");
    }
}
