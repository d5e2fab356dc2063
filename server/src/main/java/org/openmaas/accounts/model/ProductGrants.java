package org.openmaas.accounts.model;

import java.util.Set;

/** The products an account is granted: every one, or those listed. */
public record ProductGrants(boolean allProducts, Set<String> products) {

    public static final ProductGrants NONE = new ProductGrants(false, Set.of());

    public ProductGrants {
        products = Set.copyOf(products);
    }

    public boolean allows(String productName) {
        return allProducts || products.contains(productName);
    }
}
