package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add a product to the running server; its model loads in the background. It lives in the "
                + "server's memory: add it to the catalog file too to keep it after a restart.")
final class ProductsAdd extends ProductChange {

    @Parameters(paramLabel = "PRODUCT", arity = "0..1",
            description = "Its product_name (default: the file's).")
    String name;

    @Override
    JsonNode run() {
        return server.call("POST", "/v1/admin/products", entry.entry(name));
    }
}
