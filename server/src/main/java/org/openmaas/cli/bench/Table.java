package org.openmaas.cli.bench;

import java.util.ArrayList;
import java.util.List;

/** A table of text cells printed as Markdown, so the same output reads in a terminal and pastes into the docs. */
record Table(List<String> header, List<List<String>> rows) {

    Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("a row of " + row.size() + " cells in a table of " + header.size()
                        + " columns");
            }
        }
    }

    static Table of(String... header) {
        return new Table(List.of(header), List.of());
    }

    Table with(String... cells) {
        List<List<String>> more = new ArrayList<>(rows);
        more.add(List.of(cells));
        return new Table(header, more);
    }

    /** Columns padded to their widest cell; numbers are right-aligned by the caller's formatting, not here. */
    String markdown() {
        int[] widths = new int[header.size()];
        for (List<String> row : withHeader()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], Math.max(3, row.get(i).length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(out, rule, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            out.append(' ').append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length())).append(" |");
        }
        out.append('\n');
    }
}
