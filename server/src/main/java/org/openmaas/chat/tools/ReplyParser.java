package org.openmaas.chat.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.openmaas.engine.ToolCall;

/**
 * Reads one reply as it streams, in its family's {@link ToolCallFormat}: text goes out as content as soon as it cannot
 * be the start of a call marker; markup is held until its call is whole, then goes out as a {@link ReplyEvent.Call}
 * with a new id ({@link ToolCallFormat#newCallId()}), never as content. Markup that turns out not to be a call (or a call the reply breaks off)
 * is content after all. Whitespace between the start of the reply, calls and its end is dropped, as clients expect a
 * reply of calls only to have no content.
 *
 * <p>However the reply is split into pieces, the events carry the same content and the same calls. Used by one
 * request thread. Not thread-safe.
 */
public final class ReplyParser {

    private final ToolCallFormat format;
    private final Supplier<String> ids;
    private final StringBuilder pending = new StringBuilder(); // received, not yet given out
    private ToolCallFormat.Opener opener;                      // the marker whose markup is being read; null in text
    private boolean boundary = true;                           // at the start or after a call, only whitespace since
    private int calls;

    public ReplyParser(ToolCallFormat format) {
        this(format, format::newCallId);
    }

    ReplyParser(ToolCallFormat format, Supplier<String> ids) {
        this.format = format;
        this.ids = ids;
    }

    /** Adds text of the reply; returns what may go out now. */
    public List<ReplyEvent> add(String text) {
        pending.append(text);
        return scan(false);
    }

    /** The reply has ended: the rest. */
    public List<ReplyEvent> finish() {
        return scan(true);
    }

    /** How many calls the reply has made so far. */
    public int calls() {
        return calls;
    }

    private List<ReplyEvent> scan(boolean ended) {
        Events events = new Events();
        while (true) {
            if (opener != null) {
                if (!readCall(ended, events)) {
                    return events.list();
                }
                continue;
            }
            String text = pending.toString();
            int lead = boundary ? leadingWhitespace(text) : 0;
            int foundAt = -1;
            for (ToolCallFormat.Opener candidate : format.openers()) {
                int at = candidate.atStart() ? (boundary && text.startsWith(candidate.text(), lead) ? lead : -1)
                        : text.indexOf(candidate.text());
                if (at >= 0 && (foundAt < 0 || at < foundAt)) {
                    foundAt = at;
                    opener = candidate;
                }
            }
            if (opener != null) {
                events.content(text.substring(boundary && foundAt == lead ? lead : 0, foundAt));
                pending.delete(0, foundAt + opener.text().length());
                continue;
            }
            int release = ended ? text.length() : text.length() - heldBack(text, lead);
            boolean dropped = boundary && release == text.length() && lead == text.length() && calls > 0;
            events.content(dropped ? "" : text.substring(0, release));
            pending.delete(0, release);
            return events.list();
        }
    }

    /** Reads the markup after {@link #opener}; false when it needs more text. */
    private boolean readCall(boolean ended, Events events) {
        switch (format.read(opener, pending.toString(), ended)) {
            case Reading.Calls(List<Reading.NamedArguments> found, int consumed) -> {
                for (Reading.NamedArguments call : found) {
                    events.call(new ReplyEvent.Call(calls++, new ToolCall(ids.get(), call.name(), call.arguments())));
                }
                pending.delete(0, consumed);
                boundary = true;
            }
            case Reading.NotACall notACall -> events.content(opener.text());
            case Reading.Incomplete incomplete -> {
                if (!ended) {
                    return false;
                }
                events.content(opener.text() + pending);
                pending.setLength(0);
            }
        }
        opener = null;
        return true;
    }

    /**
     * How many characters at the end of {@code text} could still start a call: the longest end that begins a marker;
     * at a boundary, all of it while it is whitespace and perhaps the start of a marker.
     */
    private int heldBack(String text, int lead) {
        if (boundary) {
            String rest = text.substring(lead);
            for (ToolCallFormat.Opener candidate : format.openers()) {
                if (candidate.text().startsWith(rest)) {
                    return text.length();
                }
            }
        }
        int held = 0;
        for (ToolCallFormat.Opener candidate : format.openers()) {
            if (candidate.atStart()) {
                continue;
            }
            for (int length = Math.min(candidate.text().length() - 1, text.length()); length > held; length--) {
                if (text.endsWith(candidate.text().substring(0, length))) {
                    held = length;
                    break;
                }
            }
        }
        return held;
    }

    private static int leadingWhitespace(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The events of one scan, adjacent content joined; content that goes out ends the boundary. */
    private final class Events {
        private final List<ReplyEvent> list = new ArrayList<>();
        private final StringBuilder content = new StringBuilder();

        void content(String text) {
            if (!text.isEmpty()) {
                content.append(text);
                boundary = false;
            }
        }

        void call(ReplyEvent.Call call) {
            flush();
            list.add(call);
        }

        List<ReplyEvent> list() {
            flush();
            return list;
        }

        private void flush() {
            if (!content.isEmpty()) {
                list.add(new ReplyEvent.Content(content.toString()));
                content.setLength(0);
            }
        }
    }
}
