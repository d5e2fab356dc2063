package org.openmaas.cli.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table of text cells, written three ways: aligned text for a terminal, CSV (RFC 4180) for scripts and Markdown for
 * the docs, which also reads in a terminal. A null or empty cell is "-" for people and empty in CSV.
 */
public final class Table {

    private static final String EMPTY = "-";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row of as many cells as the header has; each cell's {@code toString()}, null for none. */
    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size()
                    + " columns");
        }
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "" : cell.toString()).toList());
        return this;
    }

    /** Left-aligned columns two spaces apart, the last one not padded. */
    public String text() {
        int[] widths = widths(0);
        StringBuilder out = new StringBuilder();
        for (List<String> row : withHeader()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = forPeople(row.get(i));
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The header and rows as CSV, quoting only the cells that need it. */
    public String csv() {
        StringBuilder out = new StringBuilder();
        for (List<String> row : withHeader()) {
            out.append(row.stream().map(Table::csvCell).collect(Collectors.joining(","))).append('\n');
        }
        return out.toString();
    }

    /** A Markdown table, every column padded to its widest cell (at least 3, the rule's minimum). */
    public String markdown() {
        int[] widths = widths(3);
        List<String> rule = Arrays.stream(widths).mapToObj("-"::repeat).toList();
        StringBuilder out = new StringBuilder();
        markdownLine(out, header, widths);
        markdownLine(out, rule, widths);
        for (List<String> row : rows) {
            markdownLine(out, row, widths);
        }
        return out.toString();
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(header);
        all.addAll(rows);
        return all;
    }

    private int[] widths(int least) {
        int[] widths = new int[header.size()];
        for (List<String> row : withHeader()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], Math.max(least, forPeople(row.get(i)).length()));
            }
        }
        return widths;
    }

    private static void markdownLine(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String cell = forPeople(cells.get(i));
            out.append(' ').append(cell).append(" ".repeat(widths[i] - cell.length())).append(" |");
        }
        out.append('\n');
    }

    private static String forPeople(String cell) {
        return cell.isEmpty() ? EMPTY : cell;
    }

    private static String csvCell(String cell) {
        return cell.contains(",") || cell.contains("\"") || cell.contains("\n")
                ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
