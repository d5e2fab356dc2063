package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's binary and unary operators on template values. */
final class Operators {

    private Operators() {
    }

    /**
     * {@code left operator right} for arithmetic, comparison, {@code ~}, {@code in} and {@code not in}; a repetition
     * ({@code 'ab' * 3}) longer than {@link Limits#MAX_LENGTH} fails before it is built.
     */
    static Object apply(String operator, Object left, Object right) {
        if ((operator.equals("+") || operator.equals("~")) && (absent(left) && right instanceof String
                || absent(right) && left instanceof String)) {
            // llama.cpp's renderer joins a string with None or undefined as with "", where Jinja would print "None" or
            // fail: templates that forget a variable (firefunction's `functions`) render there, and so here
            return (absent(left) ? "" : left) + (absent(right) ? "" : (String) right);
        }
        return switch (operator) {
            case "~" -> Values.str(left) + Values.str(right);
            case "==" -> Values.equal(left, right);
            case "!=" -> !Values.equal(left, right);
            case "<" -> Values.compare(defined(left), defined(right)) < 0;
            case ">" -> Values.compare(defined(left), defined(right)) > 0;
            case "<=" -> Values.compare(defined(left), defined(right)) <= 0;
            case ">=" -> Values.compare(defined(left), defined(right)) >= 0;
            case "in" -> contains(right, left);
            case "not in" -> !contains(right, left);
            case "+" -> add(defined(left), defined(right));
            case "*" -> multiply(defined(left), defined(right));
            default -> arithmetic(operator, defined(left), defined(right));
        };
    }

    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s when item instanceof String part -> s.contains(part);
            case String s -> throw new TemplateException("'in <string>' requires a string, not "
                    + Values.typeName(item), 0, 0);
            case List<?> list -> list.stream().anyMatch(element -> Values.equal(element, item));
            case Map<?, ?> map -> map.containsKey(item);
            case Undefined u -> false;
            case null, default -> throw new TemplateException("argument of type '" + Values.typeName(container)
                    + "' is not iterable", 0, 0);
        };
    }

    static Object negate(Object operand) {
        return switch (defined(operand)) {
            case Long l -> -l;
            case Double d -> -d;
            case Boolean b -> b ? -1L : 0L;
            default -> throw unary("-", operand);
        };
    }

    static Object plus(Object operand) {
        if (!Values.isNumber(defined(operand))) {
            throw unary("+", operand);
        }
        return operand instanceof Boolean b ? (b ? 1L : 0L) : operand;
    }

    private static Object add(Object left, Object right) {
        if (left instanceof String a && right instanceof String b) {
            return a + b;
        }
        if (left instanceof List<?> a && right instanceof List<?> b) {
            List<Object> joined = new ArrayList<>(a);
            joined.addAll(b);
            return joined;
        }
        return arithmetic("+", left, right);
    }

    private static Object multiply(Object left, Object right) {
        if (left instanceof Long || left instanceof Boolean) {
            if (right instanceof String || right instanceof List<?>) {
                return multiply(right, left);
            }
        }
        if ((left instanceof String || left instanceof List<?>) && (right instanceof Long || right instanceof Boolean)) {
            long times = Math.max(0, Values.asLong(right));
            long length = left instanceof String s ? s.length() : ((List<?>) left).size();
            Limits.checkLength(length * (double) times, "repeating a value " + times + " times");
            if (left instanceof String s) {
                return s.repeat((int) times);
            }
            List<Object> repeated = new ArrayList<>();
            for (long i = 0; i < times; i++) {
                repeated.addAll((List<?>) left);
            }
            return repeated;
        }
        return arithmetic("*", left, right);
    }

    private static Object arithmetic(String operator, Object left, Object right) {
        if (!Values.isNumber(left) || !Values.isNumber(right)) {
            throw unsupported(operator, left, right);
        }
        if ((operator.equals("/") || operator.equals("//") || operator.equals("%")) && Values.asDouble(right) == 0) {
            throw new TemplateException("division by zero", 0, 0);
        }
        boolean integers = !(left instanceof Double) && !(right instanceof Double);
        if (integers && !operator.equals("/")) {
            long a = Values.asLong(left);
            long b = Values.asLong(right);
            return switch (operator) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "//" -> Math.floorDiv(a, b);
                case "%" -> Math.floorMod(a, b);
                case "**" -> {
                    if (b < 0) {
                        yield Math.pow(a, b);
                    }
                    yield power(a, b);
                }
                default -> throw unsupported(operator, left, right);
            };
        }
        double a = Values.asDouble(left);
        double b = Values.asDouble(right);
        return switch (operator) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> a / b;
            case "//" -> Math.floor(a / b);
            case "%" -> a - Math.floor(a / b) * b;
            case "**" -> Math.pow(a, b);
            default -> throw unsupported(operator, left, right);
        };
    }

    /** By squaring, failing on overflow (Python's ints would grow; no template needs that). */
    private static long power(long base, long exponent) {
        try {
            long result = 1;
            for (long b = base, e = exponent; e > 0; e >>= 1) {
                if ((e & 1) != 0) {
                    result = Math.multiplyExact(result, b);
                }
                if (e > 1) {
                    b = Math.multiplyExact(b, b);
                }
            }
            return result;
        } catch (ArithmeticException e) {
            throw new TemplateException(base + " ** " + exponent + " does not fit in 64 bits", 0, 0);
        }
    }

    private static boolean absent(Object value) {
        return value == null || value instanceof Undefined;
    }

    /** Computing with an undefined value is an error, as with Jinja's default Undefined. */
    static Object defined(Object value) {
        if (value instanceof Undefined u) {
            throw u.error();
        }
        return value;
    }

    private static TemplateException unsupported(String operator, Object left, Object right) {
        return new TemplateException("unsupported operand type(s) for " + operator + ": '" + Values.typeName(left)
                + "' and '" + Values.typeName(right) + "'", 0, 0);
    }

    private static TemplateException unary(String operator, Object operand) {
        return new TemplateException("bad operand type for unary " + operator + ": '" + Values.typeName(operand) + "'",
                0, 0);
    }
}
