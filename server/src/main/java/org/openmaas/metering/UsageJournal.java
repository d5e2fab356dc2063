package org.openmaas.metering;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.accounts.model.StoreUnavailableException;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.MeteringStore.Completion;

/**
 * Usage completions that could not reach the store, appended to a local file and forced to disk before the request
 * answers; replayed into the store once it is back (settling is idempotent: a record closes only once).
 */
public final class UsageJournal {

    static final String FILE_NAME = "usage-journal.ndjson";
    private static final Logger LOG = Logger.getLogger(UsageJournal.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A completion as one journal line. */
    record Entry(String requestId, String status, String finishReason, String errorMessage, Integer promptTokens,
                 int generatedTokens, Long timeToFirstTokenMs, long durationMs, long completedAtMillis) {

        static Entry of(Completion c) {
            return new Entry(c.requestId(), c.status(), c.finishReason(), c.errorMessage(), c.promptTokens(),
                    c.generatedTokens(), c.timeToFirstTokenMs(), c.durationMs(), c.completedAt().toEpochMilli());
        }

        Completion completion() {
            return new Completion(requestId, status, finishReason, errorMessage, promptTokens, generatedTokens,
                    timeToFirstTokenMs, durationMs, Instant.ofEpochMilli(completedAtMillis));
        }
    }

    private final Path file;
    private final MeteringStore store;

    public UsageJournal(Path dataDir, MeteringStore store) {
        this.file = dataDir.resolve(FILE_NAME);
        this.store = store;
    }

    /** Appends {@code completion} and forces it to disk. */
    synchronized void append(Completion completion) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            byte[] line = (JSON.writeValueAsString(Entry.of(completion)) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "usage record " + completion.requestId() + " cannot be journalled to " + file, e);
            throw new UncheckedIOException("cannot write the usage journal " + file, e);
        }
    }

    /** Completions waiting for the store. */
    public synchronized int pending() {
        return lines().size();
    }

    /**
     * Writes the journal's completions into the store, keeping those it could not write.
     *
     * @return how many are still pending
     */
    public synchronized int replay() {
        List<String> lines = lines();
        if (lines.isEmpty()) {
            return 0;
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            try {
                store.complete(JSON.readValue(line, Entry.class).completion());
            } catch (JsonProcessingException e) {
                LOG.severe("dropping an unreadable usage journal line (a torn write?): " + e.getOriginalMessage());
            } catch (RuntimeException e) {
                if (!(e instanceof StoreUnavailableException)) {
                    LOG.log(Level.WARNING, "usage journal replay failed; will retry", e);
                }
                kept.addAll(lines.subList(i, lines.size()));
                break;
            }
        }
        rewrite(kept);
        if (kept.isEmpty()) {
            LOG.info("usage journal replayed: " + lines.size() + " record(s) written to the store");
        }
        return kept.size();
    }

    private List<String> lines() {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the usage journal " + file, e);
        }
    }

    private void rewrite(List<String> kept) {
        try {
            if (kept.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap((String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the usage journal " + file, e);
        }
    }
}
