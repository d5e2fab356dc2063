package org.openmaas.chat.tools;

import java.util.concurrent.ThreadLocalRandom;

/** Ids for the calls a model makes: unique enough to match a tool message to its call, not secrets. */
final class CallIds {

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private CallIds() {
    }

    /** OpenAI's shape: {@code call_} and 24 letters and digits. */
    static String openAi() {
        return "call_" + alphanumeric(24);
    }

    /** Mistral's shape, 9 letters and digits: its templates raise an error for a replayed call with another id. */
    static String mistral() {
        return alphanumeric(9);
    }

    private static String alphanumeric(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }
}
