package org.openmaas.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openmaas.catalog.ModelSource;
import org.openmaas.cli.connection.EnvironmentSource;
import org.openmaas.hub.HubClient;
import org.openmaas.hub.RepoFile;
import org.openmaas.hub.RepoQuery;
import org.openmaas.hub.TransferListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas pull}: one GGUF from the Hugging Face hub into the models folder, where {@code maas serve} finds it.
 * An interrupted pull resumes where it stopped; a file whose SHA-256 differs from the hub's is not kept.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a GGUF model from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN) into the data "
                + "directory's models folder, where 'maas serve' finds it.")
final class PullCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", description = "owner/repo:QUANT (e.g. bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M; "
            + "hf.co/ in front is accepted), owner/repo when it holds one GGUF, or hf://owner/repo/path/to/file.gguf.")
    String reference;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> environment = EnvironmentSource.of(spec);
        boolean terminal = System.console() != null && System.console().isTerminal();
        HubClient hub = HubClient.fromEnvironment(environment, TransferListener.console(err, terminal));
        try {
            String repository;
            RepoFile file;
            if (reference.startsWith(ModelSource.HubFile.SCHEME)) {
                ModelSource.HubFile named = (ModelSource.HubFile) ModelSource.parse(reference, Path.of(""));
                repository = named.repository();
                file = new RepoFile(named.path(), -1, Optional.empty());
            } else {
                RepoQuery query = RepoQuery.parse(reference);
                repository = query.repository();
                file = query.choose(hub.files(repository));
            }
            Path target = data.models().fileFor(file.name());
            if (Files.exists(target)) {
                out.println(target + " is already here (" + Files.size(target) + " bytes); 'maas rm " + file.name()
                        + "' first to pull it again");
                return 0;
            }
            err.println("pulling " + hub.fileUrl(repository, file.path()));
            HubClient.Download download = hub.download(repository, file, target);
            out.println("pulled " + repository + "/" + file.path() + " into " + download.file() + " ("
                    + download.size() + " bytes" + (download.resumedFrom() > 0
                    ? ", " + download.resumedFrom() + " of them kept from an earlier pull" : "")
                    + "; SHA-256 " + download.sha256() + (download.verified()
                    ? " matches the hub's" : ", which the hub did not announce") + ")");
            return 0;
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
    }
}
