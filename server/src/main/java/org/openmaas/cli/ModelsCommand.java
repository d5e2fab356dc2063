package org.openmaas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.cli.table.Table;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code maas models}: the products the service can serve now, as a table or as the API's JSON. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the models the service can serve now.")
final class ModelsCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the API's JSON ({\"models\": [...]}) instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    record ModelJson(String model_name, String product_id, String product_name) {
    }

    @Override
    public Integer call() {
        List<Model> models;
        try (MaasClient maas = connection.resolve(ConnectionOptions.GUIDE_SERVICE).client()) {
            models = maas.models();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<ModelJson> list = models.stream().map(m -> new ModelJson(m.modelName(), m.productId(), m.productName())).toList();
            try {
                out.println(JSON.writeValueAsString(Map.of("models", list)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else if (models.isEmpty()) {
            out.println("No models are available.");
        } else {
            Table table = new Table("PRODUCT NAME", "PRODUCT ID", "MODEL NAME");
            models.forEach(m -> table.row(m.productName(), m.productId(), m.modelName()));
            out.print(table.text());
        }
        return 0;
    }
}
