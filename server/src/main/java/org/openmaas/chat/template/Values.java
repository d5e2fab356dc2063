package org.openmaas.chat.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's semantics on the values a template sees: {@code null} (None), {@link Boolean}, {@link Long} (int),
 * {@link Double} (float), {@link String}, {@code List<Object>}, {@code Map<Object, Object>} (insertion-ordered),
 * {@link Undefined}, {@link Namespace} and {@link Callable}. Nothing else reaches a template, so a template cannot
 * reach into the server's objects.
 */
final class Values {

    private Values() {
    }

    static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case List<?> list -> !list.isEmpty();
            case Map<?, ?> map -> !map.isEmpty();
            default -> true;
        };
    }

    /** Python's {@code str()}, as {@code {{ value }}} and {@code ~} print it. */
    static String str(Object value) {
        return switch (value) {
            case null -> "None";
            case String s -> s;
            case Undefined u -> "";
            case List<?> list -> repr(list);
            case Map<?, ?> map -> repr(map);
            default -> repr(value);
        };
    }

    /** Python's {@code repr()}: how a value prints inside a list or dict. */
    static String repr(Object value) {
        return switch (value) {
            case null -> "None";
            case Undefined u -> "";
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> pythonFloat(d);
            case String s -> quote(s);
            case List<?> list -> {
                StringBuilder out = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ", ").append(repr(list.get(i)));
                }
                yield out.append(']').toString();
            }
            case Map<?, ?> map -> {
                StringBuilder out = new StringBuilder("{");
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ", ").append(repr(entry.getKey())).append(": ").append(repr(entry.getValue()));
                    first = false;
                }
                yield out.append('}').toString();
            }
            case Namespace ns -> "<Namespace " + repr(ns.attributes) + ">";
            default -> "<function>";
        };
    }

    /** Python's float repr: the shortest digits that read back, {@code 1.0} not {@code 1}, exponent past 1e16. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        double magnitude = Math.abs(d);
        if (d == 0 || (magnitude >= 1e-4 && magnitude < 1e16)) {
            String plain = new BigDecimal(Double.toString(d)).toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String java = Double.toString(d); // shortest digits, e.g. 1.0E-5 or 1.2345E20
        int e = java.indexOf('E');
        String mantissa = java.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exponent = Integer.parseInt(java.substring(e + 1));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    private static String quote(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }

    static String typeName(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case Undefined u -> "Undefined";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case List<?> list -> "list";
            case Map<?, ?> map -> "dict";
            case Namespace ns -> "Namespace";
            default -> "function";
        };
    }

    static boolean isNumber(Object value) {
        return value instanceof Long || value instanceof Double || value instanceof Boolean;
    }

    /** Python's {@code ==}: numbers by value across int, float and bool; sequences and mappings by content. */
    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return asDouble(a) == asDouble(b);
            }
            return asLong(a) == asLong(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : x.entrySet()) {
                if (!y.containsKey(entry.getKey()) || !equal(entry.getValue(), y.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python's ordering for {@code <} and sorting: numbers, strings, and sequences element by element. */
    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(asDouble(a), asDouble(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compare(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new TemplateException("cannot compare " + typeName(a) + " with " + typeName(b), 0, 0);
    }

    static long asLong(Object value) {
        return switch (value) {
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case Double d -> (long) d.doubleValue();
            default -> throw new TemplateException("expected an integer, not " + typeName(value), 0, 0);
        };
    }

    static double asDouble(Object value) {
        return switch (value) {
            case Long l -> l;
            case Double d -> d;
            case Boolean b -> b ? 1 : 0;
            default -> throw new TemplateException("expected a number, not " + typeName(value), 0, 0);
        };
    }

    /** What {@code for} iterates: a list's items, a mapping's keys, a string's characters; undefined as empty. */
    static List<Object> iterate(Object value) {
        return switch (value) {
            case List<?> list -> Collections.unmodifiableList(new ArrayList<>(list)); // None items are nulls
            case Map<?, ?> map -> new ArrayList<>(map.keySet());
            case String s -> {
                List<Object> characters = new ArrayList<>();
                s.codePoints().forEach(c -> characters.add(Character.toString(c)));
                yield characters;
            }
            case Undefined u -> List.of();
            case null, default -> throw new TemplateException("'" + typeName(value) + "' object is not iterable", 0, 0);
        };
    }

    static long length(Object value) {
        return switch (value) {
            case String s -> s.codePointCount(0, s.length());
            case List<?> list -> list.size();
            case Map<?, ?> map -> map.size();
            case Undefined u -> 0;
            case null, default -> throw new TemplateException("object of type '" + typeName(value) + "' has no len()", 0, 0);
        };
    }

    /**
     * Python's {@code json.dumps} as transformers' {@code tojson} calls it: {@code ensure_ascii=False}, keys in
     * insertion order, {@code indent} (null for one line) and {@code separators} (null for Python's defaults).
     */
    static String toJson(Object value, Long indent, String itemSeparator, String keySeparator) {
        StringBuilder out = new StringBuilder();
        String items = itemSeparator != null ? itemSeparator : indent != null ? "," : ", ";
        String keys = keySeparator != null ? keySeparator : ": ";
        writeJson(out, value, indent, items, keys, 0);
        return out.toString();
    }

    private static void writeJson(StringBuilder out, Object value, Long indent, String items, String keys, int level) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Long l -> out.append(l);
            case Double d -> out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
                    : pythonFloat(d));
            case String s -> jsonString(out, s);
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                Iterator<?> it = list.iterator();
                for (int i = 0; it.hasNext(); i++) {
                    out.append(i == 0 ? "" : items);
                    newline(out, indent, level + 1);
                    writeJson(out, it.next(), indent, items, keys, level + 1);
                }
                newline(out, indent, level);
                out.append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : items);
                    first = false;
                    newline(out, indent, level + 1);
                    Object key = entry.getKey();
                    jsonString(out, key instanceof String s ? s : key instanceof Boolean b ? b.toString()
                            : key == null ? "null" : str(key));
                    out.append(keys);
                    writeJson(out, entry.getValue(), indent, items, keys, level + 1);
                }
                newline(out, indent, level);
                out.append('}');
            }
            case Namespace ns -> writeJson(out, ns.attributes, indent, items, keys, level);
            default -> throw new TemplateException("Object of type " + typeName(value) + " is not JSON serializable", 0, 0);
        }
    }

    private static void newline(StringBuilder out, Long indent, int level) {
        if (indent != null) {
            out.append('\n').repeat(" ", (int) (indent * level));
        }
    }

    private static void jsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
