package org.openmaas.engine.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an upstream's streamed body becomes events: SSE as its specification frames it, and NDJSON. */
class EventStreamTest {

    @Test
    void sseEventsEndAtBlankLinesAndTheStreamAtItsEnd() throws Exception {
        assertThat(events("data: {\"n\":1}\n\ndata: {\"n\":2}\n\n", EventStream.Framing.SSE))
                .containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void sseLinesMayEndWithCrLfOrCrAlone() throws Exception {
        assertThat(events("data: {\"n\":1}\r\n\r\ndata: {\"n\":2}\r\rdata: {\"n\":3}\n\n", EventStream.Framing.SSE))
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    @Test
    void anEventsDataLinesAreJoinedByLineFeeds() throws Exception {
        assertThat(events("data: {\"text\":\ndata: \"a\"}\n\n", EventStream.Framing.SSE))
                .containsExactly("{\"text\":\"a\"}");
    }

    @Test
    void commentsAndOtherFieldsAreSkippedAndTheSpaceAfterTheColonIsOptional() throws Exception {
        String body = ": keep-alive\n\nevent: token\nid: 7\ndata:{\"n\":1}\nretry: 10\n\n";
        assertThat(events(body, EventStream.Framing.SSE))
                .containsExactly("{\"n\":1}");
    }

    @Test
    void doneEndsTheStreamBeforeTheBodyEnds() throws Exception {
        assertThat(events("data: {\"n\":1}\n\ndata: [DONE]\n\ndata: {\"n\":2}\n\n", EventStream.Framing.SSE))
                .containsExactly("{\"n\":1}");
    }

    @Test
    void aLastEventWithoutItsBlankLineStillCounts() throws Exception {
        assertThat(events("data: {\"n\":1}\n\ndata: {\"n\":2}", EventStream.Framing.SSE))
                .containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void ndjsonIsOneValuePerLineWithBlankLinesSkipped() throws Exception {
        assertThat(events("{\"n\":1}\n\n  \r\n{\"n\":2}\r\n{\"n\":3}", EventStream.Framing.NDJSON))
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    @Test
    void eventsSplitAcrossReadsAtEveryByteComeOutWhole() throws Exception {
        String body = "data: {\"text\":\"naïve 🙂\"}\r\n\r\ndata: {\"n\":2}\r\n\r\n";
        List<String> whole = events(body, EventStream.Framing.SSE);
        assertThat(whole).containsExactly("{\"text\":\"naïve 🙂\"}", "{\"n\":2}");
        assertThat(events(new OneByteAtATime(body.getBytes(UTF_8)), EventStream.Framing.SSE)).isEqualTo(whole);
    }

    @Test
    void aLineLongerThanTheBufferIsReadWhole() throws Exception {
        String text = "x".repeat(100_000);
        assertThat(events("data: {\"text\":\"" + text + "\"}\n\n", EventStream.Framing.SSE))
                .containsExactly("{\"text\":\"" + text + "\"}");
    }

    @Test
    void anEventThatIsNotJsonBreaksTheStreamWithoutQuotingIt() {
        EventStream events = new EventStream(body("data: secret words\n\n"), EventStream.Framing.SSE);
        assertThatThrownBy(events::next).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.failure()).isInstanceOf(UpstreamFailure.Broken.class);
            assertThat(e.getMessage()).contains("not JSON (12 bytes)").doesNotContain("secret");
        });
    }

    @Test
    void aLineWithoutEndBeyondTheLimitBreaksTheStream() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        EventStream events = new EventStream(endless, EventStream.Framing.SSE);
        assertThatThrownBy(events::next).isInstanceOfSatisfying(UpstreamException.class, e ->
                assertThat(e.getMessage()).contains("a line longer than " + EventStream.MAX_LINE + " bytes"));
    }

    private static List<String> events(String body, EventStream.Framing framing) throws Exception {
        return events(body(body), framing);
    }

    private static List<String> events(InputStream body, EventStream.Framing framing) throws Exception {
        EventStream events = new EventStream(body, framing);
        List<String> all = new ArrayList<>();
        JsonNode event;
        while ((event = events.next()) != null) {
            all.add(event.toString());
        }
        return all;
    }

    private static InputStream body(String body) {
        return new ByteArrayInputStream(body.getBytes(UTF_8));
    }

    /** A body that arrives one byte per read, as a slow network may hand it over. */
    private static final class OneByteAtATime extends FilterInputStream {

        OneByteAtATime(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(1, len));
        }
    }
}
