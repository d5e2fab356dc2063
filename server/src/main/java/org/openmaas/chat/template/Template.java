package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jinja template compiled once, rendered any number of times from any thread, with the environment transformers
 * renders chat templates in: {@code trim_blocks}, {@code lstrip_blocks}, loop controls, no autoescaping, the globals
 * {@code range}, {@code namespace}, {@code dict} and {@code raise_exception}, and its {@code tojson}. A rendering sees
 * only the values it is given (maps, lists, strings, numbers, booleans, null) and stops with a
 * {@link TemplateException} when it runs too long or builds too much.
 */
public final class Template {

    private final List<Node> nodes;

    private Template(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** @throws TemplateException when {@code source} is not a template this engine can run, naming where and why */
    public static Template compile(String source) {
        try {
            return new Template(Parser.parse(source));
        } catch (StackOverflowError e) {
            throw new TemplateException("the template nests too deeply", 0, 0);
        }
    }

    /**
     * Renders with {@code variables}: Java maps, lists, strings, numbers, booleans and nulls (None), copied.
     *
     * @throws TemplateException when the template fails: an error of the template, {@code raise_exception}, a limit
     */
    public String render(Map<String, ?> variables) {
        Scope globals = new Scope(null);
        globals.set("range", (Callable) Template::range);
        globals.set("namespace", (Callable) Template::namespace);
        globals.set("dict", (Callable) (arguments, keywords) -> new LinkedHashMap<Object, Object>(keywords));
        globals.set("raise_exception", (Callable) (arguments, keywords) -> {
            throw new TemplateException("the template raised: " + (arguments.isEmpty() ? "" : Values.str(arguments.getFirst())), 0, 0);
        });
        variables.forEach((name, value) -> globals.set(name, value instanceof Callable ? value : copy(value)));
        try {
            return new Interpreter().render(nodes, globals);
        } catch (StackOverflowError e) {
            throw new TemplateException("the template nests too deeply", 0, 0);
        }
    }

    /** A Java value as a template value: collections copied into fresh ones, ints widened to longs. */
    private static Object copy(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Double d -> d;
            case Float f -> f.doubleValue();
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((key, item) -> copy.put(copy(key), copy(item)));
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(item -> copy.add(copy(item)));
                yield copy;
            }
            default -> throw new IllegalArgumentException("a template cannot see a " + value.getClass().getName());
        };
    }

    private static Object namespace(List<Object> arguments, Map<String, Object> keywords) {
        Namespace namespace = new Namespace();
        for (Object argument : arguments) {
            if (argument instanceof Map<?, ?> map) {
                namespace.attributes.putAll(map);
            }
        }
        namespace.attributes.putAll(keywords);
        return namespace;
    }

    private static Object range(List<Object> arguments, Map<String, Object> keywords) {
        long start = arguments.size() > 1 ? Values.asLong(arguments.get(0)) : 0;
        long stop = Values.asLong(arguments.get(arguments.size() > 1 ? 1 : 0));
        long step = arguments.size() > 2 ? Values.asLong(arguments.get(2)) : 1;
        if (step == 0) {
            throw new TemplateException("range() step must not be zero", 0, 0);
        }
        Limits.checkLength(Math.max(0, (stop - start) / (double) step), "range()");
        List<Object> numbers = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            numbers.add(i);
        }
        return numbers;
    }
}
