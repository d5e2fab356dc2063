package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Log records as JSON objects on one line: whatever a value holds, it stays inside its string. */
class LogJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fieldsKeepTheirOrderAndNullIsJsonNull() throws IOException {
        String line = new LogJson().add("path", "/v1/models").add("status", 200).add("client", null).toString();

        assertThat(line).isEqualTo("{\"path\":\"/v1/models\",\"status\":200,\"client\":null}");
        assertThat(JSON.readTree(line).get("client").isNull()).isTrue();
    }

    @Test
    void everyCharacterRoundTripsWithoutALineBreakOrAnUnescapedControlCharacter() throws IOException {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String text = "a" + (char) c + "b";
            String quoted = LogJson.quote(text);

            assertThat(quoted.chars().filter(LogJsonTest::breaksOrControls))
                    .as("U+%04X", c).isEmpty();
            assertThat(JSON.readTree(quoted).asText()).as("U+%04X", c).isEqualTo(text);
        }
    }

    @Test
    void aSurrogatePairStaysOneCharacterAndALoneSurrogateIsEscaped() throws IOException {
        String pair = "\uD83D\uDE00"; // 😀
        String lone = "\uDE00\uD83D";

        assertThat(LogJson.quote(pair)).isEqualTo("\"" + pair + "\"");
        assertThat(LogJson.quote(lone)).isEqualTo("\"\\ude00\\ud83d\"");
        assertThat(JSON.readTree(LogJson.quote(lone)).asText()).isEqualTo(lone);
    }

    @Test
    void aForgedRecordStaysInsideItsField() throws IOException {
        String forged = "x\"}\r\n2026-12-04T10:00:00.000 INFO org.openmaas.access: {\"status\":200,\u2028\"client\":\"rel-admin\"";
        String line = new LogJson().add("claimed_client", forged).add("status", 401).toString();

        assertThat(line).doesNotContainPattern("[\\r\\n\\u2028\\u2029\\u0085]");
        JsonNode record = JSON.readTree(line);
        assertThat(record.get("claimed_client").asText()).isEqualTo(forged);
        assertThat(record.get("status").asInt()).isEqualTo(401);
        assertThat(record.size()).isEqualTo(2);
    }

    /** What a log reader could take for the end of a line, or a terminal for a command. */
    private static boolean breaksOrControls(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate((char) c);
    }
}
