package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.store.Database;
import org.openmaas.testing.TestDatabase;

/**
 * {@code bench store} on a real PostgreSQL: separate instance processes admit and settle through the real metering
 * path, and every cycle they report is a finished usage record in the database. Counts only, never speeds.
 */
class StoreBenchCommandTest {

    @AutoClose
    TestDatabase postgres = TestDatabase.fresh(TestDatabase.Kind.POSTGRESQL);

    @TempDir
    Path dir;

    @Test
    void eachStepRunsThatManyInstanceProcessesAndEverySettledCycleIsOneFinishedRecord() throws Exception {
        BenchRun run = BenchRun.of("store", "--db", postgres.url(), "--instances", "1,2", "--threads", "2",
                "--clients", "3", "--duration", "1", "--warmup", "0", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode steps = new ObjectMapper().readTree(run.out()).path("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.path(1).path("instances").asInt()).isEqualTo(2);
        assertThat(steps.path(1).path("perInstancePerSecond")).hasSize(2);
        long settled = 0;
        for (JsonNode step : steps) {
            assertThat(step.path("operations").asLong()).isPositive();
            assertThat(step.path("failed").asInt()).isZero();
            assertThat(step.path("recordsWritten").asLong()).isEqualTo(step.path("settled").asLong());
            assertThat(step.path("instanceCpuMsPerCycle").asDouble()).isPositive();
            settled += step.path("settled").asLong();
        }
        Database database = postgres.open();
        List<String> statuses = database.jdbi().withHandle(h -> h.createQuery(
                "SELECT DISTINCT status FROM usage_records").mapTo(String.class).list());
        long instances = database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(DISTINCT instance_id) FROM usage_records").mapTo(Long.class).one());
        long records = database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM usage_records").mapTo(Long.class).one());
        assertThat(statuses).containsExactly("finished");
        assertThat(instances).isEqualTo(3); // one in the first step, two in the second
        assertThat(records).isEqualTo(settled);
    }

    @Test
    void theTableGoesIntoTheBenchmarksFileWithoutTheDatabasePassword() throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        String url = postgres.url() + (postgres.url().contains("?") ? "&" : "?") + "password=not-in-the-docs";

        BenchRun run = BenchRun.of("store", "--db", url, "--instances", "1", "--threads", "1", "--clients", "1",
                "--duration", "1", "--warmup", "0", "--repeat", "2", "--write", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| instances", "| admit+settle/s", "| PostgreSQL CPU ms/cycle",
                        "| instance CPU ms/cycle", "| records = settled")
                .containsPattern("\\| 1 +\\| \\d+ +\\| \\d+ +\\|")
                .contains("over one client (every request locks its row and its account's quota row)",
                        "the best of 2 rounds");
        assertThat(run.err()).contains("round 2 of 2");
        assertThat(Files.readString(file)).contains("<!-- bench:store 1 client -->", "| admit+settle/s")
                .doesNotContain("not-in-the-docs");
    }

    @Test
    void oneInstanceRunsOnTheEmbeddedStoreInADataDirectory() throws Exception {
        BenchRun run = BenchRun.of("store", "--data-dir", dir.resolve("h2").toString(), "--instances", "1",
                "--threads", "2", "--clients", "1", "--duration", "1", "--warmup", "0", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.path("database").asText()).startsWith("H2 ");
        JsonNode step = report.path("steps").path(0);
        assertThat(step.path("operations").asLong()).isPositive();
        assertThat(step.path("recordsWritten").asLong()).isEqualTo(step.path("settled").asLong());
    }

    @Test
    void aJdbcUrlMustBePostgresqlAndTheEmbeddedStoreHasOneInstance() {
        BenchRun h2Url = BenchRun.of("store", "--db", "jdbc:h2:file:/tmp/x");
        BenchRun twoOnH2 = BenchRun.of("store", "--data-dir", dir.toString(), "--instances", "1,2");

        assertThat(h2Url.exitCode()).isEqualTo(2);
        assertThat(h2Url.err()).contains("--db must be a PostgreSQL JDBC URL",
                "several instances share only PostgreSQL; for H2 give --data-dir");
        assertThat(twoOnH2.exitCode()).isEqualTo(2);
        assertThat(twoOnH2.err()).contains("--instances must be 1 with --data-dir (an H2 file is held by one"
                + " process): 2");
    }

    @Test
    void anInstanceCountOutOfRangeIsRefused() {
        BenchRun run = BenchRun.of("store", "--db", "jdbc:postgresql://127.0.0.1:5432/x", "--instances", "1,0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--instances must be counts from 1 to 64: 0");
    }
}
