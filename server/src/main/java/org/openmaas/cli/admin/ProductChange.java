package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;

/** {@code add} and {@code set}: both send one entry, and the server answers that it loads in the background. */
abstract class ProductChange extends AdminSubcommand {

    @Mixin
    ProductEntryOptions entry;

    @Override
    void print(JsonNode result, PrintWriter out) {
        out.println("product " + text(result, "product_name") + " is " + text(result, "state")
                + (result.path("serving").asBoolean() ? " (its previous configuration serves until then)" : "")
                + "; maas admin products list shows when it serves");
        out.flush();
    }
}
