package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attribute and item access, and the Python methods templates call on strings, dicts and lists. Lookup follows
 * Jinja's: a method wins over a mapping's key of the same name, a missing attribute or item is {@link Undefined}; an
 * attribute or item of an undefined value is undefined too, as in llama.cpp's renderer (Jinja would fail), so
 * {@code tool.return.description is defined} works when {@code tool} has no {@code return}. There are no mutating methods: transformers renders in Jinja's
 * immutable sandbox, where {@code list.append} and {@code dict.update} fail too.
 */
final class Methods {

    private Methods() {
    }

    static Object attribute(Object target, String name) {
        if (target instanceof Undefined) {
            return new Undefined(name);
        }
        Callable method = switch (target) {
            case String s -> stringMethod(s, name);
            case Map<?, ?> map -> dictMethod(map, name);
            case List<?> list -> listMethod(list, name);
            default -> null;
        };
        if (method != null) {
            return method;
        }
        return switch (target) {
            case Map<?, ?> map -> map.containsKey(name) ? map.get(name) : new Undefined(name);
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : new Undefined(name);
            default -> new Undefined(name);
        };
    }

    static Object item(Object target, Object key) {
        return switch (target) {
            case Undefined u -> new Undefined(Values.str(key));
            case Map<?, ?> map -> map.containsKey(key) ? map.get(key) : key instanceof String s ? attribute(map, s)
                    : new Undefined(Values.str(key));
            case List<?> list when Values.isNumber(key) && !(key instanceof Double) -> {
                long index = Values.asLong(key);
                long at = index < 0 ? list.size() + index : index;
                yield at >= 0 && at < list.size() ? list.get((int) at) : new Undefined("[" + index + "]");
            }
            case String s when Values.isNumber(key) && !(key instanceof Double) -> {
                int[] codePoints = s.codePoints().toArray();
                long index = Values.asLong(key);
                long at = index < 0 ? codePoints.length + index : index;
                yield at >= 0 && at < codePoints.length ? Character.toString(codePoints[(int) at])
                        : new Undefined("[" + index + "]");
            }
            case Namespace ns when key instanceof String s -> attribute(ns, s);
            default -> key instanceof String s ? attribute(target, s) : new Undefined(Values.str(key));
        };
    }

    /** Python's {@code target[start:stop:step]} on a list or string; null bounds are absent ones. */
    static Object slice(Object target, Object start, Object stop, Object step) {
        List<Object> items = switch (Operators.defined(target)) {
            case List<?> list -> new ArrayList<>(list);
            case String s -> Values.iterate(s);
            default -> throw new TemplateException("'" + Values.typeName(target) + "' object is not subscriptable", 0, 0);
        };
        int n = items.size();
        long by = step == null ? 1 : Values.asLong(step);
        if (by == 0) {
            throw new TemplateException("slice step cannot be zero", 0, 0);
        }
        long from = bound(start, n, by > 0 ? 0 : n - 1, by);
        long to = bound(stop, n, by > 0 ? n : -1, by);
        List<Object> result = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            result.add(items.get((int) i));
        }
        if (target instanceof String) {
            StringBuilder s = new StringBuilder();
            result.forEach(c -> s.append((String) c));
            return s.toString();
        }
        return result;
    }

    /** A slice bound clamped as Python clamps it. */
    private static long bound(Object value, int n, long absent, long step) {
        if (value == null || value instanceof Undefined) {
            return absent;
        }
        long index = Values.asLong(value);
        if (index < 0) {
            index += n;
            return index < 0 ? (step > 0 ? 0 : -1) : index;
        }
        return index >= n ? (step > 0 ? n : n - 1) : index;
    }

    private static Callable stringMethod(String s, String name) {
        return switch (name) {
            case "strip" -> (a, k) -> Strings.strip(s, argument(a, 0), true, true);
            case "lstrip" -> (a, k) -> Strings.strip(s, argument(a, 0), true, false);
            case "rstrip" -> (a, k) -> Strings.strip(s, argument(a, 0), false, true);
            case "split" -> (a, k) -> Strings.split(s, keyword(a, k, 0, "sep"), keyword(a, k, 1, "maxsplit"), false);
            case "rsplit" -> (a, k) -> Strings.split(s, keyword(a, k, 0, "sep"), keyword(a, k, 1, "maxsplit"), true);
            case "splitlines" -> (a, k) -> new ArrayList<Object>(s.lines().toList());
            case "startswith" -> (a, k) -> affix(s, argument(a, 0), true);
            case "endswith" -> (a, k) -> affix(s, argument(a, 0), false);
            case "replace" -> (a, k) -> Strings.replace(s, string(argument(a, 0)), string(argument(a, 1)),
                    a.size() > 2 ? Values.asLong(a.get(2)) : -1);
            case "upper" -> (a, k) -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> (a, k) -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> (a, k) -> Strings.pythonTitle(s);
            case "capitalize" -> (a, k) -> Strings.capitalize(s);
            case "find" -> (a, k) -> (long) s.indexOf(string(argument(a, 0)));
            case "count" -> (a, k) -> Strings.count(s, string(argument(a, 0)));
            case "join" -> (a, k) -> Strings.join(s, Values.iterate(argument(a, 0)));
            case "format" -> (a, k) -> Strings.format(s, a, k);
            case "isdigit" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isspace" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            default -> null;
        };
    }

    private static Callable dictMethod(Map<?, ?> map, String name) {
        return switch (name) {
            case "get" -> (a, k) -> {
                Object key = argument(a, 0);
                return map.containsKey(key) ? map.get(key) : a.size() > 1 ? a.get(1) : k.getOrDefault("default", null);
            };
            case "items" -> (a, k) -> {
                List<Object> items = new ArrayList<>();
                map.forEach((key, value) -> {
                    List<Object> pair = new ArrayList<>(2);
                    pair.add(key);
                    pair.add(value);
                    items.add(pair);
                });
                return items;
            };
            case "keys" -> (a, k) -> new ArrayList<Object>(map.keySet());
            case "values" -> (a, k) -> new ArrayList<Object>(map.values());
            default -> null;
        };
    }

    private static Callable listMethod(List<?> list, String name) {
        return switch (name) {
            case "index" -> (a, k) -> {
                Object wanted = argument(a, 0);
                for (int i = 0; i < list.size(); i++) {
                    if (Values.equal(list.get(i), wanted)) {
                        return (long) i;
                    }
                }
                throw new TemplateException(Values.repr(wanted) + " is not in list", 0, 0);
            };
            case "count" -> (a, k) -> list.stream().filter(e -> Values.equal(e, argument(a, 0))).count();
            default -> null;
        };
    }

    private static boolean affix(String s, Object affixes, boolean prefix) {
        for (Object affix : affixes instanceof List<?> list ? list : List.of(string(affixes))) {
            if (prefix ? s.startsWith(string(affix)) : s.endsWith(string(affix))) {
                return true;
            }
        }
        return false;
    }

    private static Object argument(List<Object> arguments, int index) {
        return index < arguments.size() ? arguments.get(index) : null;
    }

    private static Object keyword(List<Object> arguments, Map<String, Object> keywords, int index, String name) {
        return index < arguments.size() ? arguments.get(index) : keywords.get(name);
    }

    static String string(Object value) {
        if (!(value instanceof String s)) {
            throw new TemplateException("expected a string, not " + Values.typeName(value), 0, 0);
        }
        return s;
    }
}
