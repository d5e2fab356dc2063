package org.openmaas.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmaas.api.ApiException;
import org.openmaas.api.Bodies;
import org.openmaas.api.Json;
import org.openmaas.catalog.CatalogFile;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.catalog.ProductLifecycle;

/**
 * {@code /v1/admin/products}: the catalog while the server runs. A body is one catalog entry, in JSON, checked as
 * the catalog file's entries are; a new or changed product loads in the background, so the answer is 202 with its
 * state, and {@code GET} (or {@code /ready}) tells when it serves or why it failed.
 */
final class ProductsAdminApi implements HttpService {

    private final ProductLifecycle products;
    private final Path baseDir;
    private final Map<String, String> environment;

    /**
     * @param baseDir     where relative model paths are taken from
     * @param environment where {@code api_key_env} and {@code client_secret_env} are looked up: the server's
     */
    ProductsAdminApi(ProductLifecycle products, Path baseDir, Map<String, String> environment) {
        this.products = products;
        this.baseDir = baseDir;
        this.environment = environment;
    }

    /**
     * @param model_name the name clients send: the serving engine's, else the one asked for (null: the GGUF's, once
     *                   loaded)
     * @param serving    whether requests reach the product now (while a change loads, its previous configuration)
     * @param error      why the latest configuration failed to load
     */
    record ProductJson(String product_name, String product_id, String model_name, String state, boolean serving,
                       String error, String source, String engine, int context_length, String prompt_format,
                       int slots, int max_queued, boolean embeddings) {
        static ProductJson of(ProductLifecycle.View view) {
            ProductConfig c = view.status().config();
            String modelName = view.entry().map(e -> e.product().modelName()).orElse(c.modelName());
            boolean remote = c.source() instanceof ModelSource.Remote;
            return new ProductJson(c.productName(), c.productId().toString(), modelName,
                    view.status().phase().name().toLowerCase(Locale.ROOT), view.entry().isPresent(),
                    view.status().error().orElse(null), remote ? null : c.source().toString(),
                    remote ? c.source().toString() : null, c.contextLength(),
                    c.promptFormat().name().toLowerCase(Locale.ROOT), c.slots(), c.maxQueued(), c.embeddings());
        }
    }

    record ProductList(List<ProductJson> products) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/products", this::list)
                .post("/v1/admin/products", this::add)
                .get("/v1/admin/products/{name}", this::show)
                .put("/v1/admin/products/{name}", this::set)
                .delete("/v1/admin/products/{name}", this::remove);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AdminGate.onlyQuery(req, Set.of());
        AdminGate.send(res, new ProductList(products.list().stream().map(ProductJson::of).toList()));
    }

    private void show(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, ProductJson.of(products.find(AdminGate.pathParam(req, "name"))));
    }

    private void add(ServerRequest req, ServerResponse res) {
        accepted(res, products.add(entry(req)));
    }

    private void set(ServerRequest req, ServerResponse res) {
        String name = AdminGate.pathParam(req, "name");
        ProductConfig product = entry(req, name);
        if (!product.productName().equals(name)) {
            throw new ApiException.InvalidArgument("product_name '" + product.productName() + "' in the body differs "
                    + "from " + name + " in the path; a product is renamed by adding the new one and removing the old");
        }
        accepted(res, products.set(product));
    }

    private void remove(ServerRequest req, ServerResponse res) {
        products.remove(AdminGate.pathParam(req, "name"));
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private ProductConfig entry(ServerRequest req) {
        return entry(req, null);
    }

    /** @param pathName the product's name in the path, which the body may leave out */
    private ProductConfig entry(ServerRequest req, String pathName) {
        Bodies.requireJson(req);
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(Bodies.read(req, AdminGate.MAX_BODY_BYTES));
        } catch (IOException e) {
            throw new ApiException.InvalidArgument("the body is not JSON: " + e.getMessage().lines().findFirst()
                    .orElse("") + "; send one catalog entry, e.g. {\"product_name\": \"maas-model-x\", \"model\": "
                    + "\"/models/x.gguf\"}");
        }
        if (pathName != null && body instanceof ObjectNode object && !object.has("product_name")) {
            object.put("product_name", pathName);
        }
        try {
            // JSON is YAML: the catalog file's own reader checks the entry, with the catalog's messages.
            return CatalogFile.readEntry(body.toString(), baseDir, environment);
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidArgument(e.getMessage());
        }
    }

    private static void accepted(ServerResponse res, ProductLifecycle.View view) {
        res.status(Status.ACCEPTED_202);
        AdminGate.send(res, ProductJson.of(view));
    }
}
