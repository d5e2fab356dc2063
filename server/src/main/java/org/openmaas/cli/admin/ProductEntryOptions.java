package org.openmaas.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A product's catalog entry as {@code maas admin products add} and {@code set} take it: a YAML or JSON file of one
 * entry, the flags of the common keys, or both (the flags win). The server checks the entry as it checks the catalog
 * file's.
 */
final class ProductEntryOptions {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "One catalog entry in YAML or JSON (the catalog file's keys, e.g. engine: for a model "
                    + "served elsewhere).")
    Path file;

    @Option(names = "--model", paramLabel = "GGUF",
            description = "A GGUF path (a relative one is taken from this directory) or hf://owner/repo/file.gguf.")
    String model;

    @Option(names = "--model-name", paramLabel = "NAME", description = "The name clients send (default: the GGUF's).")
    String modelName;

    @Option(names = "--context-length", paramLabel = "TOKENS", description = "Tokens per sequence (default: the model's).")
    Integer contextLength;

    @Option(names = "--slots", paramLabel = "N", description = "Sequences decoded at once (default 1).")
    Integer slots;

    @Option(names = "--max-queued", paramLabel = "N", description = "Requests that may wait for a slot (default 64).")
    Integer maxQueued;

    @Option(names = "--prompt-format", paramLabel = "FORMAT", description = "raw (default) or chat.")
    String promptFormat;

    @Option(names = "--chat-template", paramLabel = "TEMPLATE",
            description = "A template or llama.cpp built-in name (default: the GGUF's).")
    String chatTemplate;

    /** The entry to send, named {@code productName} when given. */
    ObjectNode entry(String productName) {
        ObjectNode entry = file == null ? YAML.createObjectNode() : read(file);
        if (productName != null) {
            entry.put("product_name", productName);
        }
        if (entry.path("model").isTextual()) {
            // The server would take a relative path from its own catalog folder; the user means the file's.
            entry.put("model", absolute(entry.get("model").asText(), file.toAbsolutePath().getParent()));
        }
        if (model != null) {
            entry.put("model", absolute(model, Path.of("").toAbsolutePath()));
        }
        putIfGiven(entry, "model_name", modelName);
        putIfGiven(entry, "context_length", contextLength);
        putIfGiven(entry, "slots", slots);
        putIfGiven(entry, "max_queued", maxQueued);
        putIfGiven(entry, "prompt_format", promptFormat);
        putIfGiven(entry, "chat_template", chatTemplate);
        if (entry.isEmpty() || (entry.size() == 1 && entry.has("product_name"))) {
            throw new IllegalArgumentException("give the product's entry: --file FILE, or flags such as --model "
                    + "GGUF (see --help)");
        }
        return entry;
    }

    private static ObjectNode read(Path file) {
        JsonNode node;
        try {
            node = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("there is no file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not YAML or JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new IllegalArgumentException(file + " is empty; it should hold one catalog entry (product_name, "
                    + "model, ...)");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(file + " should hold one catalog entry, an object of keys "
                    + "(product_name, model, ...); for a whole catalog, give each entry its own file");
        }
        return object;
    }

    private static String absolute(String model, Path base) {
        return model.startsWith("hf://") || model.isBlank() ? model : base.resolve(model).normalize().toString();
    }

    private static void putIfGiven(ObjectNode entry, String key, Object value) {
        if (value instanceof Integer i) {
            entry.put(key, i);
        } else if (value != null) {
            entry.put(key, value.toString());
        }
    }
}
