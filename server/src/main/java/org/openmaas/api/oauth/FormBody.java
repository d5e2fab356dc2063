package org.openmaas.api.oauth;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.openmaas.api.ApiException;
import org.openmaas.api.Utf8;
import org.openmaas.auth.OAuthError;
import org.openmaas.auth.OAuthException;

/**
 * An {@code application/x-www-form-urlencoded} body as its fields. Each name and value is percent-decoded into bytes
 * first and then read as strict UTF-8 ({@link Utf8}), because {@link java.net.URLDecoder} replaces a malformed
 * sequence instead of refusing it.
 */
final class FormBody {

    private FormBody() {
    }

    /** The fields of {@code body}; a field given twice is refused (RFC 6749 §3.2). */
    static Map<String, String> parse(byte[] body) {
        Map<String, String> form = new HashMap<>();
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start, body.length);
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start, end);
                String name = decode(body, start, eq, "a form field name");
                String value = eq == end ? "" : decode(body, eq + 1, end, "form field '" + name + "'");
                if (form.put(name, value) != null) {
                    throw new OAuthException(OAuthError.INVALID_REQUEST, "parameter '" + name + "' is given more than once");
                }
            }
            start = end + 1;
        }
        return form;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return to;
    }

    private static String decode(byte[] body, int from, int to, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '%') {
                bytes.write(percentEscaped(body, i, to, what));
                i += 2;
            } else {
                bytes.write(b == '+' ? ' ' : b);
            }
        }
        try {
            return Utf8.decode(bytes.toByteArray(), what);
        } catch (ApiException.InvalidArgument e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, e.getMessage());
        }
    }

    /** The byte that the {@code %XX} at {@code percent} stands for. */
    private static int percentEscaped(byte[] body, int percent, int to, String what) {
        if (percent + 2 >= to || !HexFormat.isHexDigit(body[percent + 1]) || !HexFormat.isHexDigit(body[percent + 2])) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, what + " is not valid URL encoding: '%' must be "
                    + "followed by two hex digits");
        }
        return HexFormat.fromHexDigit(body[percent + 1]) << 4 | HexFormat.fromHexDigit(body[percent + 2]);
    }
}
