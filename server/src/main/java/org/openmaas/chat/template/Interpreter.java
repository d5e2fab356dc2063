package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a compiled template once: one instance per rendering, holding its output, its step count and its call depth.
 * Statement errors are reported at the tag that failed.
 */
final class Interpreter {

    private enum Flow { NORMAL, BREAK, CONTINUE }

    private StringBuilder out = new StringBuilder();
    private long steps;
    private int callDepth;
    private int loopDepth;

    String render(List<Node> template, Scope globals) {
        run(template, new Scope(globals));
        return out.toString();
    }

    private Flow run(List<Node> body, Scope scope) {
        for (Node node : body) {
            Flow flow = execute(node, scope);
            if (flow != Flow.NORMAL) {
                return flow;
            }
        }
        return Flow.NORMAL;
    }

    private Flow execute(Node node, Scope scope) {
        step();
        try {
            return switch (node) {
                case Node.Text text -> {
                    write(text.text());
                    yield Flow.NORMAL;
                }
                case Node.Print print -> {
                    write(Values.str(evaluate(print.expression(), scope)));
                    yield Flow.NORMAL;
                }
                case Node.If statement -> {
                    for (Node.If.Branch branch : statement.branches()) {
                        if (Values.truthy(evaluate(branch.condition(), scope))) {
                            yield run(branch.body(), scope);
                        }
                    }
                    yield run(statement.otherwise(), scope);
                }
                case Node.For loop -> forLoop(loop, scope);
                case Node.Set set -> {
                    assign(set, evaluate(set.value(), scope), scope);
                    yield Flow.NORMAL;
                }
                case Node.SetBlock block -> {
                    scope.set(block.name(), filtered(capture(block.body(), scope), block.filters(), scope));
                    yield Flow.NORMAL;
                }
                case Node.Macro macro -> {
                    scope.set(macro.name(), macro(macro, scope));
                    yield Flow.NORMAL;
                }
                case Node.FilterBlock block -> {
                    write(Values.str(filtered(capture(block.body(), scope), block.filters(), scope)));
                    yield Flow.NORMAL;
                }
                case Node.Break b -> insideLoop(Flow.BREAK, "break");
                case Node.Continue c -> insideLoop(Flow.CONTINUE, "continue");
            };
        } catch (TemplateException e) {
            if (e.line() > 0) {
                throw e;
            }
            Node.Pos pos = position(node);
            throw new TemplateException(e.getMessage(), pos.line(), pos.column());
        }
    }

    private Flow insideLoop(Flow flow, String statement) {
        if (loopDepth == 0) {
            throw new TemplateException("'" + statement + "' outside a loop", 0, 0);
        }
        return flow;
    }

    private static Node.Pos position(Node node) {
        return switch (node) {
            case Node.Text text -> new Node.Pos(0, 0);
            case Node.Print n -> n.pos();
            case Node.If n -> n.pos();
            case Node.For n -> n.pos();
            case Node.Set n -> n.pos();
            case Node.SetBlock n -> n.pos();
            case Node.Macro n -> n.pos();
            case Node.FilterBlock n -> n.pos();
            case Node.Break n -> n.pos();
            case Node.Continue n -> n.pos();
        };
    }

    private void assign(Node.Set set, Object value, Scope scope) {
        if (set.namespace() != null) {
            if (!(scope.get(set.namespace()) instanceof Namespace namespace)) {
                throw new TemplateException("cannot set an attribute of '" + set.namespace()
                        + "': only a namespace() has attributes to set", 0, 0);
            }
            namespace.attributes.put(set.targets().getFirst(), value);
            return;
        }
        unpack(set.targets(), value, scope);
    }

    /** Binds one name to {@code value}, or several to its items ({@code for k, v in ...}, {@code set a, b = ...}). */
    private static void unpack(List<String> names, Object value, Scope scope) {
        if (names.size() == 1) {
            scope.set(names.getFirst(), value);
            return;
        }
        List<Object> values = Values.iterate(value);
        if (values.size() != names.size()) {
            throw new TemplateException("cannot unpack " + values.size() + " values into " + names.size() + " names",
                    0, 0);
        }
        for (int i = 0; i < values.size(); i++) {
            scope.set(names.get(i), values.get(i));
        }
    }

