package org.openmaas.chat.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code namespace(...)} makes: the one mutable object of a template, whose attributes {@code set ns.x = ...}
 * changes from inside a loop (where a plain {@code set} would only change the loop's scope).
 */
final class Namespace {

    final Map<Object, Object> attributes = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + attributes + ">";
    }
}
