package org.openmaas.chat.template;

import java.util.List;
import java.util.Map;

/** Jinja's tests ({@code value is name(arguments)}), with its definitions of what is a sequence, mapping, number. */
final class Tests {

    private Tests() {
    }

    static boolean test(String name, Object value, List<Object> arguments) {
        Object argument = arguments.isEmpty() ? null : arguments.getFirst();
        return switch (name) {
            case "defined" -> !(value instanceof Undefined);
            case "undefined" -> value instanceof Undefined;
            case "none" -> value == null;
            case "boolean" -> value instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(value);
            case "false" -> Boolean.FALSE.equals(value);
            case "integer" -> value instanceof Long;
            case "float" -> value instanceof Double;
            case "number" -> Values.isNumber(value);
            case "string" -> value instanceof String;
            case "mapping" -> value instanceof Map<?, ?>;
            // Jinja asks Python whether iter() and len() work: strings and dicts qualify, and so does Undefined
            case "iterable" -> value instanceof String || value instanceof List<?> || value instanceof Map<?, ?>
                    || value instanceof Undefined;
            case "sequence" -> value instanceof String || value instanceof List<?> || value instanceof Map<?, ?>
                    || value instanceof Undefined;
            case "callable" -> value instanceof Callable;
            case "sameas" -> value == argument || (value != null && value.equals(argument) && !Values.isNumber(value));
            case "escaped" -> false;
            case "in" -> Operators.contains(argument, value);
            case "eq", "equalto", "==" -> Values.equal(value, argument);
            case "ne", "!=" -> !Values.equal(value, argument);
            case "lt", "lessthan", "<" -> Values.compare(value, argument) < 0;
            case "le", "<=" -> Values.compare(value, argument) <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(value, argument) > 0;
            case "ge", ">=" -> Values.compare(value, argument) >= 0;
            case "odd" -> Values.asLong(Operators.defined(value)) % 2 != 0;
            case "even" -> Values.asLong(Operators.defined(value)) % 2 == 0;
            case "divisibleby" -> Values.asLong(Operators.defined(value)) % Values.asLong(argument) == 0;
            case "lower" -> value instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> value instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            default -> throw new TemplateException("no test named '" + name + "'", 0, 0);
        };
    }
}
