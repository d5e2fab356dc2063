package org.openmaas.chat.template;

import java.util.List;
import java.util.Map;

/** The expressions of a compiled template. */
sealed interface Expr {

    /** A string, number, boolean or none. */
    record Literal(Object value) implements Expr {
    }

    record Name(String name) implements Expr {
    }

    /** A list or tuple literal: templates cannot tell them apart here, both are immutable sequences. */
    record ListLiteral(List<Expr> items) implements Expr {
    }

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {
    }

    /** {@code target.name}: an item of a mapping, or a method of a string, mapping or list. */
    record Attribute(Expr target, String name) implements Expr {
    }

    /** {@code target[key]} */
    record Item(Expr target, Expr key) implements Expr {
    }

    /** {@code target[start:stop:step]}; absent bounds are null. */
    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    record Call(Expr callee, List<Expr> arguments, Map<String, Expr> keywords) implements Expr {
    }

    /** {@code target | name(arguments)}; {@code target} is null in a filter block's or set block's list. */
    record Filter(Expr target, String name, List<Expr> arguments, Map<String, Expr> keywords) implements Expr {
    }

    /** {@code target is [not] name(arguments)} */
    record Test(Expr target, String name, List<Expr> arguments, boolean negated) implements Expr {
    }

    /** {@code not}, unary {@code -} and {@code +}. */
    record Unary(String operator, Expr operand) implements Expr {
    }

    /** Arithmetic, comparison, {@code ~}, {@code in}, {@code not in}, {@code and}, {@code or}. */
    record Binary(String operator, Expr left, Expr right) implements Expr {
    }

    /** {@code then if condition else otherwise}; {@code otherwise} null means undefined. */
    record Conditional(Expr condition, Expr then, Expr otherwise) implements Expr {
    }
}
