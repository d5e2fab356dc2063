package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openmaas.accounts.model.Client;
import org.openmaas.auth.Scopes;
import org.openmaas.cli.ServeJvmOptions;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench store}: how many generations per second one PostgreSQL admits and settles for 1, 2, 4, ...
 * OpenMaaS instances, or one instance on its embedded H2 file. Each instance is a separate process ({@link StoreBenchWorker}) with its own connection pool and
 * instance id, running the metering path every generation takes — admit (entitlement, limits, quota reservation, the
 * usage record opened), the first token (whose count reaches the store only 2 s after admission), settle — without
 * an engine, so that the database is what is measured. The clients it loads are its own
 * ({@code bench-store-client-N}, each in its own cloud account), created on first use: point it at a database of its
 * own.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"Measure admit+settle per second on one PostgreSQL with 1, 2, 4, ... OpenMaaS instances, each a"
                + " process of its own running the metering path of a generation (admit, first token,"
                + " settle) without an engine, all at once; or on one instance's embedded H2 store (--data-dir).",
                "It creates its own clients and cloud accounts (bench-store-client-N) on first use and writes a usage"
                        + " record per request: give it a database of its own."})
final class StoreBenchCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an instance may take to finish and write its result after its counted time. */
    private static final long GRACE_SECONDS = 120;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Store store;

    /** Where the instances keep their counters: a PostgreSQL they share, or one instance's H2 file. */
    static final class Store {
        @Option(names = "--db", required = true, paramLabel = "JDBC_URL",
                description = "The PostgreSQL database, e.g. jdbc:postgresql://127.0.0.1:5432/maas_bench?user=postgres.")
        String db;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR",
                description = "Or the embedded H2 store in DIR, opened as `maas serve --data-dir DIR` opens it (one"
                        + " instance only: the file is held by one process).")
        Path dataDir;

        String jdbcUrl() {
            return db != null ? db : Database.embeddedUrl(dataDir);
        }
    }

    @Option(names = "--instances", split = ",", defaultValue = "1,2,4", paramLabel = "N[,N...]",
            description = "Instance counts, one step each (default: ${DEFAULT-VALUE}).")
    List<Integer> instances;

    @Option(names = "--threads", defaultValue = "8",
            description = "Requests each instance keeps in flight (default: ${DEFAULT-VALUE}, its connection pool's"
                    + " size).")
    int threads;

    @Option(names = "--clients", defaultValue = "64",
            description = "Clients the requests spread over, each in its own cloud account (default:"
                    + " ${DEFAULT-VALUE}); 1 puts every request on one client's row and one account's quota.")
    int clients;

    @Option(names = "--duration", defaultValue = "10", description = "Seconds counted per step (default:"
            + " ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds run before counting, per step (default:"
            + " ${DEFAULT-VALUE}).")
    long warmupSeconds;

    @Option(names = "--repeat", defaultValue = "1",
            description = {"Run every step this many times, round after round (1, 2, 4, 1, 2, 4, ...), and report each"
                    + " instance count's best round: on a shared machine other work only slows a round down (default:"
                    + " ${DEFAULT-VALUE})."})
    int repeat;

    @Mixin
    ReportOptions report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        List<StorePhase.Tenant> tenants = new ArrayList<>();
        Machine before = Machine.now();
        List<StoreReport.Step> steps;
        String database;
        // This process's own connection: setting up, counting records, finding the database's server processes.
        try (Database held = Database.open(store.jdbcUrl())) {
            CredentialStore credentials = new CredentialStore(held);
            for (int i = 0; i < clients; i++) {
                tenants.add(tenant(credentials, i));
            }
            database = describe(held);
            if (held.kind() == Database.Kind.POSTGRESQL) {
                steps = bestRounds(held, tenants);
            } else {
                held.close(); // the instance opens the file itself
                steps = bestRounds(null, tenants);
            }
        }
        StoreReport result = new StoreReport(commandLine(), database, threads, clients, warmupSeconds,
                durationSeconds, repeat, before.describe(), before.load(), Machine.now().load(), steps);
        report.publish(spec.commandLine().getOut(), result, result.markdown(),
                "store " + clients + " client" + (clients == 1 ? "" : "s"));
        return steps.stream().allMatch(StoreReport.Step::clean) ? 0 : 1;
    }

    private static String describe(Database database) {
        return database.jdbi().withHandle(h -> database.kind() == Database.Kind.H2
                ? "H2 " + h.createQuery("SELECT H2VERSION()").mapTo(String.class).one() + ", embedded (WRITE_DELAY=0)"
                : "PostgreSQL " + h.createQuery("SHOW server_version").mapTo(String.class).one()
                        + ", synchronous_commit " + h.createQuery("SHOW synchronous_commit").mapTo(String.class).one());
    }

    /**
     * Every step {@link #repeat} times, round after round; each instance count's best round.
     *
     * @param database this process's connection to PostgreSQL, or null for H2, whose file the instance holds
     */
    private List<StoreReport.Step> bestRounds(Database database, List<StorePhase.Tenant> tenants) throws Exception {
        List<StoreReport.Step> steps = new ArrayList<>();
        Path dir = Files.createTempDirectory("maas-bench-store-");
        try {
            String serveOptions = ServeJvmOptions.argumentFileIn(dir);
            for (int round = 1; round <= repeat; round++) {
                for (int i = 0; i < instances.size(); i++) {
                    int n = instances.get(i);
                    spec.commandLine().getErr().printf("bench store: %d instance%s, round %d of %d...%n", n,
                            n == 1 ? "" : "s", round, repeat);
                    StoreReport.Step step = step(database, n, tenants, dir, serveOptions);
                    if (round == 1) {
                        steps.add(step);
                    } else if (steps.get(i).clean() && (!step.clean()
                            || step.operationsPerSecond() > steps.get(i).operationsPerSecond())) {
                        steps.set(i, step); // the best round; a round that went wrong is reported instead of any
                    }
                }
            }
            return steps;
        } finally {
            // Phases, results and logs: a failure's log is already in its message.
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private void validate() {
        if (store.db != null && !store.db.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db?"
                    + "user=...): several instances share only PostgreSQL; for H2 give --data-dir");
        }
        for (int n : instances) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("--instances must be counts from 1 to 64: " + n);
            }
            if (store.dataDir != null && n != 1) {
                throw new IllegalArgumentException("--instances must be 1 with --data-dir (an H2 file is held by one"
                        + " process): " + n);
            }
        }
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1: " + threads);
        if (clients < 1) throw new IllegalArgumentException("--clients must be at least 1: " + clients);
        if (durationSeconds < 1) throw new IllegalArgumentException("--duration must be at least 1: " + durationSeconds);
        if (warmupSeconds < 0) throw new IllegalArgumentException("--warmup must be at least 0: " + warmupSeconds);
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1: " + repeat);
    }

    /** Client {@code i} and its cloud account, created unless an earlier run made them. */
    private static StorePhase.Tenant tenant(CredentialStore store, int i) {
        String account = "9%011d".formatted(i);
        String clientId = "bench-store-client-" + i;
        Instant now = Instant.now();
        if (!store.accountExists(account)) {
            store.createAccount(account, "bench-store-account-" + i, now);
        }
        if (store.findClient(clientId).isEmpty()) {
            // No secret hashes to this: the client is only ever admitted, never authenticated.
            store.createClient(new Client(clientId, account, clientId, "unusable", Set.of(Scopes.INFERENCE), true),
                    now);
        }
        return new StorePhase.Tenant(clientId, account);
    }

    /**
     * Runs {@code n} instances at once and checks the usage records they wrote against the cycles they counted. Each
     * runs with {@code serveOptions}, the JVM options of {@code maas serve}, so its heap and collector are a server's.
     */
    private StoreReport.Step step(Database database, int n, List<StorePhase.Tenant> tenants, Path dir,
                                  String serveOptions) throws Exception {
        long recordsBefore = finishedRecords(database);
        String url = store.jdbcUrl();
        List<Process> processes = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                String instanceId = "bench-store-" + n + "-" + k + "-" + UUID.randomUUID().toString().substring(0, 8);
                StorePhase phase = new StorePhase(url, instanceId, threads, warmupSeconds * 1000,
                        durationSeconds * 1000, tenants, k * threads);
                Path phaseFile = dir.resolve(instanceId + ".phase.json");
                Path resultFile = dir.resolve(instanceId + ".result.json");
                JSON.writeValue(phaseFile.toFile(), phase);
                results.add(resultFile);
                processes.add(new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), serveOptions,
                        "-cp", System.getProperty("java.class.path"),
                        StoreBenchWorker.class.getName(), phaseFile.toString(), resultFile.toString()))
                        .redirectError(dir.resolve(instanceId + ".log").toFile())
                        .start());
            }
            List<BufferedReader> says = new ArrayList<>();
            List<Writer> tell = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                says.add(new BufferedReader(new InputStreamReader(processes.get(k).getInputStream(),
                        StandardCharsets.UTF_8)));
                tell.add(processes.get(k).outputWriter(StandardCharsets.UTF_8));
                expect(says.get(k), "ready", results.get(k));
            }
            for (Writer writer : tell) {
                writer.write("go\n");
                writer.flush();
            }
            // The CPU both sides spend in the counted time: from the warm-up's end until every instance has finished,
            // read while each still holds its connections (their backends' time ends with them).
            List<Long> pids = processes.stream().map(Process::pid).toList();
            Thread.sleep(warmupSeconds * 1000);
            Map<Long, Double> postgresFrom = database == null ? Map.of()
                    : ProcessCpu.postgres(serverProcesses(database));
            double instancesFrom = ProcessCpu.seconds(pids);
            for (int k = 0; k < n; k++) {
                expect(says.get(k), "finished", results.get(k));
            }
            // Asked again: a pool may have opened connections (new backends) meanwhile.
            Map<Long, Double> postgresTo = database == null ? Map.of() : ProcessCpu.postgres(serverProcesses(database));
            double postgresCpu = postgresTo.isEmpty() ? Double.NaN : ProcessCpu.used(postgresFrom, postgresTo);
            double instancesCpu = ProcessCpu.seconds(pids) - instancesFrom;
            for (Writer writer : tell) {
                writer.close(); // the instances may close their pools and exit
            }
            List<StorePhase.Result> found = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Process process = processes.get(k);
                if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException("instance " + k + " of " + n + " failed; its log: "
                            + log(results.get(k)));
                }
                found.add(JSON.readValue(results.get(k).toFile(), StorePhase.Result.class));
            }
            return StoreReport.Step.of(n, durationSeconds, found, finishedRecords(database) - recordsBefore, postgresCpu,
                    instancesCpu);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Waits for an instance to say {@code word}; one that fails closes its stdout first. */
    private static void expect(BufferedReader says, String word, Path result) throws IOException {
        String line = says.readLine();
        if (!word.equals(line)) {
            throw new IllegalStateException("an instance did not say '" + word + "' (it said " + line + "); its log: "
                    + log(result));
        }
    }

    private static String log(Path result) throws IOException {
        Path log = Path.of(result.toString().replace(".result.json", ".log"));
        return Files.exists(log) ? log + "\n" + Files.readString(log) : "none";
    }

    /**
     * Usage records of this benchmark's clients settled as finished: each counted cycle must have written one. With
     * no {@code database} (H2, while no instance holds the file) it opens the store to count.
     */
    private long finishedRecords(Database database) {
        if (database == null) {
            try (Database h2 = Database.open(store.jdbcUrl())) {
                return finishedRecords(h2);
            }
        }
        return database.jdbi().withHandle(h -> h.createQuery("""
                SELECT COUNT(*) FROM usage_records
                WHERE client_id LIKE 'bench-store-client-%' AND status = 'finished'""").mapTo(Long.class).one());
    }

    /**
     * The server processes that work for this database: its backends and the shared ones (WAL writer, checkpointer,
     * background writer), not those of other databases on the same server.
     */
    private static List<Long> serverProcesses(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery("""
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() OR backend_type <> 'client backend'""").mapTo(Long.class).list());
    }

    /** The command as typed, the database URL's parameters (a password, perhaps) left out. */
    private String commandLine() {
        List<String> args = new ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--db") && i + 1 < args.size()) {
                args.set(i + 1, Database.redacted(args.get(i + 1)));
            } else if (args.get(i).startsWith("--db=")) {
                args.set(i, "--db=" + Database.redacted(args.get(i).substring("--db=".length())));
            }
        }
        return spec.root().name() + " " + String.join(" ", args);
    }
}
