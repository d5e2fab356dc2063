package org.openmaas.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes a complete GGUF model with random weights that llama.cpp loads and runs, of the Llama architecture or of
 * Qwen3 or Gemma 3 ({@link Architecture}): for tests that need a real model but no download, and for benchmarks, where
 * the cost of running a model does not depend on what its weights learned. The same spec and seed always give the same
 * file.
 *
 * <p>The vocabulary is SentencePiece ("llama"): id 0 {@code <unk>}, 1 {@code <s>} (BOS), 2 {@code </s>} (EOS),
 * 3–258 the byte tokens {@code <0x00>}..{@code <0xFF>}, then ASCII word pieces with {@code ▁} for a space. Every
 * non-ASCII character tokenizes to its UTF-8 bytes, so prompts and generations easily contain tokens that end inside
 * a multi-byte character (and, the weights being random, byte sequences that are not valid UTF-8 at all).
 */
public final class RandomLlama {

    /**
     * The shape of a model. Head dimension is {@code embeddingLength / headCount}.
     *
     * @param vocabularySize total tokens: with the built-in vocabulary at least 259 (three specials and 256 byte
     *                       tokens); with a {@code tokenizer}, its token count
     * @param chatTemplate   stored as {@code tokenizer.chat_template}, or null for none
     * @param tokenizer      the {@code tokenizer.*} metadata of a real model's tokenizer ({@link #withTokenizerOf}),
     *                       or empty for the built-in SentencePiece vocabulary
     * @param pooling        stored as {@code {arch}.pooling_type}, which makes llama.cpp pool an embedding per text
     *                       ({@link Pooling#NONE}: not stored, a generative model)
     */
    public record Spec(String name, int vocabularySize, int embeddingLength, int blockCount, int headCount,
                       int headCountKv, int feedForwardLength, int contextLength, TensorType type, long seed,
                       String chatTemplate, Architecture architecture, Map<String, GgufValue> tokenizer,
                       Pooling pooling) {

        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(pooling, "pooling");
            tokenizer = Collections.unmodifiableMap(new LinkedHashMap<>(tokenizer));
            requirePositive("embeddingLength", embeddingLength);
            requirePositive("blockCount", blockCount);
            requirePositive("headCount", headCount);
            requirePositive("headCountKv", headCountKv);
            requirePositive("feedForwardLength", feedForwardLength);
            requirePositive("contextLength", contextLength);
            if (!tokenizer.isEmpty()) {
                int tokens = tokenCount(tokenizer);
                if (vocabularySize != tokens) {
                    throw new IllegalArgumentException("vocabularySize " + vocabularySize + " must be the tokenizer's "
                            + tokens + " tokens");
                }
            } else if (vocabularySize < SentencePieceVocabulary.FIRST_PIECE_ID) {
                throw new IllegalArgumentException("vocabularySize must be at least "
                        + SentencePieceVocabulary.FIRST_PIECE_ID + " (3 special and 256 byte tokens), not " + vocabularySize);
            }
            if (embeddingLength % headCount != 0 || (embeddingLength / headCount) % 2 != 0) {
                throw new IllegalArgumentException("embeddingLength " + embeddingLength + " must split into " + headCount
                        + " heads of an even size (RoPE rotates pairs)");
            }
            if (headCount % headCountKv != 0) {
                throw new IllegalArgumentException("headCount " + headCount + " must be a multiple of headCountKv " + headCountKv);
            }
            if (fileType(type) < 0) {
                throw new IllegalArgumentException("type must be F32, F16, Q8_0 or Q4_0, not " + type);
            }
            if (embeddingLength % type.blockSize() != 0 || feedForwardLength % type.blockSize() != 0) {
                throw new IllegalArgumentException("embeddingLength " + embeddingLength + " and feedForwardLength "
                        + feedForwardLength + " must be multiples of " + type.blockSize() + ", the " + type + " block size");
            }
        }

        /** A generative model. */
        public Spec(String name, int vocabularySize, int embeddingLength, int blockCount, int headCount, int headCountKv,
                    int feedForwardLength, int contextLength, TensorType type, long seed, String chatTemplate,
                    Architecture architecture, Map<String, GgufValue> tokenizer) {
            this(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv, feedForwardLength,
                    contextLength, type, seed, chatTemplate, architecture, tokenizer, Pooling.NONE);
        }

