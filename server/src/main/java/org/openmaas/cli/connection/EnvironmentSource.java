package org.openmaas.cli.connection;

import java.util.Map;

/** A command line's root that has environment variables of its own instead of the process's (tests pass theirs). */
public interface EnvironmentSource {

    Map<String, String> environment();
}
