package org.openmaas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** What a whole chat completion that must hold exactly one tool call looks like, however the call was made. */
public final class ToolCallReplies {

    private ToolCallReplies() {
    }

    /** The reply's one call, after checking it is a 200 of one choice ending in calls, with no content besides. */
    public static JsonNode onlyCall(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode choice = TestServer.json(response.body()).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).as(response.body()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).as(response.body()).isTrue();
        assertThat(choice.get("message").get("tool_calls")).hasSize(1);
        return choice.get("message").get("tool_calls").get(0);
    }
}