        /** With the built-in SentencePiece vocabulary. */
        public Spec(String name, int vocabularySize, int embeddingLength, int blockCount, int headCount, int headCountKv,
                    int feedForwardLength, int contextLength, TensorType type, long seed, String chatTemplate,
                    Architecture architecture) {
            this(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv, feedForwardLength,
                    contextLength, type, seed, chatTemplate, architecture, Map.of());
        }

        /** A Llama with the built-in SentencePiece vocabulary. */
        public Spec(String name, int vocabularySize, int embeddingLength, int blockCount, int headCount, int headCountKv,
                    int feedForwardLength, int contextLength, TensorType type, long seed, String chatTemplate) {
            this(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv, feedForwardLength,
                    contextLength, type, seed, chatTemplate, Architecture.LLAMA);
        }

        /** About 160 K parameters, 0.7 MB in F32: loads and decodes in milliseconds. */
        public static Spec tiny() {
            return new Spec("random-llama-tiny", 512, 64, 2, 4, 2, 192, 512, TensorType.F32, 1, null);
        }

        /** About 340 M parameters, 360 MB in Q8_0, a vocabulary of 32000: a realistic cost per token for benchmarks. */
        public static Spec benchmark() {
            return new Spec("random-llama-bench", 32000, 1024, 24, 16, 4, 2816, 4096, TensorType.Q8_0, 1, null);
        }

