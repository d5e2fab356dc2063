package org.openmaas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmaas.cli.connection.ConnectionOptions;
import org.openmaas.cli.table.Table;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.gguf.ModelSummary;
import org.openmaas.hub.Transfer;
import org.openmaas.server.ModelsFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code maas models}: the products the service can serve now, as a table or as the API's JSON. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models the service can serve now, or with --local those in the models folder.")
final class ModelsCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the API's JSON ({\"models\": [...]}) instead of a table.")
    boolean json;

    @Option(names = "--local", description = "List the GGUF files of the data directory's models folder (what "
            + "'maas pull' fetched and 'maas serve' serves by default), read from their headers; no server is asked.")
    boolean local;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    record ModelJson(String model_name, String product_id, String product_name) {
    }

    @Override
    public Integer call() {
        if (local) {
            return listLocal();
        }
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
        out.flush(); // print, unlike println, leaves the text in the writer's buffer, which exit does not write out
        return 0;
    }

    /** A file of the models folder as {@code --local --json} prints it; the header's fields are null for an unusable file. */
    record LocalJson(String name, String path, long size_bytes, String architecture, String quantization,
                     Integer context_length, Boolean chat_template, String model_name, String problem) {

        static LocalJson of(ModelsFolder.Entry entry) {
            String name = entry.file().getFileName().toString();
            String path = entry.file().toString();
            return switch (entry) {
                case ModelsFolder.Model(var file, long size, ModelSummary s) -> new LocalJson(name, path, size,
                        s.architecture(), s.fileType(),
                        s.contextLength().isPresent() ? s.contextLength().getAsInt() : null, s.chatTemplate(), s.name(),
                        null);
                case ModelsFolder.Unusable(var file, long size, String why) ->
                        new LocalJson(name, path, size, null, null, null, null, null, why);
            };
        }
    }

    private int listLocal() {
        ModelsFolder folder = data.models();
        List<LocalJson> files;
        try {
            files = folder.list().stream().map(LocalJson::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder.dir() + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("models_dir", folder.dir().toString());
            document.put("models", files);
            try {
                out.println(JSON.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else if (files.isEmpty()) {
            out.println("No models in " + folder.dir() + "; 'maas pull owner/repo:QUANT' fetches one.");
        } else {
            Table table = new Table("NAME", "SIZE", "ARCHITECTURE", "QUANTIZATION", "CONTEXT", "CHAT TEMPLATE", "PROBLEM");
            for (LocalJson f : files) {
                table.row(f.name(), Transfer.size(f.size_bytes()), f.architecture(), f.quantization(), f.context_length(),
                        f.chat_template() == null ? null : f.chat_template() ? "yes" : "no", f.problem());
            }
            out.print(table.text());
        }
        out.flush(); // print, unlike println, leaves the text in the writer's buffer, which exit does not write out
        return 0;
    }
}
