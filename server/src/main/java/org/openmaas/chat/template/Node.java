package org.openmaas.chat.template;

import java.util.List;
import java.util.Map;

/** The statements of a compiled template: what the parser builds and the interpreter runs. */
sealed interface Node {

    /** Where a tag starts in the source (1-based), for error messages. */
    record Pos(int line, int column) {
    }

    record Text(String text) implements Node {
    }

    /** {@code {{ expression }}} */
    record Print(Expr expression, Pos pos) implements Node {
    }

    /** {@code {% if %}} with its {@code elif}s; {@code otherwise} is the {@code else} body, empty when none. */
    record If(List<Branch> branches, List<Node> otherwise, Pos pos) implements Node {
        record Branch(Expr condition, List<Node> body) {
        }
    }

    /**
     * {@code {% for a, b in iterable if filter %}}; {@code otherwise} runs when nothing was iterated; {@code filter}
     * is null when there is none.
     */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, Pos pos)
            implements Node {
    }

    /** {@code {% set a, b = value %}} or, with {@code namespace}, {@code {% set ns.attribute = value %}}. */
    record Set(String namespace, List<String> targets, Expr value, Pos pos) implements Node {
    }

    /** {@code {% set name %}body{% endset %}}: the rendered body, through {@code filters} when given. */
    record SetBlock(String name, List<Expr.Filter> filters, List<Node> body, Pos pos) implements Node {
    }

    /** {@code {% macro name(a, b=default) %}}; {@code defaults} holds the default of each parameter that has one. */
    record Macro(String name, List<String> parameters, Map<String, Expr> defaults, List<Node> body, Pos pos)
            implements Node {
    }

    /** {@code {% filter name %}body{% endfilter %}}: the filters applied to the rendered body. */
    record FilterBlock(List<Expr.Filter> filters, List<Node> body, Pos pos) implements Node {
    }

    record Break(Pos pos) implements Node {
    }

    record Continue(Pos pos) implements Node {
    }
}
