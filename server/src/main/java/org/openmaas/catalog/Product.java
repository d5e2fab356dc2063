package org.openmaas.catalog;

import java.util.Objects;
import java.util.UUID;

/** A product as clients see it in the catalog: the three names a generation request must repeat together. */
public record Product(String productName, UUID productId, String modelName) {
    public Product {
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(modelName, "modelName");
    }
}
