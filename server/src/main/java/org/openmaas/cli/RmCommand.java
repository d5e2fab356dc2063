package org.openmaas.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code maas rm}: deletes one file of the models folder, without asking, as {@code ollama rm} does. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Delete a model from the data directory's models folder (a running server keeps serving it until it stops).")
final class RmCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The file's name as 'maas models --local' lists it; .gguf may be left off.")
    String name;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Path deleted = data.models().remove(name);
            spec.commandLine().getOut().println("deleted " + deleted);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + name + ": " + e.getMessage(), e);
        }
    }
}