    private Flow forLoop(Node.For loop, Scope scope) {
        List<Object> items = new ArrayList<>();
        for (Object item : Values.iterate(evaluate(loop.iterable(), scope))) {
            if (loop.filter() == null || Values.truthy(evaluate(loop.filter(), bind(loop, item, scope)))) {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            return run(loop.otherwise(), scope);
        }
        loopDepth++;
        try {
            Map<Object, Object> info = new LinkedHashMap<>();
            int length = items.size();
            info.put("length", (long) length);
            info.put("depth", 1L);
            info.put("depth0", 0L);
            Callable cycle = (arguments, keywords) -> arguments.isEmpty() ? new Undefined("cycle")
                    : arguments.get((int) (Values.asLong(info.get("index0")) % arguments.size()));
            info.put("cycle", cycle);
            for (int i = 0; i < length; i++) {
                step();
                info.put("index", (long) i + 1);
                info.put("index0", (long) i);
                info.put("revindex", (long) (length - i));
                info.put("revindex0", (long) (length - i - 1));
                info.put("first", i == 0);
                info.put("last", i == length - 1);
                info.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("previtem"));
                info.put("nextitem", i < length - 1 ? items.get(i + 1) : new Undefined("nextitem"));
                Scope iteration = bind(loop, items.get(i), scope);
                iteration.set("loop", info);
                if (run(loop.body(), iteration) == Flow.BREAK) {
                    break;
                }
            }
            return Flow.NORMAL;
        } finally {
            loopDepth--;
        }
    }

    /** A scope with the loop's variables bound to {@code item} (unpacked when the loop names several). */
    private Scope bind(Node.For loop, Object item, Scope scope) {
        Scope iteration = new Scope(scope);
        unpack(loop.targets(), item, iteration);
        return iteration;
    }

    private Callable macro(Node.Macro macro, Scope definition) {
        return (arguments, keywords) -> {
            if (++callDepth > Limits.MAX_CALL_DEPTH) {
                throw new TemplateException("macro calls nest deeper than " + Limits.MAX_CALL_DEPTH, 0, 0);
            }
            try {
                Scope call = new Scope(definition);
                List<String> parameters = macro.parameters();
                for (int i = 0; i < parameters.size(); i++) {
                    String name = parameters.get(i);
                    Object value;
                    if (i < arguments.size()) {
                        value = arguments.get(i);
                    } else if (keywords.containsKey(name)) {
                        value = keywords.get(name);
                    } else if (macro.defaults().containsKey(name)) {
                        value = evaluate(macro.defaults().get(name), call);
                    } else {
                        value = new Undefined(name);
                    }
                    call.set(name, value);
                }
                call.set("varargs", arguments.size() > parameters.size()
                        ? List.copyOf(arguments.subList(parameters.size(), arguments.size())) : List.of());
                Map<Object, Object> extra = new LinkedHashMap<>();
                keywords.forEach((key, value) -> {
                    if (!parameters.contains(key)) {
                        extra.put(key, value);
                    }
                });
                call.set("kwargs", extra);
                return capture(macro.body(), call);
            } finally {
                callDepth--;
            }
        };
    }

    /** Renders {@code body} into a string of its own (a macro's result, a set block's value). */
    private String capture(List<Node> body, Scope scope) {
        StringBuilder saved = out;
        out = new StringBuilder();
        int savedLoops = loopDepth;
        loopDepth = 0; // break and continue do not cross a macro or block
        try {
            run(body, new Scope(scope));
            return out.toString();
        } finally {
            out = saved;
            loopDepth = savedLoops;
        }
    }

    private Object filtered(Object value, List<Expr.Filter> filters, Scope scope) {
        for (Expr.Filter filter : filters) {
            value = applyFilter(filter, value, scope);
        }
        return value;
    }

