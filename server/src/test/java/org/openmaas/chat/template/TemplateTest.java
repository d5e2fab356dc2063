package org.openmaas.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jinja engine renders what Hugging Face chat templates use as transformers' environment does. Most cases are
 * ported from llama.cpp's {@code tests/test-jinja.cpp}, which were checked there against Python's Jinja2.
 */
class TemplateTest {

    record Case(String name, String template, Map<String, Object> variables, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case when(String name, String template, String expected) {
        return new Case(name, template, Map.of(), expected);
    }

    private static Case when(String name, String template, Map<String, Object> variables, String expected) {
        return new Case(name, template, variables, expected);
    }

    static Stream<Case> cases() {
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("b", 1L);
        ordered.put("a", List.of("x", "ü"));
        return Stream.of(
                // whitespace control: trim_blocks, lstrip_blocks, - and +
                when("trim_blocks removes the newline after a tag", "{% if true %}\nhello\n{% endif %}\n", "hello\n"),
                when("lstrip_blocks removes indentation before a tag", "    {% if true %}\n    hello\n    {% endif %}\n",
                        "    hello\n"),
                when("for loop with trim_blocks", "{% for i in items %}\n{{ i }}\n{% endfor %}\n",
                        Map.of("items", List.of(1, 2, 3)), "1\n2\n3\n"),
                when("explicit strip on both sides", "  {%- if true -%}  \nhello\n  {%- endif -%}  \n", "hello"),
                when("expression whitespace control", "  {{- 'hello' -}}  \n", "hello"),
                when("a print tag keeps its newline", "{{ 'a' }}\nb", "a\nb"),
                when("+ keeps what lstrip_blocks would remove", "  {%+ if true %}x{% endif %}", "  x"),
                when("comments are trimmed like blocks", "a\n  {# note #}\nb", "a\nb"),
                // conditionals and expressions
                when("elif", "{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %}", Map.of("x", 2), "two"),
                when("ternary", "{{ 'yes' if flag else 'no' }}", Map.of("flag", false), "no"),
                when("and/or return an operand", "{{ none or 'fallback' }}|{{ 'a' and 'b' }}", "fallback|b"),
                when("not in", "{{ 'x' not in ['a', 'b'] }}", "True"),
                when("is not", "{{ x is not none }}", Map.of("x", 1), "True"),
                when("integer and float arithmetic", "{{ 7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1 + 1.5 }}",
                        "3 3.5 2 1024 2.5"),
                when("concatenation with ~", "{{ 'n' ~ 1 ~ 2.0 }}", "n12.0"),
                when("none next to a string joins as empty, as in llama.cpp (Jinja would print None)",
                        "{{ 'n' ~ none }}|{{ none }}", "n|None"),
                when("string repetition", "{{ '=' * 3 }}", "==="),
                when("Python's printing of values", "{{ [1, 'a', none, true, 1.0] }} {{ {'k': 'v'} }}",
                        "[1, 'a', None, True, 1.0] {'k': 'v'}"),
                // loops
                when("loop variables", "{% for i in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
                        + "{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}{{ loop.length }} {% endfor %}",
                        "103F3 2123 321L3 "),
                when("for over dict items", "{% for k, v in data.items() %}{{ k }}={{ v }} {% endfor %}",
                        Map.of("data", ordered), "b=1 a=['x', 'ü'] "),
                when("for else", "{% for i in items %}{{ i }}{% else %}empty{% endfor %}", Map.of("items", List.of()),
                        "empty"),
                when("a loop over undefined is empty", "{% for i in nothing %}{{ i }}{% else %}empty{% endfor %}",
                        "empty"),
                when("loop filter", "{% for i in range(6) if i is even %}{{ i }}{% endfor %}", "024"),
                when("break and continue", "{% for i in range(10) %}{% if i == 1 %}{% continue %}{% endif %}"
                        + "{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}", "023"),
                when("previtem and nextitem", "{% for i in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }},{% endfor %}",
                        "-2,1-3,2-,"),
                when("loop.cycle", "{% for i in range(3) %}{{ loop.cycle('a', 'b') }}{% endfor %}", "aba"),
                // set, namespace, macros
                when("set does not leave a loop; a namespace does",
                        "{% set n = 0 %}{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set n = n + 1 %}"
                                + "{% set ns.n = ns.n + 1 %}{% endfor %}{{ n }} {{ ns.n }}", "0 3"),
                when("set block with a filter", "{% set x | upper %}hi{% endset %}{{ x }}", "HI"),
                when("tuple assignment", "{% set a, b = 1, 2 %}{{ b }}{{ a }}", "21"),
                when("macro with defaults and keywords", "{% macro greet(name, greeting='Hello') %}{{ greeting }}, "
                        + "{{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bo', greeting='Hi') }}",
                        "Hello, Ann! Hi, Bo!"),
                when("filter block", "{% filter upper %}abc{% endfilter %}", "ABC"),
                when("generation block renders its body", "{% generation %}reply{% endgeneration %}", "reply"),
                // filters
                when("trim, upper, lower, title, capitalize",
                        "{{ '  x  '|trim }}{{ 'a'|upper }}{{ 'B'|lower }} {{ 'hello world-wide'|title }} {{ 'hELLO'|capitalize }}",
                        "xAb Hello World-Wide Hello"),
                when("length, first, last, join", "{{ [1, 2, 3]|length }}{{ 'abc'|first }}{{ [1, 2]|last }}"
                        + "{{ ['a', 'b']|join(', ') }}", "3a2a, b"),
                when("default", "{{ x|default('d') }} {{ ''|default('e', true) }} {{ none|default('n') }}",
                        "d e None"),
                when("selectattr, map, list", "{{ items|selectattr('role', 'equalto', 'user')|map(attribute='text')|list }}",
                        Map.of("items", List.of(Map.of("role", "user", "text", "a"), Map.of("role", "bot", "text", "b"))),
                        "['a']"),
                when("reject and select", "{{ [0, 1, 2, 3]|select('odd')|list }} {{ [0, 1, 2]|reject|list }}", "[1, 3] [0]"),
                when("dictsort and items", "{% for k, v in d|dictsort %}{{ k }}{% endfor %}{% for k, v in d|items %}{{ k }}{% endfor %}",
                        Map.of("d", ordered), "abba"),
                when("sort, reverse, unique", "{{ [3, 1, 2]|sort }} {{ [1, 2]|reverse|list }} {{ [1, 1, 2]|unique|list }}",
                        "[1, 2, 3] [2, 1] [1, 2]"),
                when("int, float, abs, round, string", "{{ '42'|int + 1 }} {{ '2.5'|float }} {{ -3|abs }} "
                        + "{{ 2.567|round(2) }} {{ 5|string ~ '!' }}", "43 2.5 3 2.57 5!"),
                when("replace and indent", "{{ 'a-b'|replace('-', '+') }}|{{ 'x\ny'|indent(2) }}|{{ 'x'|indent(2, true) }}",
                        "a+b|x\n  y|  x"),
                when("tojson keeps key order and non-ASCII text", "{{ d|tojson }}", Map.of("d", ordered),
                        "{\"b\": 1, \"a\": [\"x\", \"ü\"]}"),
                when("tojson with indent", "{{ d|tojson(indent=2) }}", Map.of("d", ordered),
                        "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    \"ü\"\n  ]\n}"),
                when("tojson with separators and escapes", "{{ {'k': 'a\"b\\n'}|tojson(separators=(',', ':')) }}",
                        "{\"k\":\"a\\\"b\\n\"}"),
                // tests
                when("type tests", "{{ 'a' is string }}{{ {} is mapping }}{{ [] is sequence }}{{ 1 is number }}"
                        + "{{ 1 is integer }}{{ 1.5 is float }}{{ true is boolean }}{{ none is none }}{{ x is defined }}",
                        "TrueTrueTrueTrueTrueTrueTrueTrueFalse"),
                when("comparison tests", "{{ 3 is divisibleby 3 }}{{ 2 is in [1, 2] }}{{ 'a' is eq 'a' }}{{ 2 is gt(1) }}",
                        "TrueTrueTrueTrue"),
                // methods
                when("string methods", "{{ '  a b  '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'a,b,,c'.split(',') }}|"
                        + "{{ ' a  b '.split() }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}|"
                        + "{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'hello world'.title() }}|{{ '{}-{}'.format(1, 'x') }}",
                        "a b|axx|['a', 'b', '', 'c']|['a', 'b']|TrueTrue|bba|Hello World|1-x"),
                when("dict methods", "{{ d.get('b') }}{{ d.get('z', 0) }}{{ d.keys()|list }}{{ d['a'][1] }}",
                        Map.of("d", ordered), "10['b', 'a']ü"),
                when("slicing", "{{ 'hello'[1:3] }} {{ [1, 2, 3, 4][::-1] }} {{ 'abc'[-1] }} {{ [1, 2, 3][-2:] }}",
                        "el [4, 3, 2, 1] c [2, 3]"),
                when("an attribute of undefined is undefined, as in llama.cpp",
                        "{{ tool.return.description is defined }}", "False"),
                when("a string joined with undefined, as in llama.cpp", "{{ 'a' + nothing + 'b' }}", "ab"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void renders(Case c) {
        assertThat(Template.compile(c.template()).render(c.variables())).isEqualTo(c.expected());
    }

    @Test
    void raiseExceptionFailsTheRenderingWithTheTemplatesMessage() {
        Template template = Template.compile("line one\n{{ raise_exception('Roles must alternate') }}");

        assertThatThrownBy(() -> template.render(Map.of()))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("Roles must alternate")
                .satisfies(e -> assertThat(((TemplateException) e).line()).isEqualTo(2));
    }

    @Test
    void divisionByZeroFailsTheRendering() {
        for (String division : List.of("1 / 0", "1 // 0", "1 % 0", "1.5 // 0.0")) {
            assertThatThrownBy(() -> Template.compile("{{ " + division + " }}").render(Map.of()))
                    .as(division).hasMessageContaining("division by zero");
        }
    }

    @Test
    void aSyntaxErrorSaysWhereAndWhatWasExpected() {
        assertThatThrownBy(() -> Template.compile("ok\n{% if x %}\n{{ 1 + }}"))
                .isInstanceOf(TemplateException.class)
                .hasMessage("expected an expression but found '}}' (line 3, column 8)");
        assertThatThrownBy(() -> Template.compile("{% for x in y %}"))
                .hasMessageContaining("expected '{% else %}' or '{% endfor %}' but found the end of the template");
        assertThatThrownBy(() -> Template.compile("{% unknown %}")).hasMessageContaining("unknown statement 'unknown'");
    }

    @Test
    void aTemplateCannotRunForever() {
        Template template = Template.compile("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");

        assertThatThrownBy(() -> template.render(Map.of())).hasMessageContaining("steps");
    }

    @Test
    void aTemplateCannotExhaustMemory() {
        assertThatThrownBy(() -> Template.compile("{{ 'x' * 1000000000 }}").render(Map.of()))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> Template.compile("{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}"
                + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}").render(Map.of())).hasMessageContaining("longer than");
        assertThatThrownBy(() -> Template.compile("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").render(Map.of()))
                .hasMessageContaining("nest deeper");
        assertThatThrownBy(() -> Template.compile("{{ " + "(".repeat(100000) + "1" + ")".repeat(100000) + " }}"))
                .isInstanceOf(TemplateException.class);
    }

    @Test
    void aTemplateSeesOnlyPlainValues() {
        assertThatThrownBy(() -> Template.compile("{{ x }}").render(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
        // no Python object model to climb: attributes beyond a mapping's keys do not exist
        assertThat(Template.compile("{{ ''.__class__ }}{{ x.__dict__ }}").render(Map.of("x", Map.of()))).isEmpty();
    }
}
