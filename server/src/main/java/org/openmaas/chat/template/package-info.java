/**
 * Chat templates: a Jinja engine written here for the templates Hugging Face models ship (and GGUF files carry as
 * {@code tokenizer.chat_template}), and {@link org.openmaas.chat.template.ChatTemplate}, which renders an engine's
 * {@link org.openmaas.engine.Prompt.Chat} with one as llama.cpp's server does.
 *
 * <p>Public: {@link org.openmaas.chat.template.ChatTemplate}, {@link org.openmaas.chat.template.Template} (any Jinja
 * text, with transformers' environment) and {@link org.openmaas.chat.template.TemplateException}. The pipeline is
 * package-private: {@code Lexer} (tokens, with the environment's whitespace control) → {@code Parser} (sealed
 * {@code Node} and {@code Expr} records) → {@code Interpreter} (with {@code Filters}, {@code Tests}, {@code Methods},
 * {@code Operators} and {@code Values} for Python's semantics). Templates come from downloaded files, so a rendering
 * sees only plain values and stops at the {@code Limits}.
 */
package org.openmaas.chat.template;
