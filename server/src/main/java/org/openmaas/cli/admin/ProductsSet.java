package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Replace a product's configuration with the entry given (keys left out take their defaults). "
                + "The old configuration serves until the new one has loaded; its running generations finish on it.")
final class ProductsSet extends ProductChange {

    @Parameters(paramLabel = "PRODUCT", description = "The product's name.")
    String name;

    @Override
    JsonNode run() {
        return server.call("PUT", "/v1/admin/products/" + name, entry.entry(name));
    }
}
