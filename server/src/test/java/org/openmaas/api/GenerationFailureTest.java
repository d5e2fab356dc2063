package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.GenerationEvent.Failed;

/** A generation failure has one answer, whichever way its route answers: an error body, an error line or event. */
class GenerationFailureTest {

    static final Failed STOPPING = new Failed(Failed.Cause.STOPPING, "the server is shutting down");
    static final Failed INTERNAL = new Failed(Failed.Cause.INTERNAL, "the engine lost this request's logits");

    @Test
    void anEngineThatStopsAsksForARetryElsewhere() {
        ErrorReply reply = ErrorTable.generationFailure(STOPPING);

        assertThat(reply).isEqualTo(new ErrorReply(503, ErrorTable.UNAVAILABLE,
                "the server is shutting down; retry the request", ErrorTable.RETRY_UNAVAILABLE_SECONDS));
    }

    @Test
    void anEngineFailureIsInternalAndSaysWhatTheEngineReported() {
        assertThat(ErrorTable.generationFailure(INTERNAL)).isEqualTo(new ErrorReply(500, ErrorTable.INTERNAL,
                "the engine lost this request's logits", 0));
    }

    @Test
    void aWholeResultFailsWithTheCodeAndMessageAStreamEndsWith() {
        for (Failed failed : new Failed[] {STOPPING, INTERNAL}) {
            assertThat(ErrorTable.reply(new GenerationFailedException(failed), "request-1"))
                    .isEqualTo(ErrorTable.generationFailure(failed));
        }
    }

    @Test
    void theMaasLineAndTheOpenAiEventCarryTheSameCodeAndMessage() throws IOException {
        ErrorReply reply = ErrorTable.generationFailure(STOPPING);

        JsonNode line = Json.MAPPER.readTree(reply.streamLine()).get("error");
        JsonNode event = Json.MAPPER.readTree(reply.openAiBody()).get("error");

        assertThat(line.get("code").asInt()).isEqualTo(14);
        assertThat(line.get("message").asText()).isEqualTo(reply.message());
        assertThat(event.get("message").asText()).isEqualTo(reply.message());
        assertThat(event.get("type").asText()).isEqualTo("server_error");
        assertThat(event.get("code").asText()).isEqualTo("service_unavailable");
    }
}
