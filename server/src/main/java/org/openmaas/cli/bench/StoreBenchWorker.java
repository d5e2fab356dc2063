package org.openmaas.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;
import org.openmaas.metering.Admission;
import org.openmaas.metering.RequestIds;
import org.openmaas.metering.Ticket;
import org.openmaas.metering.UsageJournal;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.store.MeteringStore;

/**
 * One OpenMaaS instance's metering in a JVM of its own, for {@code bench store}: {@code StoreBenchWorker PHASE.json
 * RESULT.json}. It opens the store as {@code maas serve} does (its own connection pool, its own instance id, the same
 * {@link Admission}, {@link Ticket} and {@link Entitlements}), says {@code ready} on stdout, waits for {@code go} on
 * stdin so that every instance starts together, then runs the admission path of a generation — admit, the first
 * token, settle (the running count reaches the store only 2 s after admission: a cycle this short writes it never, as
 * most generations) — on each of its threads, one request after another, without an engine. When its time
 * is up it says {@code finished} and keeps its connections until stdin closes, so that the CPU time of their server
 * processes can still be read.
 */
public final class StoreBenchWorker {

    /** What each request asks for: the columns are written, their size does not matter. */
    static final String PRODUCT = "maas-model-bench-store";
    private static final int PROMPT_TOKENS = 32;
    private static final int NEW_TOKENS = 64;

    private StoreBenchWorker() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            ObjectMapper json = new ObjectMapper();
            StorePhase phase = json.readValue(Path.of(args[0]).toFile(), StorePhase.class);
            Path result = Path.of(args[1]).toAbsolutePath();
            json.writeValue(result.toFile(), run(phase, result.getParent()));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** @param dir where the instance's usage journal goes (completions that could not reach the store) */
    static StorePhase.Result run(StorePhase phase, Path dir) throws Exception {
        Path journalDir = Files.createDirectories(dir.resolve(phase.instanceId() + ".data"));
        try (Database database = Database.open(phase.db())) {
            Clock clock = Clock.systemUTC();
            MeteringStore metering = new MeteringStore(database);
            Admission admission = new Admission(new Entitlements(new CredentialStore(database), clock), metering,
                    new UsageJournal(journalDir, metering), phase.instanceId(), clock);
            System.out.println("ready");
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String go = stdin.readLine();
            if (!"go".equals(go)) {
                throw new IllegalStateException("expected 'go' on stdin, got " + go);
            }
            long start = System.nanoTime();
            long measureFrom = start + phase.warmupMillis() * 1_000_000;
            long end = measureFrom + phase.measureMillis() * 1_000_000;
            AtomicInteger settledInAll = new AtomicInteger();
            AtomicInteger operations = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<String> firstError = new AtomicReference<>();
            ConcurrentLinkedQueue<Double> admitMs = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Double> operationMs = new ConcurrentLinkedQueue<>();
            try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
                for (int t = 0; t < phase.threads(); t++) {
                    StorePhase.Tenant tenant = phase.tenants().get((phase.firstTenant() + t) % phase.tenants().size());
                    Principal principal = new Principal(tenant.clientId(), tenant.cloudAccountId(),
                            Set.of(Scopes.INFERENCE));
                    threads.submit(() -> {
                        for (long sent = System.nanoTime(); sent < end; sent = System.nanoTime()) {
                            boolean counted = sent >= measureFrom;
                            try {
                                Ticket ticket = admission.admit(RequestIds.next(), principal, PRODUCT,
                                        PROMPT_TOKENS, NEW_TOKENS);
                                long admitted = System.nanoTime();
                                ticket.progress(1);
                                ticket.finished(PROMPT_TOKENS, NEW_TOKENS, "FINISH_REASON_LENGTH");
                                long settled = System.nanoTime();
                                settledInAll.incrementAndGet();
                                if (counted) {
                                    operations.incrementAndGet();
                                    admitMs.add((admitted - sent) / 1e6);
                                    operationMs.add((settled - sent) / 1e6);
                                }
                            } catch (RuntimeException e) {
                                failed.incrementAndGet(); // in the warm-up too: a failure is never hidden
                                firstError.compareAndSet(null, e.toString());
                            }
                        }
                    });
                }
            }
            admission.settleEnded(); // the last window's settlements, which the server commits as it stops
            System.out.println("finished");
            System.out.flush();
            while (stdin.readLine() != null) {
                // until the command has read the CPU times and closes stdin
            }
            return new StorePhase.Result(phase.instanceId(), settledInAll.get(), operations.get(), failed.get(),
                    firstError.get(), admission.journal().pending(), List.copyOf(admitMs), List.copyOf(operationMs));
        }
    }
}
