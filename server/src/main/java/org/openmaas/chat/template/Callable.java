package org.openmaas.chat.template;

import java.util.List;
import java.util.Map;

/** A value a template can call: a macro, a global function such as {@code namespace}, or a bound method. */
@FunctionalInterface
interface Callable {
    Object call(List<Object> arguments, Map<String, Object> keywords);
}
