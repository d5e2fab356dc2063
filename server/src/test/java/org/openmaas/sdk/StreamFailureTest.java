package org.openmaas.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.MaasClient;
import org.openmaas.client.Model;
import org.openmaas.client.ServerException;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/** A failure after the stream started arrives as its last line and is thrown from the iterator. */
class StreamFailureTest {

    static TestServer server;
    static MaasClient client;

    @BeforeAll
    static void start() {
        server = TestServer.serving(List.of(TestModels.slow()));
        client = Clients.builderFor(server).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void anEngineThatStopsMidStreamEndsItWithAServerExceptionFromTheIterator() {
        Model model = client.models().getFirst();
        try (GenerationStream stream = client.generateStream(GenerateRequest.builder(model, "Once upon a time")
                .maxNewTokens(1500).temperature(0).build())) {
            stream.next();

            server.server().catalog().entries().getFirst().engine().close();

            assertThatThrownBy(() -> stream.forEachRemaining(event -> { }))
                    .isInstanceOfSatisfying(ServerException.class, e -> {
                        assertThat(e.grpcCode()).isEqualTo(13);
                        assertThat(e.httpStatus()).isEqualTo(200);
                        assertThat(e.getMessage()).isEqualTo("the server is shutting down");
                        assertThat(e.requestId()).contains(stream.requestId());
                    });
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.details()).isEmpty();
        }
    }
}
