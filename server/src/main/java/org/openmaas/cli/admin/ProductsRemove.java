package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Remove a product: new requests get 404 at once; running generations finish first.")
final class ProductsRemove extends AdminSubcommand {

    @Parameters(paramLabel = "PRODUCT", description = "The product's name.")
    String name;

    @Override
    JsonNode run() {
        server.call("DELETE", "/v1/admin/products/" + name, null);
        return AdminConnection.JSON.createObjectNode().put("product_name", name).put("removed", true);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("product " + name + " is removed; its running generations finish before its engine closes");
        out.flush();
    }
}
