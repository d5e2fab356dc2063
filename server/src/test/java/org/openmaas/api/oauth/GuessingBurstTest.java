package org.openmaas.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestDatabase;
import org.openmaas.testing.TestServer;

/**
 * A burst of concurrent wrong secrets for one client gets no more of them checked than the per-client limit, on one
 * instance or spread over several sharing a database: each attempt is reserved before its secret is checked.
 */
class GuessingBurstTest {

    static final int BURST = 60;

    // The start of a minute that the clock never leaves: the whole burst falls into one window.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final List<TestServer> servers = new ArrayList<>();
    private TestDatabase db;

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
        if (db != null) {
            db.close();
        }
    }

    @Test
    void oneInstanceOnH2ChecksNoMoreWrongSecretsThanTheLimit() throws Exception {
        db = TestDatabase.fresh(TestDatabase.Kind.H2);
        TestServer only = instance("only");

        Map<Integer, Long> statuses = burst(List.of(only));

        assertThat(statuses).containsOnlyKeys(401, 429);
        assertThat(statuses.get(401)).isEqualTo(GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE);
    }

    @Test
    void twoInstancesOnOnePostgreSqlCheckNoMoreWrongSecretsTogetherThanTheLimit() throws Exception {
        db = TestDatabase.fresh(TestDatabase.Kind.POSTGRESQL);
        TestServer a = instance("a");
        TestServer b = instance("b");

        Map<Integer, Long> statuses = burst(List.of(a, b));

        assertThat(statuses).containsOnlyKeys(401, 429);
        assertThat(statuses.get(401)).isEqualTo(GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE);
    }

    private TestServer instance(String name) throws IOException {
        TestServer server = TestServer.servingIn(Files.createDirectories(db.dir().resolve(name)),
                db.kind() == TestDatabase.Kind.H2 ? Optional.empty() : Optional.of(db.url()), clock,
                TestServer.SHUTDOWN_GRACE, TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
        servers.add(server);
        return server;
    }

    /** {@value #BURST} wrong secrets for the bootstrap client, released at once and spread over {@code targets}. */
    private static Map<Integer, Long> burst(List<TestServer> targets) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < BURST; i++) {
                TestServer target = targets.get(i % targets.size());
                String secret = "wrong-" + i;
                answers.add(callers.submit(() -> {
                    start.await();
                    return target.tokenRequest("grant_type=client_credentials",
                            TestServer.basic(TestServer.CLIENT_ID, secret)).statusCode();
                }));
            }
            start.countDown();
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        return statuses.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