    Object evaluate(Expr expression, Scope scope) {
        return switch (expression) {
            case Expr.Literal literal -> literal.value();
            case Expr.Name name -> scope.get(name.name());
            case Expr.ListLiteral list -> {
                List<Object> items = new ArrayList<>(list.items().size());
                for (Expr item : list.items()) {
                    items.add(evaluate(item, scope));
                }
                yield items;
            }
            case Expr.DictLiteral dict -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < dict.keys().size(); i++) {
                    map.put(evaluate(dict.keys().get(i), scope), evaluate(dict.values().get(i), scope));
                }
                yield map;
            }
            case Expr.Attribute attribute -> Methods.attribute(evaluate(attribute.target(), scope), attribute.name());
            case Expr.Item item -> Methods.item(evaluate(item.target(), scope), evaluate(item.key(), scope));
            case Expr.Slice slice -> Methods.slice(evaluate(slice.target(), scope), optional(slice.start(), scope),
                    optional(slice.stop(), scope), optional(slice.step(), scope));
            case Expr.Call call -> {
                Object callee = evaluate(call.callee(), scope);
                if (!(callee instanceof Callable function)) {
                    throw new TemplateException(callee instanceof Undefined u ? "'" + u.name() + "' is undefined"
                            : "'" + Values.typeName(callee) + "' object is not callable", 0, 0);
                }
                step();
                yield checked(function.call(evaluateAll(call.arguments(), scope), evaluateAll(call.keywords(), scope)));
            }
            case Expr.Filter filter -> applyFilter(filter, evaluate(filter.target(), scope), scope);
            case Expr.Test test -> {
                boolean result = Tests.test(test.name(), evaluate(test.target(), scope),
                        evaluateAll(test.arguments(), scope));
                yield result != test.negated();
            }
            case Expr.Unary unary -> {
                Object operand = evaluate(unary.operand(), scope);
                yield switch (unary.operator()) {
                    case "not" -> !Values.truthy(operand);
                    case "-" -> Operators.negate(operand);
                    default -> Operators.plus(operand);
                };
            }
            case Expr.Binary binary -> binary(binary, scope);
            case Expr.Conditional conditional -> Values.truthy(evaluate(conditional.condition(), scope))
                    ? evaluate(conditional.then(), scope)
                    : conditional.otherwise() == null ? new Undefined("else") : evaluate(conditional.otherwise(), scope);
        };
    }

    private Object binary(Expr.Binary binary, Scope scope) {
        Object left = evaluate(binary.left(), scope);
        return switch (binary.operator()) {
            case "and" -> Values.truthy(left) ? evaluate(binary.right(), scope) : left;
            case "or" -> Values.truthy(left) ? left : evaluate(binary.right(), scope);
            default -> checked(Operators.apply(binary.operator(), left, evaluate(binary.right(), scope)));
        };
    }

    private Object optional(Expr expression, Scope scope) {
        return expression == null ? null : evaluate(expression, scope);
    }

    private List<Object> evaluateAll(List<Expr> expressions, Scope scope) {
        List<Object> values = new ArrayList<>(expressions.size());
        for (Expr expression : expressions) {
            values.add(evaluate(expression, scope));
        }
        return values;
    }

    private Map<String, Object> evaluateAll(Map<String, Expr> expressions, Scope scope) {
        Map<String, Object> values = new HashMap<>();
        expressions.forEach((name, expression) -> values.put(name, evaluate(expression, scope)));
        return values;
    }

    private Object applyFilter(Expr.Filter filter, Object value, Scope scope) {
        step();
        return checked(Filters.apply(filter.name(), value, evaluateAll(filter.arguments(), scope),
                evaluateAll(filter.keywords(), scope)));
    }

    /** Fails a string or list longer than the limit: the way a template could exhaust memory without printing. */
    private Object checked(Object value) {
        Limits.checkLength(value instanceof String s ? s.length() : value instanceof List<?> list ? list.size() : 0,
                "a value the template built");
        return value;
    }

    private void write(String text) {
        Limits.checkLength((double) out.length() + text.length(), "the template's output");
        out.append(text);
    }

    private void step() {
        if (++steps > Limits.MAX_STEPS) {
            throw new TemplateException("the template ran more than " + Limits.MAX_STEPS + " steps", 0, 0);
        }
    }
}
