package org.openmaas.engine;

/**
 * One vocabulary token as streamed.
 *
 * @param id      the real vocabulary id
 * @param text    the text this token adds; "" when it ends inside a multi-byte UTF-8 character
 * @param logprob natural-log probability under the model's raw output distribution; NaN when the request did not
 *                want it ({@link GenerationRequest#logprobs()}) and the engine did not compute it
 * @param special true for control tokens (BOS, EOS, template markers)
 */
public record Token(int id, String text, float logprob, boolean special) {
}
