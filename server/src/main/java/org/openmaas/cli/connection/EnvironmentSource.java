package org.openmaas.cli.connection;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** A command line's root that has environment variables of its own instead of the process's (tests pass theirs). */
public interface EnvironmentSource {

    Map<String, String> environment();

    /** The variables of {@code command}'s root when it has its own, else the process's. */
    static Map<String, String> of(CommandSpec command) {
        return command.root().userObject() instanceof EnvironmentSource root ? root.environment() : System.getenv();
    }
}
