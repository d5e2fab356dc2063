package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Token;

/**
 * Turns the logits a decode left for one sequence into its next token and the event that carries it: samples with
 * the sequence's chain, computes the token's log-probability (when the request wants it) and its top
 * alternatives', adds the token to the sequence's {@link Transcript} and publishes a
 * {@link GenerationEvent.TokenGenerated}, or a {@link GenerationEvent.Finished} when the transcript says the generation
 * ends. Retiring the sequence is left to the {@link StepLoop}, which {@link Outcome} tells whether to.
 *
 * <p>Owned and used by the engine thread only (its {@code StepLoop}'s).
 */
final class TokenEmitter {

    /** What became of the sequence. */
    enum Outcome {
        /** It has its next token and goes on. */
        GENERATING,
        /** It finished (its last event went out) or was cancelled (no event then): its cells hold what it decoded. */
        ENDED,
        /** Its logits were lost and a failure went out instead: its cells are not to be kept. */
        FAILED
    }

    private final Vocabulary vocabulary;

    TokenEmitter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** Samples the sequence's next token from the logits at {@code batchIndex} and publishes it. */
    Outcome emit(Sequence sequence, int batchIndex) {
        MemorySegment row = BatchBindings.GET_LOGITS_ITH.call(sequence.context, batchIndex);
        if (row.equals(MemorySegment.NULL)) {
            sequence.generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL,
                    "the engine lost this request's logits"));
            return Outcome.FAILED;
        }
        int vocabSize = vocabulary.size();
        // The row belongs to the context and stays as it is until the next decode: everything below reads it there.
        MemorySegment logits = row.reinterpret(JAVA_FLOAT.byteSize() * vocabSize);
        // A logprob costs an exp over the whole vocabulary, so only the requests that show one pay for it (Llama 3's
        // 128 256 logits on an AVX-512 EPYC: 52-57 µs with the normalizer, 8-9 µs for the argmax alone, about 0.5% of
        // a step of 8 sequences). A reproducible request's logprobs must not depend on when the JIT compiled the SIMD
        // pass: the Vector API's exp differs in the last bit between its compiled and interpreted forms, Math.exp
        // does not.
        LogProbabilities.Summary summary = !sequence.request.logprobs()
                ? LogProbabilities.argmaxOnly(logits, vocabSize)
                : sequence.request.reproducible()
                ? LogProbabilities.scalarSummarize(logits, vocabSize)
                : LogProbabilities.summarize(logits, vocabSize);
        int token = sequence.sampler.sample(sequence.context, batchIndex, logits, summary.argmax());
        if (sequence.generation.isCancelled()) {
            return Outcome.ENDED; // no event after cancel()
        }
        if (token < 0) {
            sequence.generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.REJECTED,
                    "the output constraint allows no token of this model's vocabulary after "
                            + sequence.transcript.generatedTokens() + " generated tokens"));
            return Outcome.FAILED;
        }
        GenerationRequest request = sequence.request;
        List<Token> alternatives = new ArrayList<>(request.topNTokens());
        for (int id : LogProbabilities.topIds(logits, vocabSize, request.topNTokens())) {
            alternatives.add(new Token(id, vocabulary.pieceText(id), logprob(logits, id, summary),
                    vocabulary.isSpecial(id)));
        }
        Transcript.Step step = sequence.transcript.append(token, logprob(logits, token, summary));
        GenerationEvent.TokenGenerated generated = new GenerationEvent.TokenGenerated(step.token(), alternatives);
        if (step.finish() == null) {
            sequence.generation.publish(generated);
            sequence.setNextToken(token);
            return Outcome.GENERATING;
        }
        OptionalLong seed = request.sampling().sample() ? OptionalLong.of(request.sampling().seed()) : OptionalLong.empty();
        sequence.generation.publish(new GenerationEvent.Finished(generated, step.finish(), request.promptTokens().length,
                sequence.transcript.generatedTokens(), sequence.transcript.text(), seed));
        return Outcome.ENDED;
    }

    private static float logprob(MemorySegment logits, int id, LogProbabilities.Summary summary) {
        return (float) (logits.getAtIndex(JAVA_FLOAT, id) - summary.logNormalizer());
    }
}
