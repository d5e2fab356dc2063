package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openmaas.chat.template.ChatTemplate;
import org.openmaas.chat.template.TemplateException;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;

/**
 * A GGUF model loaded into llama.cpp (memory-mapped) with everything the engine needs to know about it read once:
 * name, trained context, chat template, and every token's bytes and kind. Immutable once loaded and safe to use
 * from any thread; {@link #close()} frees the native model, after which {@link #tokenize} fails.
 */
public final class LlamaModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LlamaModel.class.getName());
    // llama_model_create's refusal (src/llama-model.cpp), the one place llama.cpp says it lacks an architecture
    private static final Pattern UNKNOWN_ARCHITECTURE = Pattern.compile("unknown model architecture: '([^']*)'");

    private final Path file;
    private final MemorySegment model;  // llama_model *: owned here, freed by close() with llama_model_free
    private final MemorySegment vocab;  // const llama_vocab *: owned by `model`, valid until close()
    private final String name;
    private final int trainedContextLength;
    private final long bytes;           // of all its tensors
    private final long kvValuesPerToken; // one token's K and V values in every layer
    private final boolean addBos;
    private final int bos;
    private final Vocabulary vocabulary;
    private final boolean addEos;
    private final String bosText;       // BOS and EOS as the chat template sees them: "" when the vocabulary has none
    private final String eosText;
    private final ChatRenderer chatRenderer; // null when no template works
    private final ChatRenderer.Jinja toolUseRenderer; // the GGUF's tool_use variant, for chats with tools; null if none

    // tokenize() reads the native vocabulary: close() must wait for running calls and fail later ones.
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private LlamaModel(Path file, MemorySegment model, String chatTemplateOverride) {
        this.file = file;
        this.model = model;
        this.vocab = ModelBindings.GET_VOCAB.call(model);
        this.name = metaString("general.name");
        this.trainedContextLength = ModelBindings.N_CTX_TRAIN.call(model);
        this.bytes = ModelBindings.SIZE.call(model);
        // Grouped-query attention: K and V have n_head_kv heads of the key length each (n_embd / n_head unless the
        // GGUF says otherwise, as Qwen3's and Gemma 3's do).
        String architecture = metaString("general.architecture");
        String keyLength = architecture == null ? null : metaString(architecture + ".attention.key_length");
        long headDimension = keyLength != null ? Long.parseLong(keyLength)
                : (long) ModelBindings.N_EMBD.call(model) / ModelBindings.N_HEAD.call(model);
        this.kvValuesPerToken = ModelBindings.N_LAYER.call(model) * 2 * headDimension * ModelBindings.N_HEAD_KV.call(model);
        this.addBos = VocabBindings.GET_ADD_BOS.call(vocab);
        this.bos = VocabBindings.BOS.call(vocab);
        this.addEos = VocabBindings.GET_ADD_EOS.call(vocab);
        this.vocabulary = readVocabulary();
        this.bosText = tokenText(bos);
        this.eosText = tokenText(VocabBindings.EOS.call(vocab));
        // As llama.cpp's common_chat_templates_init: a configured template replaces both of the GGUF's, and a GGUF
        // with only the tool_use variant renders every conversation with it.
        String toolUse = chatTemplateOverride == null ? ownChatTemplate("tool_use") : null;
        String own = chatTemplateOverride == null ? ownChatTemplate(null) : null;
        this.chatRenderer = chooseChatRenderer(chatTemplateOverride, own != null ? own : toolUse);
        this.toolUseRenderer = toolUse == null || own == null ? null : toolUseRenderer(toolUse);
    }

    /**
     * Who renders conversations: the project's Jinja engine, with the model's template or a configured one, or, for a
     * built-in template name or a template the engine cannot compile, llama.cpp's {@code llama_chat_apply_template},
     * which knows common families by heuristics but not tools.
     */
    private sealed interface ChatRenderer {
        /** @param source the template's text, which tells the family whose tool-call markup the model writes */
        record Jinja(String source, ChatTemplate template) implements ChatRenderer {
        }

        record BuiltIn(String template) implements ChatRenderer {
        }
    }

    /** Loads {@code file} on the CPU: see {@link #load(Path, String, int)}. */
    public static LlamaModel load(Path file, String chatTemplateOverride) throws IOException {
        return load(file, chatTemplateOverride, 0);
    }

    /**
     * Loads {@code file} (memory-mapped where llama.cpp can), loading llama.cpp first if this is the first model.
     *
     * @param chatTemplateOverride a built-in template name such as {@code chatml} or a Jinja template source used
     *                             instead of the GGUF's own; null to use the GGUF's
     * @param gpuLayers            layers to offload to the GPU of a GPU build: 0 none, -1 all
     * @throws IOException when the file is missing or llama.cpp cannot load it (the reason is in the log)
     * @throws IllegalArgumentException when llama.cpp does not know {@code chatTemplateOverride} as a name, or it is a
     *                                  Jinja template that does not compile
     * @throws IllegalStateException when llama.cpp itself cannot be loaded (the message says how to get it)
     */
    public static LlamaModel load(Path file, String chatTemplateOverride, int gpuLayers) throws IOException {
        MemorySegment model = loadNative(file, gpuLayers, false);
        try {
            return new LlamaModel(file, model, chatTemplateOverride);
        } catch (RuntimeException e) {
            ModelBindings.FREE.call(model);
            throw e;
        }
    }

    /**
     * Checks that llama.cpp can read {@code file}'s header and vocabulary, its architecture among them, without
     * loading a tensor: a start refuses a model it cannot serve before it writes anything.
     *
     * @throws UnsupportedArchitectureException when this llama.cpp does not know the file's architecture
     * @throws IOException                      when the file is missing or llama.cpp refuses it for another reason
     */
    public static void probe(Path file) throws IOException {
        ModelBindings.FREE.call(loadNative(file, 0, true));
    }

    private static MemorySegment loadNative(Path file, int gpuLayers, boolean vocabOnly) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        NativeLibrary.Opened library = LlamaLibrary.load();
        MemorySegment model;
        NativeLog.clearErrors();
        try (Arena arena = Arena.ofConfined()) { // params and path: only needed during the call
            MemorySegment params = ModelBindings.DEFAULT_PARAMS.call(arena);
            params.set(JAVA_INT, ModelBindings.PARAMS_N_GPU_LAYERS, gpuLayers);
            params.set(JAVA_BOOLEAN, ModelBindings.PARAMS_VOCAB_ONLY, vocabOnly);
            if (!vocabOnly && BackendBindings.repacksIntoAmx()) {
                // A mapped file keeps the pages the AMX copies were made from resident in this process: the model
                // counted twice in its RSS (measured on the benchmark model: 968 MiB mapped, 665 read).
                params.set(JAVA_INT, ModelBindings.PARAMS_LOAD_MODE, ModelBindings.LOAD_MODE_READ);
            }
            model = ModelBindings.LOAD_FROM_FILE.call(arena.allocateFrom(file.toAbsolutePath().toString()), params);
        }
        if (model.equals(MemorySegment.NULL)) {
            List<String> said = NativeLog.errors();
            for (String line : said) {
                Matcher unknown = UNKNOWN_ARCHITECTURE.matcher(line);
                if (unknown.find()) {
                    throw new UnsupportedArchitectureException(file, unknown.group(1),
                            "libllama " + BackendBindings.version() + " from " + library.llama());
                }
            }
            throw new IOException("llama.cpp could not load " + file
                    + (said.isEmpty() ? " (its log says why)" : ": " + String.join("; ", said)));
        }
        return model;
    }

    public Path file() {
        return file;
    }

    /** The GGUF's {@code general.name}, or null when it has none. */
    public String name() {
        return name;
    }

    public int trainedContextLength() {
        return trainedContextLength;
    }

    /** Bytes of the model's tensors: what every decode step reads. */
    long bytes() {
        return bytes;
    }

    /** KV cache bytes one token takes (K and V, every layer) in a cache of {@code type}. */
    long kvBytesPerToken(KvCacheType type) {
        return type.bytes(kvValuesPerToken);
    }

    /** The length of the vectors the model outputs: an embedding's. */
    int embeddingLength() {
        return ModelBindings.N_EMBD_OUT.call(handle());
    }

    public int vocabSize() {
        return vocabulary.size();
    }

    public boolean hasChatTemplate() {
        return chatRenderer != null;
    }

    /**
     * The chat template that renders {@code chat}: its source, or a llama.cpp built-in template's name; empty when none
     * works. A conversation with tools is rendered by the GGUF's {@code tokenizer.chat_template.tool_use} when it has
     * one (Hermes 2 Pro and 3 do, beside a default without tools), as llama-server renders it.
     */
    public Optional<String> chatTemplate(Prompt.Chat chat) {
        return switch (renderer(chat)) {
            case null -> Optional.empty();
            case ChatRenderer.Jinja jinja -> Optional.of(jinja.source());
            case ChatRenderer.BuiltIn builtIn -> Optional.of(builtIn.template());
        };
    }

    /**
     * Token ids of {@code text}, starting with BOS when the vocabulary asks for one.
     *
     * @param parseSpecial whether text such as {@code </s>} becomes the special token rather than plain text
     */
    public int[] tokenize(String text, boolean parseSpecial) {
        return tokenize(text, parseSpecial, false);
    }

    /**
     * Token ids of {@code text}: with {@code vocabularySpecials}, as llama.cpp's embedding tools tokenize an input, with
     * every special token the vocabulary adds around a text (BERT's {@code [CLS]} and {@code [SEP]}, an EOS some
     * pool on); without, only the BOS a prompt starts with.
     */
    int[] tokenize(String text, boolean parseSpecial, boolean vocabularySpecials) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            try (Arena arena = Arena.ofConfined()) { // text and token buffers: only needed during this call
                MemorySegment nativeText = arena.allocate(Math.max(1, utf8.length));
                MemorySegment.copy(utf8, 0, nativeText, JAVA_BYTE, 0, utf8.length);
                // SentencePiece and BPE give at most one token per byte, plus a space prefix: usually enough at once.
                int capacity = utf8.length + 2;
                while (true) {
                    MemorySegment tokens = arena.allocate(JAVA_INT, capacity);
                    // For a prompt add_special is false: BOS is added below, and an EOS some vocabularies append has
                    // no place in a prompt.
                    int n = VocabBindings.TOKENIZE.call(vocab, nativeText, utf8.length, tokens, capacity,
                            vocabularySpecials, parseSpecial);
                    if (n == Integer.MIN_VALUE) {
                        throw new IllegalArgumentException("the text has too many tokens to count in 32 bits");
                    }
                    if (n >= 0) {
                        int prefix = !vocabularySpecials && addBos && bos >= 0 ? 1 : 0;
                        int[] ids = new int[prefix + n];
                        if (prefix == 1) {
                            ids[0] = bos;
                        }
                        MemorySegment.copy(tokens, JAVA_INT, 0, ids, prefix, n);
                        return ids;
                    }
                    capacity = -n;
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Renders a conversation with the chat template in effect. The BOS (and EOS) the template writes as text is left
     * out when the tokenizer adds it anyway, as llama.cpp's server does, so a prompt never starts with two.
     *
     * @param addAssistant end with the opening of an assistant turn, so generation continues as the assistant
     * @throws IllegalStateException    when the model has no chat template, the template refuses or fails on this chat,
     *                                  or llama.cpp's built-in renderer is in effect and the chat has tools, tool calls
     *                                  or tool results
     * @throws IllegalArgumentException when a tool's parameters or a call's arguments are not JSON
     */
    public String applyChatTemplate(Prompt.Chat chat, boolean addAssistant) {
        return switch (renderer(chat)) {
            case null -> throw new IllegalStateException("the model " + file.getFileName()
                    + " has no chat template this server can render; configure one (e.g. chatml)");
            case ChatRenderer.Jinja jinja -> {
                String rendered;
                try {
                    rendered = jinja.template().render(chat, addAssistant);
                } catch (TemplateException e) {
                    throw new IllegalStateException("the chat template of " + file.getFileName()
                            + " cannot render this conversation: " + e.getMessage(), e);
                }
                if (addBos && !bosText.isEmpty() && rendered.startsWith(bosText)) {
                    rendered = rendered.substring(bosText.length());
                }
                if (addEos && !eosText.isEmpty() && rendered.endsWith(eosText)) {
                    rendered = rendered.substring(0, rendered.length() - eosText.length());
                }
                yield rendered;
            }
            case ChatRenderer.BuiltIn builtIn -> {
                List<ChatMessage> messages = chat.messages();
                if (!chat.tools().isEmpty() || messages.stream().anyMatch(m -> !m.toolCalls().isEmpty()
                        || m.toolCallId().isPresent())) {
                    throw new IllegalStateException("llama.cpp's built-in chat templates cannot render tools, and "
                            + file.getFileName() + " has no Jinja chat template this server compiles");
                }
                String rendered = render(builtIn.template(), messages, addAssistant);
                if (rendered == null) {
                    throw new IllegalStateException("llama.cpp cannot render the chat template of " + file.getFileName());
                }
                yield rendered;
            }
        };
    }

    /** The renderer of {@code chat}: the tool_use variant for a conversation with tools, when there is one. */
    private ChatRenderer renderer(Prompt.Chat chat) {
        return !chat.tools().isEmpty() && toolUseRenderer != null ? toolUseRenderer : chatRenderer;
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Whether llama.cpp takes a GBNF grammar (start rule {@code root}) for this vocabulary: it parses, has no left
     * recursion and repeats within its limits. Any thread may ask.
     */
    public boolean acceptsGrammar(String grammar) {
        MemorySegment sampler = grammarSampler(grammar);
        if (sampler.equals(MemorySegment.NULL)) {
            return false;
        }
        SamplerBindings.FREE.call(sampler);
        return true;
    }

    /** A new grammar sampler over this vocabulary (the caller owns it), or NULL when llama.cpp rejects the grammar. */
    MemorySegment grammarSampler(String grammar) {
        lifecycle.readLock().lock();
        try (Arena arena = Arena.ofConfined()) { // the two strings: llama.cpp copies them
            ensureOpen();
            return SamplerBindings.INIT_GRAMMAR.call(vocab, arena.allocateFrom(grammar), arena.allocateFrom("root"));
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The llama_model pointer, for creating contexts; valid until close(). */
    MemorySegment handle() {
        ensureOpen();
        return model;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                ModelBindings.FREE.call(model);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + file.getFileName() + " is closed");
        }
    }

    private String metaString(String key) {
        try (Arena arena = Arena.ofConfined()) { // key and value buffers: only needed during this call
            MemorySegment nativeKey = arena.allocateFrom(key);
            int size = 256;
            while (true) {
                MemorySegment buf = arena.allocate(size);
                int length = ModelBindings.META_VAL_STR.call(model, nativeKey, buf, size);
                if (length < 0) {
                    return null;
                }
                if (length < size) { // snprintf semantics: the value plus its NUL fitted
                    return buf.getString(0);
                }
                size = length + 1;
            }
        }
    }

    private Vocabulary readVocabulary() {
        int n = VocabBindings.N_TOKENS.call(vocab);
        byte[][] pieces = new byte[n][];
        boolean[] special = new boolean[n];
        boolean[] endOfGeneration = new boolean[n];
        try (Arena arena = Arena.ofConfined()) { // piece buffer: only needed while reading
            int size = 64;
            MemorySegment buf = arena.allocate(size);
            for (int token = 0; token < n; token++) {
                // special=true renders control tokens as their text ("</s>"), which is what a special token streams.
                int length = VocabBindings.TOKEN_TO_PIECE.call(vocab, token, buf, size, 0, true);
                if (length < 0) {
                    size = -length;
                    buf = arena.allocate(size);
                    length = VocabBindings.TOKEN_TO_PIECE.call(vocab, token, buf, size, 0, true);
                }
                pieces[token] = buf.asSlice(0, length).toArray(JAVA_BYTE);
                endOfGeneration[token] = VocabBindings.IS_EOG.call(vocab, token);
                int attributes = VocabBindings.GET_ATTR.call(vocab, token);
                special[token] = endOfGeneration[token]
                        || (attributes & (VocabBindings.TOKEN_ATTR_CONTROL | VocabBindings.TOKEN_ATTR_UNKNOWN)) != 0;
            }
        }
        return new Vocabulary(pieces, special, endOfGeneration);
    }

    private String tokenText(int token) {
        return token < 0 || token >= vocabulary.size() ? ""
                : new String(vocabulary.piece(token), StandardCharsets.UTF_8);
    }

    /** The GGUF's chat template of that name ({@code tokenizer.chat_template.<name>}), or its default for null. */
    private String ownChatTemplate(String name) {
        try (Arena arena = Arena.ofConfined()) { // the name: only needed during the call
            MemorySegment own = ModelBindings.CHAT_TEMPLATE.call(model,
                    name == null ? MemorySegment.NULL : arena.allocateFrom(name));
            // owned by the model: copy it now
            return own.equals(MemorySegment.NULL) ? null : own.reinterpret(Long.MAX_VALUE).getString(0);
        }
    }

    /** The tool_use variant compiled, or null (and a warning) when it does not compile, as llama.cpp ignores it. */
    private ChatRenderer.Jinja toolUseRenderer(String source) {
        try {
            return jinja(source);
        } catch (TemplateException e) {
            LOG.warning(() -> file.getFileName() + ": the model's tool_use chat template does not compile ("
                    + e.getMessage() + "); conversations with tools are rendered with its default template");
            return null;
        }
    }

    /** @param source the GGUF's own template, or null when it has none */
    private ChatRenderer chooseChatRenderer(String override, String source) {
        if (override != null) {
            if (isJinja(override)) {
                try {
                    return jinja(override);
                } catch (TemplateException e) {
                    throw new IllegalArgumentException("the configured chat template does not compile: " + e.getMessage(), e);
                }
            }
            if (render(override, List.of(new ChatMessage("user", "hello")), true) == null) {
                throw new IllegalArgumentException("llama.cpp does not know the chat template \"" + abbreviate(override)
                        + "\"; use a built-in name such as chatml, llama3 or mistral-v7, or a Jinja template source");
            }
            return new ChatRenderer.BuiltIn(override);
        }
        if (source == null) {
            return null;
        }
        if (isJinja(source)) {
            try {
                return jinja(source);
            } catch (TemplateException e) {
                LOG.warning(() -> file.getFileName() + ": the model's chat template does not compile (" + e.getMessage()
                        + "); falling back to llama.cpp's built-in renderer, without tools");
            }
        }
        if (render(source, List.of(new ChatMessage("user", "hello")), true) == null) {
            LOG.warning(() -> file.getFileName() + ": llama.cpp does not recognise the model's chat template either;"
                    + " configure a chat template to use chat messages");
            return null;
        }
        return new ChatRenderer.BuiltIn(source);
    }

    /** @throws TemplateException when {@code source} does not compile */
    private ChatRenderer.Jinja jinja(String source) {
        return new ChatRenderer.Jinja(source, ChatTemplate.compile(source, bosText, eosText, Clock.systemDefaultZone()));
    }

    /** A template source rather than a built-in name such as {@code chatml}: names have no Jinja tags. */
    private static boolean isJinja(String template) {
        return template.contains("{{") || template.contains("{%");
    }

    /** The rendered conversation, or null when llama.cpp does not know the template. */
    private static String render(String template, List<ChatMessage> messages, boolean addAssistant) {
        try (Arena arena = Arena.ofConfined()) { // strings, message array and output: only needed during this call
            MemorySegment nativeTemplate = arena.allocateFrom(template);
            MemorySegment array = arena.allocate(ChatBindings.MESSAGE, Math.max(1, messages.size()));
            long inputBytes = 0;
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage message = messages.get(i);
                MemorySegment entry = array.asSlice(i * ChatBindings.MESSAGE.byteSize(), ChatBindings.MESSAGE);
                entry.set(ADDRESS, ChatBindings.MESSAGE_ROLE, arena.allocateFrom(message.role()));
                entry.set(ADDRESS, ChatBindings.MESSAGE_CONTENT, arena.allocateFrom(message.text()));
                inputBytes += 3L * (message.role().length() + message.text().length()); // UTF-8: <= 3 bytes a char
            }
            int size = (int) Math.min(Integer.MAX_VALUE, 2 * inputBytes + 256);
            while (true) {
                MemorySegment buf = arena.allocate(size);
                int length = ChatBindings.APPLY_TEMPLATE.call(nativeTemplate, array, messages.size(), addAssistant, buf,
                        size);
                if (length < 0) {
                    return null;
                }
                if (length <= size) {
                    return new String(buf.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
                }
                size = length;
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
