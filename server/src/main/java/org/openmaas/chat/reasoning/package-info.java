/**
 * The reasoning a model writes before its answer (Qwen3, QwQ, the DeepSeek R1 distills: {@code <think>…</think>}):
 * {@link org.openmaas.chat.reasoning.Reasoning} (chosen from the chat template's text and the rendered prompt, as
 * llama.cpp's {@code common/chat.cpp} chooses it) says how one reply marks it, and
 * {@link org.openmaas.chat.reasoning.ReasoningParser} separates it from the answer as the reply streams. Independent of
 * engines and of HTTP.
 */
package org.openmaas.chat.reasoning;
