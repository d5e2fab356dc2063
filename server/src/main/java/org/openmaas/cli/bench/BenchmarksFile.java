package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the latest result of each benchmark in a Markdown file ({@code docs/BENCHMARKS.md}): a result lives between
 * {@code <!-- bench:KEY -->} and {@code <!-- /bench:KEY -->} and is replaced on the next run with the same key, so the
 * hand-written text around it stays; a key seen for the first time is appended.
 */
final class BenchmarksFile {

    private BenchmarksFile() {
    }

    static void update(Path file, String key, String markdown) throws IOException {
        String begin = "<!-- bench:" + key + " -->";
        String end = "<!-- /bench:" + key + " -->";
        String block = begin + "\n" + markdown.strip() + "\n" + end;
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        String updated;
        if (from >= 0 && to >= 0) {
            updated = text.substring(0, from) + block + text.substring(to + end.length());
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
                    + block + "\n";
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
