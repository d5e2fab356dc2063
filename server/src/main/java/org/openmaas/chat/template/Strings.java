package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python's string methods, as templates call them. */
final class Strings {

    private Strings() {
    }

    /** {@code str.strip(chars)}: whitespace when {@code chars} is None. */
    static String strip(String s, Object chars, boolean left, boolean right) {
        String set = chars == null ? null : Methods.string(chars);
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), set)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), set)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String set) {
        return set == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : set.indexOf(c) >= 0;
    }

    /** {@code str.split(sep, maxsplit)} and {@code str.rsplit}: on runs of whitespace when {@code sep} is None. */
    static List<Object> split(String s, Object separator, Object maxSplit, boolean fromRight) {
        long max = maxSplit == null ? -1 : Values.asLong(maxSplit);
        List<Object> parts = new ArrayList<>();
        if (separator == null) {
            String rest = s.strip();
            while (!rest.isEmpty()) {
                if (max >= 0 && parts.size() == max) {
                    parts.add(rest);
                    break;
                }
                int at = fromRight ? lastWhitespace(rest) : firstWhitespace(rest);
                if (at < 0) {
                    parts.add(rest);
                    break;
                }
                parts.add(fromRight ? rest.substring(at + 1) : rest.substring(0, at));
                rest = fromRight ? rest.substring(0, at).stripTrailing() : rest.substring(at + 1).stripLeading();
            }
            if (fromRight) {
                java.util.Collections.reverse(parts);
            }
            return parts;
        }
        String sep = Methods.string(separator);
        if (sep.isEmpty()) {
            throw new TemplateException("empty separator", 0, 0);
        }
        String rest = s;
        while (max < 0 || parts.size() < max) {
            int at = fromRight ? rest.lastIndexOf(sep) : rest.indexOf(sep);
            if (at < 0) {
                break;
            }
            parts.add(fromRight ? rest.substring(at + sep.length()) : rest.substring(0, at));
            rest = fromRight ? rest.substring(0, at) : rest.substring(at + sep.length());
        }
        parts.add(rest);
        if (fromRight) {
            java.util.Collections.reverse(parts);
        }
        return parts;
    }

    private static int firstWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastWhitespace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code str.replace(old, new, count)}; a result longer than the limit fails before it is built. */
    static String replace(String s, String old, String replacement, long count) {
        long occurrences = old.isEmpty() ? s.length() + 1 : count(s, old);
        if (count >= 0) {
            occurrences = Math.min(occurrences, count);
        }
        Limits.checkLength(s.length() + occurrences * (double) (replacement.length() - old.length()), "replace()");
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (long i = 0; i < occurrences; i++) {
            int at = old.isEmpty() ? from : s.indexOf(old, from);
            out.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at < s.length()) {
                    out.append(s.charAt(at));
                }
                from = at + 1;
            } else {
                from = at + old.length();
            }
        }
        return from <= s.length() ? out.append(s, from, s.length()).toString() : out.toString();
    }

    static long count(String s, String part) {
        if (part.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(part); at >= 0; at = s.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    /** {@code separator.join(items)}: the items must be strings, as in Python. */
    static String join(String separator, List<Object> items) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(separator);
            }
            out.append(Methods.string(items.get(i)));
            Limits.checkLength(out.length(), "join()");
        }
        return out.toString();
    }

    /** Python's {@code str.title()}: a letter after a letter is lower case, any other letter upper case. */
    static String pythonTitle(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    /** {@code str.format(*args, **kwargs)} with {@code {}}, {@code {0}} and {@code {name}} fields (no format specs). */
    static String format(String s, List<Object> arguments, Map<String, Object> keywords) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < s.length() && s.charAt(i + 1) == c) {
                out.append(c);
                i++;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new TemplateException("single '{' encountered in format string", 0, 0);
                }
                String field = s.substring(i + 1, close);
                int spec = field.indexOf(':');
                if (spec >= 0) {
                    field = field.substring(0, spec);
                }
                Object value;
                if (field.isEmpty()) {
                    value = next < arguments.size() ? arguments.get(next++) : missing(field);
                } else if (field.chars().allMatch(Character::isDigit)) {
                    int index = Integer.parseInt(field);
                    value = index < arguments.size() ? arguments.get(index) : missing(field);
                } else {
                    value = keywords.containsKey(field) ? keywords.get(field) : missing(field);
                }
                out.append(Values.str(value));
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Object missing(String field) {
        throw new TemplateException("format() has no argument for {" + field + "}", 0, 0);
    }
}
