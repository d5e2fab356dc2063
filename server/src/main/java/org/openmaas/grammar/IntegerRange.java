package org.openmaas.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for the decimal integers in a range, written digit by digit (no leading zeros, no {@code -0}), the way
 * llama.cpp's JSON Schema converter bounds integers: e.g. 15 to 213 is 15-19, 20-99, 100-199, 200-209, 210-213.
 */
final class IntegerRange {

    /** An unbounded side stops at this many digits, as the unbounded integer rule does. */
    static final int MAX_DIGITS = 16;
    /** Bounds beyond this cannot be written within {@link #MAX_DIGITS} digits with room to spare. */
    static final long MAX_BOUND = 999_999_999_999_999L;

    private IntegerRange() {
    }

    /**
     * @param low  the least integer allowed, or null for none
     * @param high the greatest, or null for none; not below {@code low}
     */
    static String expression(Long low, Long high) {
        List<String> alternatives = new ArrayList<>();
        if (low == null || low < 0) {
            long fewest = high == null || high >= 0 ? 1 : -high; // the negatives' magnitudes, from here...
            Long most = low == null ? null : -low;                 // ...to here
            alternatives.add("\"-\" " + nonNegative(fewest, most));
        }
        if (high == null || high >= 0) {
            alternatives.add(nonNegative(low == null ? 0 : Math.max(0, low), high));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    private static String nonNegative(long low, Long high) {
        int fewestDigits = digits(low);
        int mostDigits = high == null ? MAX_DIGITS : digits(high);
        List<String> alternatives = new ArrayList<>();
        for (int length = fewestDigits; length <= mostDigits; length++) {
            String from = length == fewestDigits ? Long.toString(low) : "1" + "0".repeat(length - 1);
            String to = high != null && length == mostDigits ? Long.toString(high) : "9".repeat(length);
            alternatives.add(sameLength(from, to));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    /** The numbers from {@code from} to {@code to}, both written with the same number of digits. */
    private static String sameLength(String from, String to) {
        if (from.isEmpty()) {
            return "\"\"";
        }
        if (from.equals(to)) {
            return "\"" + from + "\"";
        }
        int rest = from.length() - 1;
        char first = from.charAt(0);
        char last = to.charAt(0);
        if (first == last) {
            return "\"" + first + "\" " + sameLength(from.substring(1), to.substring(1));
        }
        boolean fromAllZeros = from.substring(1).chars().allMatch(c -> c == '0');
        boolean toAllNines = to.substring(1).chars().allMatch(c -> c == '9');
        List<String> alternatives = new ArrayList<>();
        char middleFrom = fromAllZeros ? first : (char) (first + 1);
        char middleTo = toAllNines ? last : (char) (last - 1);
        if (!fromAllZeros) {
            alternatives.add("\"" + first + "\" " + sameLength(from.substring(1), "9".repeat(rest)));
        }
        if (middleFrom <= middleTo) {
            alternatives.add("[" + middleFrom + "-" + middleTo + "]" + (rest > 0 ? " [0-9]{" + rest + "}" : ""));
        }
        if (!toAllNines) {
            alternatives.add("\"" + last + "\" " + sameLength("0".repeat(rest), to.substring(1)));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }
}
