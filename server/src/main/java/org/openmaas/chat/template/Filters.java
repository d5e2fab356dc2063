package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Jinja's built-in filters, with transformers' {@code tojson} in place of Jinja's HTML-safe one. */
final class Filters {

    // Jinja's title filter capitalises after a hyphen, whitespace or an opening bracket
    private static final Pattern WORD_BEGINNING = Pattern.compile("(?<=[-\\s({\\[<])|(?=[-\\s({\\[<])");

    private Filters() {
    }

    static Object apply(String name, Object value, List<Object> a, Map<String, Object> k) {
        return switch (name) {
            case "default", "d" -> {
                boolean falsy = Values.truthy(keyword(a, k, 1, "boolean", false));
                yield value instanceof Undefined || (falsy && !Values.truthy(value)) ? keyword(a, k, 0, "default_value", "")
                        : value;
            }
            case "length", "count" -> Values.length(value);
            case "string" -> Values.str(value);
            case "safe", "forceescape" -> value;
            case "escape", "e" -> Values.str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("'", "&#39;").replace("\"", "&#34;");
            case "trim" -> Strings.strip(text(value), keyword(a, k, 0, "chars", null), true, true);
            case "upper" -> text(value).toUpperCase(Locale.ROOT);
            case "lower" -> text(value).toLowerCase(Locale.ROOT);
            case "capitalize" -> Strings.capitalize(text(value));
            case "title" -> title(text(value));
            case "replace" -> Strings.replace(text(value), Methods.string(a.get(0)), Methods.string(a.get(1)),
                    a.size() > 2 ? Values.asLong(a.get(2)) : -1);
            case "indent" -> indent(text(value), keyword(a, k, 0, "width", 4L), Values.truthy(keyword(a, k, 1, "first",
                    false)), Values.truthy(keyword(a, k, 2, "blank", false)));
            case "join" -> {
                List<Object> items = Values.iterate(value);
                Object attribute = keyword(a, k, 1, "attribute", null);
                List<Object> texts = new ArrayList<>(items.size());
                for (Object item : items) {
                    texts.add(Values.str(attribute == null ? item : lookup(item, attribute)));
                }
                yield Strings.join(Values.str(keyword(a, k, 0, "d", "")), texts);
            }
            case "first" -> {
                List<Object> items = Values.iterate(value);
                yield items.isEmpty() ? new Undefined("first") : items.getFirst();
            }
            case "last" -> {
                List<Object> items = Values.iterate(value);
                yield items.isEmpty() ? new Undefined("last") : items.getLast();
            }
            case "list" -> new ArrayList<>(Values.iterate(value));
            case "items" -> value instanceof Undefined ? List.of() : Methods.attribute(mapping(value), "items") instanceof Callable items
                    ? items.call(List.of(), Map.of()) : List.of();
            case "dictsort" -> dictsort(mapping(value), Values.truthy(keyword(a, k, 0, "case_sensitive", false)),
                    Values.str(keyword(a, k, 1, "by", "key")), Values.truthy(keyword(a, k, 2, "reverse", false)));
            case "reverse" -> {
                if (value instanceof String s) {
                    yield new StringBuilder(s).reverse().toString();
                }
                List<Object> items = new ArrayList<>(Values.iterate(value));
                java.util.Collections.reverse(items);
                yield items;
            }
            case "sort" -> sort(value, Values.truthy(keyword(a, k, 0, "reverse", false)),
                    Values.truthy(keyword(a, k, 1, "case_sensitive", false)), keyword(a, k, 2, "attribute", null));
            case "unique" -> unique(value, Values.truthy(keyword(a, k, 0, "case_sensitive", false)),
                    keyword(a, k, 1, "attribute", null));
            case "min", "max" -> {
                List<Object> items = sort(value, name.equals("max"), Values.truthy(keyword(a, k, 0, "case_sensitive",
                        false)), keyword(a, k, 1, "attribute", null));
                yield items.isEmpty() ? new Undefined(name) : items.getFirst();
            }
            case "sum" -> {
                Object attribute = keyword(a, k, 0, "attribute", null);
                Object total = keyword(a, k, 1, "start", 0L);
                for (Object item : Values.iterate(value)) {
                    total = Operators.apply("+", total, attribute == null ? item : lookup(item, attribute));
                }
                yield total;
            }
            case "abs" -> switch (Operators.defined(value)) {
                case Long l -> Math.abs(l);
                case Double d -> Math.abs(d);
                default -> throw new TemplateException("bad operand type for abs(): '" + Values.typeName(value) + "'", 0, 0);
            };
            case "int" -> toInt(value, keyword(a, k, 0, "default", 0L));
            case "float" -> toFloat(value, keyword(a, k, 0, "default", 0.0));
            case "round" -> round(Values.asDouble(Operators.defined(value)), Values.asLong(keyword(a, k, 0, "precision", 0L)),
                    Values.str(keyword(a, k, 1, "method", "common")));
            case "tojson" -> tojson(value, a, k);
            case "wordcount" -> (long) Strings.split(text(value), null, null, false).size();
            case "batch" -> batch(value, Values.asLong(a.getFirst()), keyword(a, k, 1, "fill_with", null));
            case "attr" -> Methods.attribute(value, Methods.string(a.getFirst()));
            case "map" -> {
                List<Object> mapped = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    if (k.containsKey("attribute")) {
                        Object found = lookup(item, k.get("attribute"));
                        mapped.add(found instanceof Undefined && k.containsKey("default") ? k.get("default") : found);
                    } else {
                        mapped.add(apply(Methods.string(a.getFirst()), item, a.subList(1, a.size()), Map.of()));
                    }
                }
                yield mapped;
            }
            case "select", "reject" -> {
                List<Object> kept = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    boolean passes = a.isEmpty() ? Values.truthy(item)
                            : Tests.test(Methods.string(a.getFirst()), item, a.subList(1, a.size()));
                    if (passes == name.equals("select")) {
                        kept.add(item);
                    }
                }
                yield kept;
            }
            case "selectattr", "rejectattr" -> {
                List<Object> kept = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    Object attribute = lookup(item, a.getFirst());
                    boolean passes = a.size() < 2 ? Values.truthy(attribute)
                            : Tests.test(Methods.string(a.get(1)), attribute, a.subList(2, a.size()));
                    if (passes == name.equals("selectattr")) {
                        kept.add(item);
                    }
                }
                yield kept;
            }
            default -> throw new TemplateException("no filter named '" + name + "'", 0, 0);
        };
    }

    /** An argument given by position or by keyword, or its default. */
    private static Object keyword(List<Object> arguments, Map<String, Object> keywords, int index, String name,
                                  Object absent) {
        return index < arguments.size() ? arguments.get(index) : keywords.getOrDefault(name, absent);
    }

    /** Jinja's filters on text take any value as its string: undefined as "". */
    private static String text(Object value) {
        return Values.str(value);
    }

    private static Map<?, ?> mapping(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new TemplateException("expected a mapping, not " + Values.typeName(value), 0, 0);
        }
        return map;
    }

    /** {@code attribute} of an item; a dotted name goes deeper ({@code "function.name"}), as Jinja's does. */
    private static Object lookup(Object item, Object attribute) {
        Object found = item;
        for (String part : Values.str(attribute).split("\\.")) {
            found = part.chars().allMatch(Character::isDigit) && !(found instanceof Map<?, ?>)
                    ? Methods.item(found, Long.parseLong(part)) : Methods.item(found, part);
        }
        return found;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        for (String word : WORD_BEGINNING.split(s)) {
            if (!word.isEmpty()) {
                out.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    /** Jinja's indent: lines after the first (and the first with {@code first}) get the indentation, blank ones not. */
    private static String indent(String s, Object width, boolean first, boolean blank) {
        String indentation = width instanceof String w ? w : " ".repeat((int) Values.asLong(width));
        List<String> lines = (s + "\n").lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i > 0) {
                out.append('\n').append(blank || !line.isEmpty() ? indentation : "");
            }
            out.append(line);
        }
        return first ? indentation + out : out.toString();
    }

    private static List<Object> dictsort(Map<?, ?> map, boolean caseSensitive, String by, boolean reverse) {
        int position = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw new TemplateException("dictsort: 'by' must be 'key' or 'value', not '" + by + "'", 0, 0);
        };
        List<Object> items = new ArrayList<>();
        map.forEach((key, value) -> items.add(new ArrayList<>(java.util.Arrays.asList(key, value))));
        Comparator<Object> order = (x, y) -> Values.compare(sortKey(((List<?>) x).get(position), caseSensitive),
                sortKey(((List<?>) y).get(position), caseSensitive));
        items.sort(reverse ? order.reversed() : order);
        return items;
    }

    private static List<Object> sort(Object value, boolean reverse, boolean caseSensitive, Object attribute) {
        List<Object> items = new ArrayList<>(Values.iterate(value));
        Comparator<Object> order = (x, y) -> Values.compare(
                sortKey(attribute == null ? x : lookup(x, attribute), caseSensitive),
                sortKey(attribute == null ? y : lookup(y, attribute), caseSensitive));
        items.sort(reverse ? order.reversed() : order);
        return items;
    }

    private static Object sortKey(Object value, boolean caseSensitive) {
        return !caseSensitive && value instanceof String s ? s.toLowerCase(Locale.ROOT) : value;
    }

    private static List<Object> unique(Object value, boolean caseSensitive, Object attribute) {
        List<Object> seen = new ArrayList<>();
        List<Object> kept = new ArrayList<>();
        for (Object item : Values.iterate(value)) {
            Object key = sortKey(attribute == null ? item : lookup(item, attribute), caseSensitive);
            if (seen.stream().noneMatch(s -> Values.equal(s, key))) {
                seen.add(key);
                kept.add(item);
            }
        }
        return kept;
    }

    private static Object toInt(Object value, Object fallback) {
        try {
            return switch (value) {
                case Long l -> l;
                case Boolean b -> b ? 1L : 0L;
                case Double d -> (long) d.doubleValue();
                case String s -> {
                    String t = s.strip().replace("_", "");
                    yield t.contains(".") || t.contains("e") || t.contains("E") ? (long) Double.parseDouble(t)
                            : Long.parseLong(t);
                }
                default -> fallback;
            };
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Object toFloat(Object value, Object fallback) {
        try {
            return switch (value) {
                case Long l -> (double) l;
                case Double d -> d;
                case Boolean b -> b ? 1.0 : 0.0;
                case String s -> Double.parseDouble(s.strip());
                default -> fallback;
            };
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static double round(double value, long precision, String method) {
        double scale = Math.pow(10, precision);
        double scaled = value * scale;
        double rounded = switch (method) {
            case "common" -> new java.math.BigDecimal(Double.toString(value))
                    .setScale((int) precision, java.math.RoundingMode.HALF_UP).doubleValue() * scale;
            case "ceil" -> Math.ceil(scaled);
            case "floor" -> Math.floor(scaled);
            default -> throw new TemplateException("round: method must be 'common', 'ceil' or 'floor'", 0, 0);
        };
        return rounded / scale;
    }

    /**
     * transformers' {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}; a positional
     * argument is the indent, as in Jinja's own filter, which templates written for it pass.
     */
    private static String tojson(Object value, List<Object> arguments, Map<String, Object> keywords) {
        Object indent = keyword(arguments, keywords, 0, "indent", null);
        Object separators = keywords.get("separators");
        String items = null;
        String keys = null;
        if (separators instanceof List<?> pair && pair.size() == 2) {
            items = Methods.string(pair.get(0));
            keys = Methods.string(pair.get(1));
        }
        Object json = Values.truthy(keywords.get("sort_keys")) ? sortKeys(value) : value;
        return Values.toJson(json, indent == null ? null : Values.asLong(indent), items, keys);
    }

    private static Object sortKeys(Object value) {
        return switch (value) {
            case Map<?, ?> map -> {
                Map<Object, Object> sorted = new LinkedHashMap<>();
                map.keySet().stream().sorted(Values::compare).forEach(key -> sorted.put(key, sortKeys(map.get(key))));
                yield sorted;
            }
            case List<?> list -> list.stream().map(Filters::sortKeys).toList();
            case null, default -> value;
        };
    }

    private static List<Object> batch(Object value, long size, Object fill) {
        if (size < 1) {
            throw new TemplateException("batch size must be positive", 0, 0);
        }
        List<Object> batches = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object item : Values.iterate(value)) {
            current.add(item);
            if (current.size() == size) {
                batches.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            while (fill != null && current.size() < size) {
                current.add(fill);
            }
            batches.add(current);
        }
        return batches;
    }
}
