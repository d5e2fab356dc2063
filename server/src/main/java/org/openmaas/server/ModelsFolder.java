package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openmaas.gguf.GgufReader;
import org.openmaas.gguf.ModelSummary;

/**
 * The data directory's models folder: what {@code maas pull} fills, what {@code maas serve} serves when given no
 * model, what {@code maas models --local} lists and {@code maas rm} empties. Only its top level counts; the
 * {@code hub/} folder below it holds the files a catalog's {@code hf://} references brought.
 */
public final class ModelsFolder {

    static final String NAME = "models";
    private static final String PARTIAL = ".part";

    private final Path dir;

    private ModelsFolder(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public static ModelsFolder in(Path dataDir) {
        return new ModelsFolder(dataDir.resolve(NAME));
    }

    public Path dir() {
        return dir;
    }

    /**
     * Where a downloaded file named {@code fileName} goes.
     *
     * @throws IllegalArgumentException when the name is not a plain file name
     */
    public Path fileFor(String fileName) {
        Path file = dir.resolve(fileName).normalize();
        if (fileName.isBlank() || !dir.normalize().equals(file.getParent())) {
            throw new IllegalArgumentException("'" + fileName + "' is not a file name inside " + dir);
        }
        return file;
    }

    /** The GGUFs {@code maas serve} serves when given no model: every {@code *.gguf} but the smoke-test model. */
    List<Path> servable() throws IOException {
        return files().stream()
                .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(f -> !f.getFileName().toString().equals(SmokeTestModel.FILE))
                .toList();
    }

    /** A file of the folder, read as a model. */
    public sealed interface Entry {
        Path file();

        long size();
    }

    /** A GGUF whose header says what it holds. */
    public record Model(Path file, long size, ModelSummary summary) implements Entry {
    }

    /** A file that cannot be served, and why in words. */
    public record Unusable(Path file, long size, String why) implements Entry {
    }

    /** Every file of the folder, by name; empty when the folder does not exist yet. */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Path file : files()) {
            entries.add(entry(file));
        }
        return entries;
    }

    private static Entry entry(Path file) throws IOException {
        long size = Files.size(file);
        String name = file.getFileName().toString();
        if (name.endsWith(PARTIAL)) {
            return new Unusable(file, size, "an unfinished download: maas pull resumes it");
        }
        try {
            ModelSummary summary = ModelSummary.of(GgufReader.read(file));
            return name.equals(SmokeTestModel.FILE)
                    ? new Unusable(file, size, "the random-weights smoke-test model: its output is meaningless")
                    : new Model(file, size, summary);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Unusable(file, size, why.replace(file.toString(), name));
        }
    }

    /**
     * Deletes the file called {@code name}, with or without its {@code .gguf}.
     *
     * @return the file deleted
     * @throws IllegalArgumentException when the folder has no such file, listing what it has
     */
    public Path remove(String name) throws IOException {
        Path file = fileFor(name);
        if (!Files.isRegularFile(file) && !name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            file = fileFor(name + ".gguf");
        }
        if (!Files.isRegularFile(file)) {
            List<Path> files = files();
            throw new IllegalArgumentException("there is no model '" + name + "' in " + dir + (files.isEmpty()
                    ? " (it holds none)"
                    : "; it holds " + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))));
        }
        Files.delete(file);
        return file;
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
