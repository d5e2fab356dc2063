package org.openmaas.api.maas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.Token;

/**
 * The JSON shapes of generation results, exactly as the guide shows them (grpc-gateway over TGI's messages, proto
 * field names). Engine events become wire records here and nowhere else.
 */
final class WireLines {

    private WireLines() {
    }

    /** One line of {@code generatestream}: {@code {"result": {"response": {...}}}}. */
    record StreamLine(Result result) {
    }

    record Result(Response response) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Response(TokenJson token, List<TokenJson> top_tokens, String generated_text, Details details,
                    String requestID) {
    }

    record TokenJson(int id, String text, float logprob, boolean special) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Details(String finish_reason, int generated_tokens, String seed) {
    }

    /**
     * The body of {@code generate}: the whole result at once, with every token.
     * {@code {"generated_text": "...", "details": {..., "tokens": [...], "top_tokens": [[...]]}, "requestID": "..."}}
     */
    record WholeResult(String generated_text, WholeDetails details, String requestID) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WholeDetails(String finish_reason, int generated_tokens, int prompt_tokens, String seed,
                        List<TokenJson> tokens, List<List<TokenJson>> top_tokens) {
    }

    static StreamLine tokenLine(GenerationEvent.TokenGenerated event, String requestId) {
        return new StreamLine(new Result(new Response(token(event.token()), tokens(event.topTokens()), null, null,
                requestId)));
    }

    /** The stream's last line: its last token, {@code last}, with the generation's text and details. */
    static StreamLine finalLine(GenerationEvent.Finished finished, GenerationEvent.TokenGenerated last,
                                String requestId) {
        return new StreamLine(new Result(new Response(token(last.token()), tokens(last.topTokens()),
                finished.generatedText(), details(finished), requestId)));
    }

    static Details details(GenerationEvent.Finished finished) {
        return new Details(finishReason(finished.reason()), finished.generatedTokens(), seed(finished));
    }

    static WholeResult wholeResult(List<GenerationEvent.TokenGenerated> tokens, GenerationEvent.Finished finished,
                                   boolean withTopTokens, String requestId) {
        List<TokenJson> all = tokens.stream().map(t -> token(t.token())).toList();
        List<List<TokenJson>> top = withTopTokens ? tokens.stream().map(t -> tokens(t.topTokens())).toList() : null;
        return new WholeResult(finished.generatedText(), new WholeDetails(finishReason(finished.reason()),
                finished.generatedTokens(), finished.promptTokens(), seed(finished), all, top), requestId);
    }

    static String finishReason(FinishReason reason) {
        return "FINISH_REASON_" + reason.name();
    }

    private static String seed(GenerationEvent.Finished finished) {
        return finished.seed().isPresent() ? Long.toUnsignedString(finished.seed().getAsLong()) : null;
    }

    private static TokenJson token(Token token) {
        return new TokenJson(token.id(), token.text(), token.logprob(), token.special());
    }

    private static List<TokenJson> tokens(List<Token> tokens) {
        return tokens.stream().map(WireLines::token).toList();
    }
}
