package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Let an account use every product (--all) or only those named (--product, repeatable; "
                + "--none for no product).")
final class EntitlementsSet extends AdminSubcommand {

    @Parameters(paramLabel = "ACCOUNT", description = "The account's id.")
    String account;

    static final class Choice {
        @Option(names = "--all", description = "Every product, now and later.")
        boolean all;

        @Option(names = "--product", paramLabel = "PRODUCT", description = "A product name; repeatable.")
        List<String> products;

        @Option(names = "--none", description = "No product at all.")
        boolean none;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    @Override
    JsonNode run() {
        Object body = choice.all ? Map.of("all_products", true)
                : Map.of("products", choice.none ? List.of() : new ArrayList<>(choice.products));
        return server.call("PUT", "/v1/admin/accounts/" + account + "/entitlements", body);
    }

    @Override
    void print(JsonNode result, PrintWriter out) {
        describe(out, account, result);
    }

    static void describe(PrintWriter out, String account, JsonNode entitlements) {
        if (entitlements.path("all_products").asBoolean()) {
            out.println("cloud account " + account + " may use every product");
        } else if (entitlements.path("products").isEmpty()) {
            out.println("cloud account " + account + " may use no product");
        } else {
            out.println("cloud account " + account + " may use: " + text(entitlements, "products"));
        }
        out.flush();
    }
}
