package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How every benchmark reports: a Markdown table for people, or JSON for machines, and optionally into the docs. */
final class ReportOptions {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", description = "Print the results as JSON instead of tables.")
    boolean json;

    @Option(names = "--write", paramLabel = "FILE",
            description = "Also put the tables into this Markdown file (e.g. docs/BENCHMARKS.md), replacing the"
                    + " previous result of the same benchmark and keeping everything else.")
    Path write;

    /**
     * Prints {@code result} as asked ({@code markdown} is its tables) and, with {@code --write}, puts the tables into
     * the docs file as the section {@code key}, replacing that benchmark's previous result.
     */
    void publish(PrintWriter out, Object result, String markdown, String key) throws IOException {
        if (json) {
            out.println(JSON.writeValueAsString(result));
        } else {
            out.print(markdown);
        }
        out.flush();
        if (write != null) {
            BenchmarksFile.update(write, key, markdown);
        }
    }
}
