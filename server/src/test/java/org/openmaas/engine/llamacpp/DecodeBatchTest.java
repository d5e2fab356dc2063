package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Java-allocated llama_batch decoded in a real context, several sequences at once.
 *
 * <p>Decoding happens on a thread that ends with the test, as the engine's thread ends with the engine: a thread that
 * has decoded keeps an OpenMP team while it lives, and once the JVM holds more OpenMP threads than cores, libgomp
 * throttles its spin-waits and every later decode slows down about tenfold (measured on this model).
 */
class DecodeBatchTest {

    private static final int CELLS = 512; // llama.cpp's n_batch is at most the cells asked for

    private LlamaModel model;
    private MemorySegment context;
    private Arena arena;
    private DecodeBatch batch;

    @BeforeEach
    void createContext() throws Exception {
        model = LlamaModel.load(GeneratedModel.path(), null);
        context = StepLoop.createContext(model, new LlamaEngine.Config(model.file(), 0, 1, 4, 512, 64, null), CELLS, 4);
        arena = Arena.ofShared(); // filled and decoded on another thread
        batch = new DecodeBatch(arena, ContextBindings.N_CTX.call(context)); // llama.cpp may round the cells up
    }

    @AfterEach
    void free() {
        if (context != null) {
            ContextBindings.FREE.call(context);
            arena.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void aBatchOfSeveralSequencesGivesLogitsForTheTokensThatAskedForThem() throws Exception {
        onThreadOfItsOwn(() -> {
            fill(0, 5);
            fill(1, 7);

            assertThat(batch.decode(context)).isZero();
            assertThat(BatchBindings.GET_LOGITS_ITH.call(context, 4)).isNotEqualTo(MemorySegment.NULL);
            assertThat(BatchBindings.GET_LOGITS_ITH.call(context, 11)).isNotEqualTo(MemorySegment.NULL);
        });
    }

    @Test
    void everySequenceHasAStreamOfItsOwnThatNoOtherSequenceCanFillOrTakeFrom() throws Exception {
        onThreadOfItsOwn(() -> {
            // 512 cells for 4 sequences: llama.cpp rounds each stream up to 256 cells.
            int stream = ContextBindings.N_CTX.call(context) / 4;
            assertThat(stream).isEqualTo(256);

            fill(0, stream);
            assertThat(batch.decode(context)).as("a full stream").isZero();
            batch.clear();
            fill(1, stream);
            assertThat(batch.decode(context)).as("another full stream beside it").isZero();
            batch.clear();
            fill(2, stream + 1);
            assertThat(batch.decode(context)).as("one token more than a stream, with two streams free").isEqualTo(1);
        });
    }

    /** Runs {@code body} on a new thread and waits for it; an assertion failing there fails the test. */
    private static void onThreadOfItsOwn(Runnable body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.join();
        if (failure[0] instanceof Error error) {
            throw error;
        }
        if (failure[0] instanceof Exception exception) {
            throw exception;
        }
    }

    /** Adds {@code count} prompt tokens of sequence {@code seq} to the batch, logits for the last. */
    private void fill(int seq, int count) {
        int[] tokens = model.tokenize("Once upon a time there was a little girl named Lily who loved to play.", false);
        for (int i = 0; i < count; i++) {
            batch.add(tokens[i % tokens.length], i, seq, i == count - 1);
        }
    }
}
