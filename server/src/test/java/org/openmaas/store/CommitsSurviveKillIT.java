package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit the embedded store acknowledged survives {@code kill -9} of the process, round after round on one data
 * directory that already holds a few hundred records: a child JVM commits through the stores the server uses and
 * prints each acknowledged commit, it is killed while committing, and the next open (the server's start) must find
 * every acknowledged commit. H2's MVStore could reopen such a file at an older chunk than its newest complete one,
 * silently losing the last commits: {@link Database#embedded} writes each commit at once, and H2 2.5.x lost the last
 * one when the commit's chunk reused a dead chunk's space, which the committer makes happen at every commit.
 */
class CommitsSurviveKillIT {

    static final int ROUNDS = 25;
    static final int EXISTING_RECORDS = 300;
    static final String ACCOUNT = "246813579024";

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommitIsThereAfterTheProcessIsKilledWhileCommitting() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // A different number of commits each round, so the kill falls at different points of the file's life.
            int acksBeforeKill = 1 + round * 37 % 200;
            Acknowledged acked = commitUntilKilled(round, acksBeforeKill);

            try (Database database = Database.embedded(dir)) {
                MeteringStore metering = new MeteringStore(database);
                CredentialStore credentials = new CredentialStore(database);
                for (String requestId : acked.requestIds()) {
                    assertThat(metering.record(requestId)).as("round %d: usage record %s, acknowledged before the kill",
                            round, requestId).isPresent();
                }
                assertThat(credentials.findAccount(ACCOUNT).orElseThrow().monthlyGeneratedTokens())
                        .as("round %d: the account's quota, last acknowledged as %d", round, acked.quota())
                        .isGreaterThanOrEqualTo(acked.quota());
            }
        }
    }

    /** What the child printed before it was killed. */
    record Acknowledged(List<String> requestIds, long quota) {
    }

    private Acknowledged commitUntilKilled(int round, int acksBeforeKill) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Committer.class.getName(), dir.toString(),
                Integer.toString(round))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> requestIds = new ArrayList<>();
        long quota = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            while (requestIds.size() < acksBeforeKill) {
                String line = out.readLine();
                assertThat(line).as("round %d: the committer ended after %d commits", round, requestIds.size())
                        .isNotNull();
                if (line.startsWith("ack ")) { // anything else is not ours: a library may print too
                    String[] ack = line.split(" ");
                    requestIds.add(ack[1]);
                    quota = Long.parseLong(ack[2]);
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        return new Acknowledged(requestIds, quota);
    }

    /**
     * The child: opens the store as the server does, fills it on its first run, then commits until killed, each
     * commit a raised quota and a usage record opened at admission, and prints each one once its commit returned.
     */
    public static final class Committer {

        public static void main(String[] args) {
            Path dir = Path.of(args[0]);
            int round = Integer.parseInt(args[1]);
            // RETENTION_TIME=0: H2 reuses a dead chunk's space at once, not only after 45 s, so every round commits over
            // reused space, where H2 2.5.x lost the last acknowledged commit; without it, only a round that outlasted
            // 45 s on a slow machine got there.
            Database database = Database.open(Database.embeddedUrl(dir) + ";RETENTION_TIME=0");
            CredentialStore credentials = new CredentialStore(database);
            MeteringStore metering = new MeteringStore(database);
            if (!credentials.accountExists(ACCOUNT)) {
                credentials.createAccount(ACCOUNT, "kill-check", Instant.now());
                for (int i = 0; i < EXISTING_RECORDS; i++) {
                    metering.admit(record("existing-" + i), state -> Optional.empty());
                }
            }
            for (long commit = 1; ; commit++) {
                long quota = round * 1_000_000L + commit;
                credentials.setMonthlyQuota(ACCOUNT, quota);
                String requestId = "round-" + round + "-" + commit;
                metering.admit(record(requestId), state -> Optional.empty());
                System.out.println("ack " + requestId + " " + quota);
                System.out.flush();
            }
        }

        private static MeteringStore.NewRecord record(String requestId) {
            return new MeteringStore.NewRecord(requestId, ACCOUNT, "kill-check-client", "product", "instance", 12, 100,
                    "2026-12-04", "2026-12", 29_000_000L, Instant.now());
        }
    }
}
