package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A stream's body goes to the socket at its first line, then whenever no event is waiting. */
class FlushWhenIdleTest {

    /** What reached the socket: the bytes written before the last flush. */
    private static final class Socket extends ByteArrayOutputStream {
        String sent = "";

        @Override
        public void flush() {
            sent = toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theFirstLineGoesOutAtOnceEvenWhileMoreEventsWait() throws IOException {
        Socket socket = new Socket();
        FlushWhenIdle body = new FlushWhenIdle(socket, () -> true);

        body.write("first\n".getBytes(StandardCharsets.UTF_8));
        body.flush();
        body.write("second\n".getBytes(StandardCharsets.UTF_8));
        body.flush();

        assertThat(socket.sent).isEqualTo("first\n");
    }

    @Test
    void laterLinesGoOutTogetherOnceNoEventWaits() throws IOException {
        Socket socket = new Socket();
        boolean[] waiting = {true};
        FlushWhenIdle body = new FlushWhenIdle(socket, () -> waiting[0]);
        body.write("first\n".getBytes(StandardCharsets.UTF_8));
        body.flush();

        body.write("second\n".getBytes(StandardCharsets.UTF_8));
        body.flush();
        waiting[0] = false;
        body.write("third\n".getBytes(StandardCharsets.UTF_8));
        body.flush();

        assertThat(socket.sent).isEqualTo("first\nsecond\nthird\n");
    }
}
