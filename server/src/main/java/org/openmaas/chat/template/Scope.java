package org.openmaas.chat.template;

import java.util.HashMap;
import java.util.Map;

/** Variables of one frame (the template, a loop iteration, a macro call), falling back to the enclosing frame's. */
final class Scope {

    private final Map<String, Object> variables = new HashMap<>();
    private final Scope parent;

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value of {@code name}, or an {@link Undefined} naming it. */
    Object get(String name) {
        for (Scope scope = this; scope != null; scope = scope.parent) {
            if (scope.variables.containsKey(name)) {
                return scope.variables.get(name);
            }
        }
        return new Undefined(name);
    }

    /** Sets {@code name} in this frame only, as Jinja's {@code set} does. */
    void set(String name, Object value) {
        variables.put(name, value);
    }
}
