package org.openmaas.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ToolCall;
import org.openmaas.testing.Splits;

/**
 * Replies of each family as real models write them, read whole and streamed: however the text is split, the content
 * and the calls are the same, and no markup reaches the content.
 */
class ReplyParserTest {

    private static final String WEATHER = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";
    private static final String TIME = "{\"zone\":\"Europe/Paris\"}";

    @Test
    void hermesAndQwenCallsBetweenToolCallTagsAreCallsAndTheTextBeforeThemIsContent() {
        String reply = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", "
                + "\"unit\": \"celsius\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": "
                + "{\"zone\": \"Europe/Paris\"}}\n</tool_call>";

        assertEverySplit(new TaggedCalls(), reply, "Let me check.\n",
                List.of(call(1, "get_weather", WEATHER), call(2, "get_time", TIME)));
    }

    @Test
    void llamaCallsAreTheWholeReplyAsOneObjectOrAfterThePythonTag() {
        String bare = "\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}";
        String tagged = "<|python_tag|>{\"type\": \"function\", \"name\": \"get_time\", \"parameters\": "
                + "\"{\\\"zone\\\": \\\"Europe/Paris\\\"}\"}";

        assertEverySplit(new LlamaCalls(), bare, "", List.of(call(1, "get_weather", WEATHER)));
        assertEverySplit(new LlamaCalls(), tagged, "", List.of(call(1, "get_time", TIME)));
    }

    @Test
    void llamaTextInBracesOrAnObjectAfterTextIsContent() {
        assertEverySplit(new LlamaCalls(), "{braces} and more", "{braces} and more", List.of());
        assertEverySplit(new LlamaCalls(), "{\"city\": \"Paris\"}", "{\"city\": \"Paris\"}", List.of());
        String late = "Here: {\"name\": \"get_weather\", \"parameters\": {}}";
        assertEverySplit(new LlamaCalls(), late, late, List.of());
    }

    @Test
    void mistralNemoAndGraniteCallsAreOneListAfterTheirMarker() {
        String list = "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}, "
                + "\"id\": \"abcDEF123\"}, {\"name\": \"get_time\", \"arguments\": {\"zone\": \"Europe/Paris\"}}]";
        List<ToolCall> both = List.of(call(1, "get_weather", WEATHER), call(2, "get_time", TIME));

        assertEverySplit(CallList.MISTRAL, "[TOOL_CALLS]" + list, "", both);
        assertEverySplit(CallList.GRANITE, "Sure. <|tool_call|>" + list, "Sure. ", both);
    }

    @Test
    void mistralSmallCallsNameTheFunctionBeforeItsArgs() {
        String reply = "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\", \"unit\": \"celsius\"}"
                + "[TOOL_CALLS]get_time[ARGS]{\"zone\": \"Europe/Paris\"}";

        assertEverySplit(new NamedArgumentCalls(), reply, "",
                List.of(call(1, "get_weather", WEATHER), call(2, "get_time", TIME)));
    }

    @Test
    void deepSeekCallsAreFencedJsonBetweenItsMarkers() {
        String reply = "I will look.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\", \"unit\": \"celsius\"}\n```<｜tool▁call▁end｜>\n"
                + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n```json\n{\"zone\": \"Europe/Paris\"}\n```"
                + "<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

        assertEverySplit(new DeepSeekCalls(), reply, "I will look.",
                List.of(call(1, "get_weather", WEATHER), call(2, "get_time", TIME)));
    }

    @Test
    void markupThatIsNotACallIsContent() {
        String prose = "Use <tool_call> tags like <tool_call>this</tool_call>.";

        assertEverySplit(new TaggedCalls(), prose, prose, List.of());
        assertEverySplit(CallList.MISTRAL, "[TOOL_CALLS] are my thing", "[TOOL_CALLS] are my thing", List.of());
    }

    @Test
    void aCallTheReplyBreaksOffIsContent() {
        String cut = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Par";

        assertEverySplit(new TaggedCalls(), cut, cut, List.of());
    }

    @Test
    void aCallWhoseClosingTagNeverCameStillCountsWhenTheReplyEndsAfterIt() {
        String unclosed = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"Europe/Paris\"}}\n";

        assertEverySplit(new TaggedCalls(), unclosed, "", List.of(call(1, "get_time", TIME)));
    }

    @Test
    void textGoesOutAsSoonAsItCannotStartAMarker() {
        ReplyParser parser = new ReplyParser(new TaggedCalls(), ids());

        assertThat(parser.add("Hello <tool")).containsExactly(new ReplyEvent.Content("Hello "));
        assertThat(parser.add("box> and")).containsExactly(new ReplyEvent.Content("<toolbox> and"));
        assertThat(parser.add(" <")).containsExactly(new ReplyEvent.Content(" "));
        assertThat(parser.finish()).containsExactly(new ReplyEvent.Content("<"));
    }

    @Test
    void eachCallGoesOutAsSoonAsItIsWhole() {
        ReplyParser parser = new ReplyParser(new TaggedCalls(), ids());

        assertThat(parser.add("<tool_call>{\"name\": \"get_time\", \"arguments\": {}}")).isEmpty();
        assertThat(parser.add("</tool_call>")).containsExactly(new ReplyEvent.Call(0, call(1, "get_time", "{}")));
        assertThat(parser.calls()).isEqualTo(1);
    }

    @Test
    void callIdsHaveOpenAisShapeButWhereTheTemplateAsksForMistrals() {
        assertThat(new TaggedCalls().newCallId()).matches("call_[A-Za-z0-9]{24}");
        assertThat(CallList.GRANITE.newCallId()).matches("call_[A-Za-z0-9]{24}");
        assertThat(CallList.MISTRAL.newCallId()).matches("[A-Za-z0-9]{9}");
        assertThat(new NamedArgumentCalls().newCallId()).matches("[A-Za-z0-9]{9}");
    }

    /** The reply read in every way {@link Splits} splits it. */
    private static void assertEverySplit(ToolCallFormat format, String reply, String content, List<ToolCall> calls) {
        for (List<String> pieces : Splits.of(reply)) {
            ReplyParser parser = new ReplyParser(format, ids());
            List<ReplyEvent> events = new ArrayList<>();
            pieces.forEach(piece -> events.addAll(parser.add(piece)));
            events.addAll(parser.finish());

            StringBuilder text = new StringBuilder();
            List<ToolCall> made = new ArrayList<>();
            for (ReplyEvent event : events) {
                switch (event) {
                    case ReplyEvent.Content c -> text.append(c.text());
                    case ReplyEvent.Call c -> {
                        assertThat(c.index()).isEqualTo(made.size());
                        made.add(c.call());
                    }
                }
            }
            assertThat(text.toString()).as("content of %s", pieces).isEqualTo(content);
            assertThat(made).as("calls of %s", pieces).isEqualTo(calls);
        }
    }

    private static ToolCall call(int n, String name, String arguments) {
        return new ToolCall("call_" + n, name, arguments);
    }

    private static Supplier<String> ids() {
        int[] next = {0};
        return () -> "call_" + ++next[0];
    }
}
