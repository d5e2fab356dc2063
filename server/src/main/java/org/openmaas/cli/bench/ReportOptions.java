package org.openmaas.cli.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How every benchmark reports: a Markdown table for people, or JSON for machines, and optionally into the docs. */
final class ReportOptions {

    @Option(names = "--json", description = "Print the results as JSON instead of tables.")
    boolean json;

    @Option(names = "--write", paramLabel = "FILE",
            description = "Also put the tables into this Markdown file (e.g. docs/BENCHMARKS.md), replacing the"
                    + " previous result of the same benchmark and keeping everything else.")
    Path write;
}
