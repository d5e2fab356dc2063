package org.openmaas.gguf;

import java.io.IOException;

/** A file that is not a GGUF file this project can read, or not a whole one; the message names the file. */
public final class GgufFormatException extends IOException {

    GgufFormatException(String message) {
        super(message);
    }
}
