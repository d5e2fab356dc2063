/**
 * The embedded engine: llama.cpp (the release {@code @node-llama-cpp/linux-x64} 3.22.1 ships as shared libraries, which
 * {@code scripts/llama-cpp.sh libs} fetches, or an operator's own build of the same C API) called through the Foreign
 * Function &amp; Memory API.
 *
 * <p>Public: {@link org.openmaas.engine.llamacpp.LlamaEngine} (an {@link org.openmaas.engine.Engine}) and
 * {@link org.openmaas.engine.llamacpp.LlamaModel}, and the settings {@link org.openmaas.engine.llamacpp.KvCacheType} and
 * {@link org.openmaas.engine.llamacpp.FlashAttention}. Everything else is package-private.
 *
 * <p>The C functions are bound per area ({@code ModelBindings}, {@code ContextBindings}, {@code VocabBindings},
 * {@code BatchBindings}, {@code SamplerBindings}, {@code ChatBindings}, {@code BackendBindings}), all through
 * {@code LlamaLibrary}, which loads the libraries once per JVM, when the first model loads, after {@code StructCheck}
 * has compared the library's structs with the layouts bound here.
 *
 * <p>Native memory never leaves this package. Who owns what:
 * <ul>
 *   <li>{@code llama_model}: its {@code LlamaModel}, freed by {@code close()}; the vocabulary belongs to it.</li>
 *   <li>{@code llama_context} (the shared one and the one for reproducible requests): the engine's {@code StepLoop},
 *       freed on the engine thread when the loop ends.</li>
 *   <li>KV cells in the shared context: a running sequence's while it runs; then kept for its slot (described by
 *       {@code PrefixCache}) until a new sequence takes the slot, the kept cells outgrow their budget, or a batch
 *       needs the room.</li>
 *   <li>Sampler chains: their {@code SamplerChain}, freed when the sequence retires.</li>
 *   <li>A constrained sequence's grammar sampler and its candidate array: its {@code GrammarSampler} (the array in a
 *       confined arena), freed with the sequence's chain.</li>
 *   <li>The ggml threadpool the contexts compute with: the {@code StepLoop}, freed after its contexts.</li>
 *   <li>The batch arrays: an arena owned by the engine thread, alive as long as its loop.</li>
 *   <li>Call arguments (strings, params structs, output buffers): a confined arena around the one call.</li>
 *   <li>The libraries themselves and the log callback stub: the global arena, for the life of the JVM.</li>
 * </ul>
 */
package org.openmaas.engine.llamacpp;
