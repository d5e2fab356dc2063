package org.openmaas.cli.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One table, three ways to write it: text for a terminal, CSV for scripts, Markdown for the docs. */
class TableTest {

    @Test
    void aTableIsMarkdownWithColumnsPaddedToTheWidestCell() {
        String markdown = new Table("measure", "value").row("single stream", "25.1").markdown();

        assertThat(markdown).isEqualTo("""
                | measure       | value |
                | ------------- | ----- |
                | single stream | 25.1  |
                """);
    }

    @Test
    void textAlignsColumnsTwoSpacesApartAndShowsAnEmptyCellAsADash() {
        String text = new Table("ACCOUNT", "NAME", "STATUS").row("300000000001", "team-a", null)
                .row("3", "a much longer name", "active").text();

        assertThat(text).isEqualTo("""
                ACCOUNT       NAME                STATUS
                300000000001  team-a              -
                3             a much longer name  active
                """);
    }

    @Test
    void csvQuotesOnlyWhatNeedsItAndLeavesAnEmptyCellEmpty() {
        String csv = new Table("DAY", "PRODUCT", "NOTE").row("2026-12-04", "a,b", "say \"hi\"").row("2026-12-05", "", null)
                .csv();

        assertThat(csv).isEqualTo("""
                DAY,PRODUCT,NOTE
                2026-12-04,"a,b","say ""hi\"""
                2026-12-05,,
                """);
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .hasMessage("a row of 1 cells in a table of 2 columns");
    }
}
