package org.openmaas.cli;

import java.nio.file.Path;
import org.openmaas.server.ModelsFolder;
import picocli.CommandLine.Option;

/** {@code --data-dir} of the commands that work on {@code maas serve}'s models folder without a server. */
final class DataDirOption {

    @Option(names = "--data-dir", defaultValue = "maas-data", paramLabel = "DIR",
            description = "The data directory maas serve runs with; models live in its models folder "
                    + "(default: ${DEFAULT-VALUE}).")
    Path dataDir;

    ModelsFolder models() {
        return ModelsFolder.in(dataDir);
    }
}
