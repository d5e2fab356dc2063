/**
 * Tool calls in a model's reply, the way each model family writes them: {@link org.openmaas.chat.tools.ToolCallFormat}
 * (chosen from the chat template's text, as llama.cpp's {@code common/chat.cpp} does) says how a family marks a call and
 * gives the grammar that forces one; {@link org.openmaas.chat.tools.ReplyParser} reads a reply as it streams, separating
 * the text for the client from the calls. Independent of engines and of HTTP.
 */
package org.openmaas.chat.tools;
