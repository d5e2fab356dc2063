package org.openmaas.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.engine.llamacpp.LlamaSource;
import org.openmaas.grammar.GbnfMatcher;

/**
 * Which family a real chat template (llama.cpp's {@code models/templates}) calls tools in, and the grammar of forced
 * calls: it accepts the calls of declared tools whose arguments fit their schema, written as the family writes them
 * (which the family's parser reads back), and nothing else.
 */
class ToolCallFormatTest {

    private static final ToolDefinition WEATHER = new ToolDefinition("get_weather", Optional.of("Weather in a city"),
            Optional.of("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"days\": "
                    + "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 7}}, \"required\": [\"city\"], "
                    + "\"additionalProperties\": false}"));
    private static final ToolDefinition NOW = new ToolDefinition("now", Optional.empty(), Optional.empty());

    @Test
    void realTemplatesAreRecognisedByTheirCallMarkup() throws IOException {
        Map<String, String> families = Map.ofEntries(
                Map.entry("meta-llama-Llama-3.1-8B-Instruct", "llama3"),
                Map.entry("meta-llama-Llama-3.2-3B-Instruct", "llama3"),
                Map.entry("meta-llama-Llama-3.3-70B-Instruct", "llama3"),
                Map.entry("Qwen-Qwen2.5-7B-Instruct", "hermes"),
                Map.entry("Qwen-Qwen3-0.6B", "hermes"),
                Map.entry("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", "hermes"),
                Map.entry("NousResearch-Hermes-3-Llama-3.1-8B-tool_use", "hermes"),
                Map.entry("mistralai-Mistral-Nemo-Instruct-2407", "mistral"),
                Map.entry("Mistral-Small-3.2-24B-Instruct-2506", "mistral-small-3.2"),
                Map.entry("unsloth-mistral-Devstral-Small-2507", "mistral-small-3.2"),
                Map.entry("ibm-granite-granite-3.3-2B-Instruct", "granite"),
                Map.entry("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", "deepseek-r1"),
                Map.entry("deepseek-ai-DeepSeek-R1-Distill-Llama-8B", "deepseek-r1"));
        for (var entry : families.entrySet()) {
            String template = Files.readString(LlamaSource.folder().resolve("models/templates/" + entry.getKey()
                    + ".jinja"));
            assertThat(ToolCallFormat.forTemplate(template).map(ToolCallFormat::family)).as(entry.getKey())
                    .contains(entry.getValue());
        }
        String gemma = Files.readString(LlamaSource.folder().resolve("models/templates/google-gemma-2-2b-it.jinja"));
        assertThat(ToolCallFormat.forTemplate(gemma)).isEmpty();
    }

    @Test
    void hermesForcedCallsAreTaggedObjectsOfDeclaredTools() {
        ToolCallFormat format = new TaggedCalls();
        String paris = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 3}}"
                + "\n</tool_call>";
        String now = "<tool_call>\n{\"name\": \"now\", \"arguments\": {}}\n</tool_call>";

        assertForced(format, paris, now, "\n", paris.replace("3}", "9}"));
    }

    @Test
    void llamaForcedCallsAreOneObjectWithParameters() {
        ToolCallFormat format = new LlamaCalls();
        String paris = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": 3}}";
        String now = "{\"name\": \"now\", \"parameters\": {}}";

        assertForced(format, paris, now, null, paris.replace("\"Paris\"", "7"));
    }

    @Test
    void mistralAndGraniteForcedCallsAreOneList() {
        for (CallList format : List.of(CallList.MISTRAL, CallList.GRANITE)) {
            String paris = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 3}}";
            String now = "{\"name\": \"now\", \"arguments\": {}}";
            String one = format.marker() + "[" + paris + "]";

            assertThat(matches(format, List.of(WEATHER, NOW), false, one)).isTrue();
            assertThat(matches(format, List.of(WEATHER, NOW), true, format.marker() + "[" + paris + ", " + now + "]"))
                    .isTrue();
            assertThat(matches(format, List.of(WEATHER, NOW), false, format.marker() + "[" + paris + ", " + now
                    + "]")).isFalse();
            assertThat(matches(format, List.of(NOW), false, one)).isFalse();
            assertThat(parse(format, one)).extracting(ToolCall::name).containsExactly("get_weather");
        }
    }

    @Test
    void mistralSmallForcedCallsNameTheFunctionBeforeItsArgs() {
        ToolCallFormat format = new NamedArgumentCalls();
        String paris = "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\", \"days\": 3}";
        String now = "[TOOL_CALLS]now[ARGS]{}";

        assertForced(format, paris, now, "", paris.replace("\"city\"", "\"town\""));
    }

    @Test
    void deepSeekForcedCallsAreFencedJsonBetweenItsMarkers() {
        ToolCallFormat format = new DeepSeekCalls();
        String paris = "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```"
                + "<｜tool▁call▁end｜>";
        String now = "<｜tool▁call▁begin｜>function<｜tool▁sep｜>now\n```json\n{}\n```<｜tool▁call▁end｜>";
        String begin = "<｜tool▁calls▁begin｜>";
        String end = "<｜tool▁calls▁end｜>";

        assertThat(matches(format, List.of(WEATHER, NOW), false, begin + paris + end)).isTrue();
        assertThat(matches(format, List.of(WEATHER, NOW), true, begin + paris + "\n" + now + end)).isTrue();
        assertThat(matches(format, List.of(WEATHER, NOW), false, begin + paris + "\n" + now + end)).isFalse();
        assertThat(matches(format, List.of(NOW), false, begin + paris + end)).isFalse();
        assertThat(parse(format, begin + paris + "\n" + now + end)).extracting(ToolCall::name)
                .containsExactly("get_weather", "now");
    }

    /**
     * {@code paris} (a call of get_weather) and {@code now} (of now) are forced calls of the two tools; together, with
     * {@code separator} between, only when parallel calls are allowed ({@code null}: the family writes one call);
     * {@code invalid} breaks get_weather's schema; a tool not declared is never called.
     */
    private static void assertForced(ToolCallFormat format, String paris, String now, String separator,
                                     String invalid) {
        List<ToolDefinition> both = List.of(WEATHER, NOW);
        assertThat(matches(format, both, false, paris)).isTrue();
        assertThat(matches(format, both, false, now)).isTrue();
        assertThat(matches(format, both, false, invalid)).isFalse();
        assertThat(matches(format, List.of(NOW), false, paris)).isFalse();
        assertThat(matches(format, List.of(WEATHER), true, paris)).isTrue();
        if (separator != null) {
            String two = paris + separator + now;
            assertThat(matches(format, both, true, two)).isTrue();
            assertThat(matches(format, both, false, two)).isFalse();
            assertThat(parse(format, two)).extracting(ToolCall::name).containsExactly("get_weather", "now");
        }
        assertThat(parse(format, paris)).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).contains("\"city\":\"Paris\"");
        });
    }

    private static boolean matches(ToolCallFormat format, List<ToolDefinition> tools, boolean parallel, String text) {
        return GbnfMatcher.matches(format.grammar(tools, parallel), text);
    }

    private static List<ToolCall> parse(ToolCallFormat format, String reply) {
        ReplyParser parser = new ReplyParser(format);
        List<ReplyEvent> events = new ArrayList<>(parser.add(reply));
        events.addAll(parser.finish());
        assertThat(events).allMatch(e -> e instanceof ReplyEvent.Call);
        return events.stream().map(e -> ((ReplyEvent.Call) e).call()).toList();
    }
}
