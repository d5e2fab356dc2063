package org.openmaas.chat.template;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** C's {@code strftime}, as templates call it through {@code strftime_now} (Llama 3.x prints today's date with it). */
final class Strftime {

    private Strftime() {
    }

    static String format(String format, ZonedDateTime time) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char directive = format.charAt(++i);
            out.append(switch (directive) {
                case 'd' -> two(time.getDayOfMonth());
                case 'e' -> String.format("%2d", time.getDayOfMonth());
                case 'm' -> two(time.getMonthValue());
                case 'Y' -> Integer.toString(time.getYear());
                case 'y' -> two(time.getYear() % 100);
                case 'b', 'h' -> time.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> time.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> time.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'H' -> two(time.getHour());
                case 'I' -> two((time.getHour() + 11) % 12 + 1);
                case 'M' -> two(time.getMinute());
                case 'S' -> two(time.getSecond());
                case 'p' -> time.getHour() < 12 ? "AM" : "PM";
                case 'j' -> String.format("%03d", time.getDayOfYear());
                case 'F' -> time.format(DateTimeFormatter.ISO_LOCAL_DATE);
                case 'T' -> time.format(DateTimeFormatter.ofPattern("HH:mm:ss"));
                case '%' -> "%";
                default -> "%" + directive;
            });
        }
        return out.toString();
    }

    private static String two(int value) {
        return String.format("%02d", value);
    }
}