        public Spec withName(String name) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        public Spec withType(TensorType type) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        public Spec withSeed(long seed) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        public Spec withContextLength(int contextLength) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        public Spec withChatTemplate(String chatTemplate) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        /**
         * The same model with a named variant of its chat template, {@code tokenizer.chat_template.<variant>} (Hermes 2 Pro
         * and 3 carry {@code tool_use} beside their default), written among the tokenizer's keys: needs a tokenizer
         * from {@link #withTokenizerOf}.
         */
        public Spec withNamedChatTemplate(String variant, String source) {
            if (tokenizer.isEmpty()) {
                throw new IllegalStateException("a named chat template is written with a tokenizer: call withTokenizerOf "
                        + "first");
            }
            Map<String, GgufValue> keys = new LinkedHashMap<>(tokenizer);
            keys.put("tokenizer.chat_template." + variant, GgufValue.string(source));
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, keys, pooling);
        }

        public Spec withArchitecture(Architecture architecture) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        /**
         * The same model with the tokenizer of {@code vocabulary} (a real model's GGUF, or one of llama.cpp's
         * vocabulary-only {@code ggml-vocab-*.gguf}): every {@code tokenizer.*} key but its chat templates, and the
         * vocabulary size it defines. Prompts then tokenize exactly as for that model, and the output layer has its
         * width, which is what a real vocabulary costs per token.
         */
        public Spec withTokenizerOf(GgufReader vocabulary) {
            Map<String, GgufValue> keys = new LinkedHashMap<>();
            vocabulary.metadata().forEach((key, value) -> {
                if (key.startsWith("tokenizer.") && !key.startsWith("tokenizer.chat_template")) keys.put(key, value);
            });
            if (!keys.containsKey("tokenizer.ggml.tokens")) {
                throw new IllegalArgumentException(vocabulary.path() + " has no tokenizer.ggml.tokens: not a vocabulary");
            }
            return new Spec(name, tokenCount(keys), embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, keys, pooling);
        }

        private static int tokenCount(Map<String, GgufValue> tokenizer) {
            if (!(tokenizer.get("tokenizer.ggml.tokens") instanceof GgufValue.Array tokens)) {
                throw new IllegalArgumentException("tokenizer.ggml.tokens must be an array of strings");
            }
            return tokens.elements().size();
        }

        public Spec withPooling(Pooling pooling) {
            return new Spec(name, vocabularySize, embeddingLength, blockCount, headCount, headCountKv,
                    feedForwardLength, contextLength, type, seed, chatTemplate, architecture, tokenizer, pooling);
        }

        public int headDimension() {
            return embeddingLength / headCount;
        }

        /** Width of the K and V projections: grouped-query attention shares each KV head among several query heads. */
        public int embeddingLengthKv() {
            return headDimension() * headCountKv;
        }

        public long parameterCount() {
            long n = embeddingLength;
            long perBlock = 2 * n                                  // attention and FFN norms
                    + 2 * n * n + 2 * n * embeddingLengthKv()      // Q, output; K, V
                    + 3 * n * feedForwardLength                    // gate, up, down
                    + (architecture.queryKeyNorms() ? 2L * headDimension() : 0)
                    + (architecture.postNorms() ? 2 * n : 0);
            long outputs = architecture.tiedOutput() ? 1 : 2;      // embeddings, and the output projection unless tied
            return outputs * n * vocabularySize + n + blockCount * perBlock;
        }

        private static void requirePositive(String field, int value) {
            if (value < 1) throw new IllegalArgumentException(field + " must be positive, not " + value);
        }
    }

    // Weights are N(0, gain² / fan-in) so every projection keeps its input's scale. The output projection's gain sets
    // the logits' standard deviation: trained models are peaked (stories260K: 6.6, top probability 0.97); 4 gives top
    // probabilities around 0.2-0.5, so greedy rarely hinges on a near-tie and sampling still varies.
    private static final double PROJECTION_GAIN = 1;
    private static final double OUTPUT_GAIN = 4;
    private static final double EMBEDDING_STD = 1;
    private static final float RMS_EPSILON = 1e-5f;

    private RandomLlama() {
    }

    /** Writes the model of {@code spec} to {@code target}, atomically. */
    public static void write(Spec spec, Path target) throws IOException {
        GgufWriter writer = new GgufWriter();
        putMetadata(spec, writer);
        long n = spec.embeddingLength();
        long nKv = spec.embeddingLengthKv();
        long nFf = spec.feedForwardLength();
        Tensors tensors = new Tensors(writer, spec.type(), spec.seed());
        Architecture architecture = spec.architecture();
        // Tied to the output projection, the embeddings get its scale: the logits' spread depends on it.
        tensors.random("token_embd.weight", architecture.tiedOutput() ? OUTPUT_GAIN / Math.sqrt(n) : EMBEDDING_STD, n,
                spec.vocabularySize());
        tensors.ones("output_norm.weight", n);
        if (!architecture.tiedOutput()) {
            tensors.projection("output.weight", OUTPUT_GAIN, n, spec.vocabularySize());
        }
        for (int b = 0; b < spec.blockCount(); b++) {
            String block = "blk." + b + ".";
            tensors.ones(block + "attn_norm.weight", n);
            tensors.projection(block + "attn_q.weight", PROJECTION_GAIN, n, n);
            tensors.projection(block + "attn_k.weight", PROJECTION_GAIN, n, nKv);
            tensors.projection(block + "attn_v.weight", PROJECTION_GAIN, n, nKv);
            if (architecture.queryKeyNorms()) {
                tensors.ones(block + "attn_q_norm.weight", spec.headDimension());
                tensors.ones(block + "attn_k_norm.weight", spec.headDimension());
            }
            tensors.projection(block + "attn_output.weight", PROJECTION_GAIN, n, n);
            if (architecture.postNorms()) {
                tensors.ones(block + "post_attention_norm.weight", n);
            }
            tensors.ones(block + "ffn_norm.weight", n);
            tensors.projection(block + "ffn_gate.weight", PROJECTION_GAIN, n, nFf);
            tensors.projection(block + "ffn_up.weight", PROJECTION_GAIN, n, nFf);
            tensors.projection(block + "ffn_down.weight", PROJECTION_GAIN, nFf, n);
            if (architecture.postNorms()) {
                tensors.ones(block + "post_ffw_norm.weight", n);
            }
        }
        writer.write(target);
    }

    private static void putMetadata(Spec spec, GgufWriter writer) {
        String arch = spec.architecture().key();
        writer.put("general.architecture", GgufValue.string(arch))
                .put("general.name", GgufValue.string(spec.name()))
                .put("general.file_type", GgufValue.u32(fileType(spec.type())))
                .put(arch + ".vocab_size", GgufValue.u32(spec.vocabularySize()))
                .put(arch + ".context_length", GgufValue.u32(spec.contextLength()))
                .put(arch + ".embedding_length", GgufValue.u32(spec.embeddingLength()))
                .put(arch + ".block_count", GgufValue.u32(spec.blockCount()))
                .put(arch + ".feed_forward_length", GgufValue.u32(spec.feedForwardLength()))
                .put(arch + ".attention.head_count", GgufValue.u32(spec.headCount()))
                .put(arch + ".attention.head_count_kv", GgufValue.u32(spec.headCountKv()))
                .put(arch + ".rope.dimension_count", GgufValue.u32(spec.headDimension()))
                .put(arch + ".attention.layer_norm_rms_epsilon", GgufValue.f32(RMS_EPSILON));
        if (spec.architecture() != Architecture.LLAMA) {
            // Their converters always write the head size, which real Qwen3 and Gemma 3 models choose freely.
            writer.put(arch + ".attention.key_length", GgufValue.u32(spec.headDimension()))
                    .put(arch + ".attention.value_length", GgufValue.u32(spec.headDimension()));
        }
        if (spec.pooling() != Pooling.NONE) {
            writer.put(arch + ".pooling_type", GgufValue.u32(spec.pooling().value()));
        }
        if (spec.architecture() == Architecture.GEMMA3) {
            writer.put(arch + ".attention.sliding_window", GgufValue.u32(Architecture.GEMMA3_SLIDING_WINDOW));
        }

        if (!spec.tokenizer().isEmpty()) {
            spec.tokenizer().forEach(writer::put);
        } else {
            putSentencePiece(spec.vocabularySize(), writer);
        }
        if (spec.chatTemplate() != null) writer.put("tokenizer.chat_template", GgufValue.string(spec.chatTemplate()));
    }

    private static void putSentencePiece(int vocabularySize, GgufWriter writer) {
        List<String> tokens = SentencePieceVocabulary.tokens(vocabularySize);
        float[] scores = new float[tokens.size()];
        int[] types = new int[tokens.size()];
        for (int id = 0; id < tokens.size(); id++) {
            scores[id] = SentencePieceVocabulary.score(id, tokens.get(id));
            types[id] = SentencePieceVocabulary.tokenType(id);
        }
        writer.put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.strings(tokens))
                .put("tokenizer.ggml.scores", GgufValue.f32s(scores))
                .put("tokenizer.ggml.token_type", GgufValue.i32s(types))
                .put("tokenizer.ggml.unknown_token_id", GgufValue.u32(SentencePieceVocabulary.UNKNOWN_ID))
                .put("tokenizer.ggml.bos_token_id", GgufValue.u32(SentencePieceVocabulary.BOS_ID))
                .put("tokenizer.ggml.eos_token_id", GgufValue.u32(SentencePieceVocabulary.EOS_ID));
    }

    /** llama.cpp's {@code llama_ftype} for a model whose matrices are all {@code type}; -1 for unsupported types. */
    private static int fileType(TensorType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            default -> -1;
        };
    }

    /** Adds tensors to a writer, each with its own random stream so that no tensor's values depend on another's. */
    private static final class Tensors {
        private final GgufWriter writer;
        private final TensorType type;
        private final long seed;
        private int count;

        Tensors(GgufWriter writer, TensorType type, long seed) {
            this.writer = writer;
            this.type = type;
            this.seed = seed;
        }

        /** Norm weights: F32 like every converter writes them, and ones so the norm only normalizes. */
        void ones(String name, long length) {
            writer.tensor(name, TensorType.F32, (row, values) -> Arrays.fill(values, 1f), length);
        }

        void projection(String name, double gain, long rowLength, long rows) {
            random(name, gain / Math.sqrt(rowLength), rowLength, rows);
        }

        void random(String name, double std, long rowLength, long rows) {
            long tensorSeed = mix(seed + mix(++count));
            writer.tensor(name, type, (row, values) -> {
                // A stream per row keeps the values independent of the order or number of times rows are pulled.
                SplittableRandom random = new SplittableRandom(mix(tensorSeed + row));
                for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * std);
            }, rowLength, rows);
        }

        /** SplitMix64's finalizer: nearby inputs give unrelated seeds, so the per-row streams do not overlap. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
