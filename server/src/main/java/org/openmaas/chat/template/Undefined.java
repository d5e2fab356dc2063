package org.openmaas.chat.template;

/**
 * A name or item that does not exist, with the semantics of Jinja's default {@code Undefined} as llama.cpp's renderer
 * relaxes them: it prints as nothing, is false, iterates as empty, has length 0, its attributes are undefined and
 * joined to a string it is "", but other arithmetic or comparison with it is an error.
 */
record Undefined(String name) {

    TemplateException error() {
        return new TemplateException("'" + name + "' is undefined", 0, 0);
    }
}
