package org.openmaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.catalog.CatalogFile;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.ProductConfig;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes} (docs/SCALING.md), read as the API server would: every
 * document a well-formed object, the pieces the deployment needs present, every reference between them (Secret and
 * ConfigMap keys, Service selectors and ports, the catalog's engine endpoints) resolving to something declared.
 * The catalog is read by the server's own catalog reader, with the gateway's environment variables set.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

    private final List<JsonNode> objects = readAll();

    @Test
    void everyDocumentIsAnObjectWithApiVersionKindAndName() {
        assertThat(objects).isNotEmpty();
        for (JsonNode object : objects) {
            assertThat(object.path("apiVersion").asText()).as(object.toString()).isNotBlank();
            assertThat(object.path("kind").asText()).as(object.toString()).isNotBlank();
            assertThat(object.path("metadata").path("name").asText()).as(object.toString())
                    .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }
    }

    @Test
    void kustomizationListsEveryManifestAndNothingElse() throws IOException {
        JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(listed).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml")).toList());
        }
    }

    @Test
    void theDeploymentHasTheGatewayPostgresqlAndAGpuEngine() {
        JsonNode gateway = one("Deployment", "openmaas");
        assertThat(gateway.path("spec").path("replicas").asInt()).isGreaterThan(1);
        JsonNode gatewayContainer = container(gateway);
        assertThat(gatewayContainer.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(gatewayContainer.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(env(gatewayContainer)).contains("MAAS_DB_URL");
        // Longer than serve's default --shutdown-grace of 30 s, so running streams finish and settle on SIGTERM.
        assertThat(gateway.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt())
                .isGreaterThan(30);

        JsonNode postgres = one("StatefulSet", "postgres");
        assertThat(postgres.path("spec").path("volumeClaimTemplates")).isNotEmpty();

        JsonNode vllm = one("Deployment", "vllm-llama-3-1-8b");
        JsonNode engine = container(vllm);
        assertThat(engine.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(engine.path("resources").path("requests").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(engine.path(probe).path("httpGet").path("path").asText()).as(probe).isEqualTo("/health");
        }
        assertThat(one("Secret", "openmaas-secrets").path("stringData").isObject()).isTrue();
        assertThat(one("ConfigMap", "openmaas-catalog").path("data").path("catalog.yaml").isTextual()).isTrue();
    }

    @Test
    void everySecretAndConfigMapReferenceNamesAKeyThatExists() {
        List<String> references = new ArrayList<>();
        for (JsonNode workload : workloads()) {
            JsonNode pod = workload.path("spec").path("template").path("spec");
            for (JsonNode container : pod.path("containers")) {
                for (JsonNode variable : container.path("env")) {
                    JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
                    if (!secret.isMissingNode()) {
                        assertThat(keys("Secret", secret.path("name").asText(), "stringData"))
                                .as(variable.toString()).contains(secret.path("key").asText());
                        references.add(secret.path("key").asText());
                    }
                }
            }
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("configMap")) {
                    assertThat(one("ConfigMap", volume.path("configMap").path("name").asText())).isNotNull();
                }
            }
        }
        assertThat(references).isNotEmpty();
    }

    @Test
    void everyServiceSelectsAWorkloadAndTargetsAPortItDeclares() {
        List<JsonNode> services = ofKind("Service");
        assertThat(services).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode service : services) {
            Map<String, String> selector = stringMap(service.path("spec").path("selector"));
            JsonNode workload = workloads().stream()
                    .filter(w -> labels(w).entrySet().containsAll(selector.entrySet())).findFirst()
                    .orElseThrow(() -> new AssertionError("no workload has the labels " + selector + " that Service "
                            + service.path("metadata").path("name").asText() + " selects"));
            Set<String> ports = new HashSet<>();
            container(workload).path("ports").forEach(p -> {
                ports.add(p.path("name").asText());
                ports.add(p.path("containerPort").asText());
            });
            for (JsonNode port : service.path("spec").path("ports")) {
                assertThat(ports).as(service.toString()).contains(port.path("targetPort").asText());
            }
        }
    }

    @Test
    void theServerAcceptsTheCatalogAndItsEndpointsAndKeysResolveInTheCluster(@TempDir Path dir) throws IOException {
        String text = one("ConfigMap", "openmaas-catalog").path("data").path("catalog.yaml").asText();
        JsonNode gateway = container(one("Deployment", "openmaas"));
        assertThat(gateway.path("args").toString()).contains("--catalog=/etc/openmaas/catalog.yaml");
        Path file = Files.writeString(dir.resolve("catalog.yaml"), text);
        Map<String, String> gatewayEnvironment = new HashMap<>();
        env(gateway).forEach(name -> gatewayEnvironment.put(name, "set-by-the-cluster"));

        List<ProductConfig> products = CatalogFile.read(file, gatewayEnvironment);

        assertThat(products).isNotEmpty();
        for (ProductConfig product : products) {
            assertThat(product.source()).as(product.productName()).isInstanceOf(ModelSource.Remote.class);
            for (URI endpoint : ((ModelSource.Remote) product.source()).engine().endpoints()) {
                JsonNode service = one("Service", endpoint.getHost());
                List<Integer> ports = new ArrayList<>();
                service.path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
                assertThat(ports).as(endpoint.toString()).contains(endpoint.getPort());
            }
        }
    }

    private static List<JsonNode> readAll() {
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                try (var documents = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                        .<JsonNode>readValues(file.toFile())) {
                    documents.forEachRemaining(all::add);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DIR.toAbsolutePath(), e);
        }
        return all;
    }

    private List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    private List<JsonNode> workloads() {
        return objects.stream().filter(o -> WORKLOADS.contains(o.path("kind").asText())).toList();
    }

    private JsonNode one(String kind, String name) {
        List<JsonNode> found = ofKind(kind).stream()
                .filter(o -> o.path("metadata").path("name").asText().equals(name)).toList();
        assertThat(found).as(kind + " " + name).hasSize(1);
        return found.getFirst();
    }

    private Set<String> keys(String kind, String name, String field) {
        return fieldNames(one(kind, name).path(field));
    }

    private static JsonNode container(JsonNode workload) {
        JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Set<String> env(JsonNode container) {
        Set<String> names = new HashSet<>();
        container.path("env").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    private static Map<String, String> labels(JsonNode workload) {
        return stringMap(workload.path("spec").path("template").path("metadata").path("labels"));
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
