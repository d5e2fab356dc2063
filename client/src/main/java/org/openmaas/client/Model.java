package org.openmaas.client;

import java.util.Objects;

/**
 * A product of the catalog, as {@link MaasClient#models()} lists it. A generation names all three fields, and the
 * service checks that they belong together.
 *
 * @param modelName   the model's hub id, e.g. {@code meta-llama/Meta-Llama-3.1-8B-Instruct}
 * @param productId   the product's UUID, as a string
 * @param productName the product's name, e.g. {@code maas-model-llama-3.1-8b}
 */
public record Model(String modelName, String productId, String productName) {

    public Model {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(productName, "productName");
    }
}
