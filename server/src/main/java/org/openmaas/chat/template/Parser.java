package org.openmaas.chat.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmaas.chat.template.Token.Kind;

/** Recursive descent over the lexer's tokens, with Jinja's operator precedence, into {@link Node}s. */
final class Parser {

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", ">", "<=", ">=");
    // Names that end a test's bare argument (`x is divisibleby 3` takes one; `x is defined and y` does not)
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "if", "else", "in", "is");

    private final List<Token> tokens;
    private int index;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser parser = new Parser(Lexer.tokenize(source));
        List<Node> body = new ArrayList<>();
        String end = parser.body(body, Set.of());
        if (end != null) {
            Token token = parser.previous();
            throw new TemplateException("unexpected '" + end + "' with no block open", token.line(), token.column());
        }
        return body;
    }

    /**
     * Parses nodes into {@code body} until one of {@code endTags} (returned, its tag name consumed but not the rest of
     * its tag) or the end of the template (null, only allowed when {@code endTags} is empty).
     */
    private String body(List<Node> body, Set<String> endTags) {
        while (true) {
            Token token = next();
            switch (token.kind()) {
                case TEXT -> body.add(new Node.Text(token.text()));
                case PRINT_OPEN -> {
                    Expr expression = expression();
                    expect(Kind.PRINT_CLOSE, "'}}'");
                    body.add(new Node.Print(expression, pos(token)));
                }
                case BLOCK_OPEN -> {
                    Token name = expectName("a statement");
                    if (endTags.contains(name.text())) {
                        return name.text();
                    }
                    statement(name, pos(token), body);
                }
                case END -> {
                    if (!endTags.isEmpty()) {
                        throw error(token, "'{% " + String.join(" %}' or '{% ", endTags.stream().sorted().toList())
                                + " %}'");
                    }
                    return null;
                }
                default -> throw error(token, "template text or a tag");
            }
        }
    }

    private void statement(Token name, Node.Pos pos, List<Node> body) {
        switch (name.text()) {
            case "if" -> body.add(ifStatement(pos));
            case "for" -> body.add(forStatement(pos));
            case "set" -> body.add(setStatement(pos));
            case "macro" -> body.add(macro(pos));
            case "filter" -> {
                List<Expr.Filter> filters = filterChain();
                expectBlockClose();
                List<Node> inner = new ArrayList<>();
                body(inner, Set.of("endfilter"));
                expectBlockClose();
                body.add(new Node.FilterBlock(filters, List.copyOf(inner), pos));
            }
            case "generation" -> { // transformers' marker of the assistant's tokens: renders its body unchanged
                expectBlockClose();
                body(body, Set.of("endgeneration"));
                expectBlockClose();
            }
            case "break" -> {
                expectBlockClose();
                body.add(new Node.Break(pos));
            }
            case "continue" -> {
                expectBlockClose();
                body.add(new Node.Continue(pos));
            }
            default -> throw new TemplateException("unknown statement '" + name.text() + "'", name.line(), name.column());
        }
    }

    private Node ifStatement(Node.Pos pos) {
        List<Node.If.Branch> branches = new ArrayList<>();
        Expr condition = expression();
        while (true) {
            expectBlockClose();
            List<Node> branch = new ArrayList<>();
            String end = body(branch, Set.of("elif", "else", "endif"));
            branches.add(new Node.If.Branch(condition, List.copyOf(branch)));
            switch (end) {
                case "elif" -> condition = expression();
                case "else" -> {
                    expectBlockClose();
                    List<Node> otherwise = new ArrayList<>();
                    body(otherwise, Set.of("endif"));
                    expectBlockClose();
                    return new Node.If(List.copyOf(branches), List.copyOf(otherwise), pos);
                }
                default -> {
                    expectBlockClose();
                    return new Node.If(List.copyOf(branches), List.of(), pos);
                }
            }
        }
    }

    private Node forStatement(Node.Pos pos) {
        List<String> targets = new ArrayList<>();
        do {
            targets.add(expectName("a loop variable").text());
        } while (accept(","));
        Token in = next();
        if (!in.isName("in")) {
            throw error(in, "'in'");
        }
        Expr iterable = or(); // not a conditional: `if` here filters the loop
        Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = or();
        }
        if (peek().isName("recursive")) {
            throw error(peek(), "'%}' (recursive loops are not supported)");
        }
        expectBlockClose();
        List<Node> body = new ArrayList<>();
        String end = body(body, Set.of("else", "endfor"));
        List<Node> otherwise = new ArrayList<>();
        if (end.equals("else")) {
            expectBlockClose();
            body(otherwise, Set.of("endfor"));
        }
        expectBlockClose();
        return new Node.For(List.copyOf(targets), iterable, filter, List.copyOf(body), List.copyOf(otherwise), pos);
    }

    private Node setStatement(Node.Pos pos) {
        Token first = expectName("a variable name");
        if (accept(".")) {
            String attribute = expectName("an attribute name").text();
            expectOperator("=");
            Expr value = expression();
            expectBlockClose();
            return new Node.Set(first.text(), List.of(attribute), value, pos);
        }
        List<String> targets = new ArrayList<>(List.of(first.text()));
        while (accept(",")) {
            targets.add(expectName("a variable name").text());
        }
        if (accept("=")) {
            Expr value = tupleOrExpression();
            expectBlockClose();
            return new Node.Set(null, List.copyOf(targets), value, pos);
        }
        if (targets.size() > 1) {
            throw error(peek(), "'='");
        }
        List<Expr.Filter> filters = accept("|") ? filterChain() : List.of();
        expectBlockClose();
        List<Node> body = new ArrayList<>();
        body(body, Set.of("endset"));
        expectBlockClose();
        return new Node.SetBlock(first.text(), filters, List.copyOf(body), pos);
    }

    private Node macro(Node.Pos pos) {
        String name = expectName("a macro name").text();
        expectOperator("(");
        List<String> parameters = new ArrayList<>();
        Map<String, Expr> defaults = new LinkedHashMap<>();
        if (!accept(")")) {
            do {
                String parameter = expectName("a parameter name").text();
                parameters.add(parameter);
                if (accept("=")) {
                    defaults.put(parameter, expression());
                }
            } while (accept(","));
            expectOperator(")");
        }
        expectBlockClose();
        List<Node> body = new ArrayList<>();
        body(body, Set.of("endmacro"));
        expectBlockClose();
        return new Node.Macro(name, List.copyOf(parameters), Map.copyOf(defaults), List.copyOf(body), pos);
    }

    /** {@code name(args) | name ...}: a filter block's filters, or a set block's after its {@code |}. */
    private List<Expr.Filter> filterChain() {
        List<Expr.Filter> filters = new ArrayList<>();
        do {
            filters.add(filter(null));
        } while (accept("|"));
        return List.copyOf(filters);
    }

    /** {@code a, b} without brackets is a tuple, as in {@code set a, b = 1, 2}. */
    private Expr tupleOrExpression() {
        Expr first = expression();
        if (!peek().isOperator(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (accept(",")) {
            items.add(expression());
        }
        return new Expr.ListLiteral(List.copyOf(items));
    }

    Expr expression() {
        Expr then = or();
        if (peek().isName("if")) {
            next();
            Expr condition = or();
            Expr otherwise = null;
            if (peek().isName("else")) {
                next();
                otherwise = expression();
            }
            return new Expr.Conditional(condition, then, otherwise);
        }
        return then;
    }

    private Expr or() {
        Expr left = and();
        while (peek().isName("or")) {
            next();
            left = new Expr.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (peek().isName("and")) {
            next();
            left = new Expr.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (peek().isName("not")) {
            next();
            return new Expr.Unary("not", not());
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = sum();
        while (true) {
            Token token = peek();
            if (token.kind() == Kind.OPERATOR && COMPARISONS.contains(token.text())) {
                next();
                left = new Expr.Binary(token.text(), left, sum());
            } else if (token.isName("in")) {
                next();
                left = new Expr.Binary("in", left, sum());
            } else if (token.isName("not") && peekAt(1).isName("in")) {
                next();
                next();
                left = new Expr.Binary("not in", left, sum());
            } else {
                return left;
            }
        }
    }

    private Expr sum() {
        Expr left = concatenation();
        while (peek().isOperator("+") || peek().isOperator("-")) {
            String operator = next().text();
            left = new Expr.Binary(operator, left, concatenation());
        }
        return left;
    }

    private Expr concatenation() {
        Expr left = product();
        while (peek().isOperator("~")) {
            next();
            left = new Expr.Binary("~", left, product());
        }
        return left;
    }

    private Expr product() {
        Expr left = power();
        while (peek().isOperator("*") || peek().isOperator("/") || peek().isOperator("//") || peek().isOperator("%")) {
            String operator = next().text();
            left = new Expr.Binary(operator, left, power());
        }
        return left;
    }

    private Expr power() {
        Expr left = unary(true);
        while (peek().isOperator("**")) {
            next();
            left = new Expr.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilters) {
        Expr operand;
        if (peek().isOperator("-") || peek().isOperator("+")) {
            operand = new Expr.Unary(next().text(), unary(false));
        } else {
            operand = postfix(primary());
        }
        return withFilters ? filtersAndTests(operand) : operand;
    }

    private Expr filtersAndTests(Expr target) {
        while (true) {
            if (accept("|")) {
                target = filter(target);
            } else if (peek().isName("is")) {
                next();
                boolean negated = false;
                if (peek().isName("not")) {
                    next();
                    negated = true;
                }
                String name = testName();
                List<Expr> arguments = new ArrayList<>();
                if (peek().isOperator("(")) {
                    next();
                    arguments.addAll(arguments(new LinkedHashMap<>()));
                } else if (startsBareArgument(peek())) {
                    arguments.add(postfix(primary()));
                }
                target = new Expr.Test(target, name, List.copyOf(arguments), negated);
            } else {
                return target;
            }
        }
    }

    private String testName() {
        Token token = next();
        if (token.kind() == Kind.NAME) {
            return token.text();
        }
        if (token.kind() == Kind.OPERATOR && COMPARISONS.contains(token.text())) {
            return token.text(); // `x is == 3`, Jinja's alias of eq
        }
        throw error(token, "a test name");
    }

    private static boolean startsBareArgument(Token token) {
        return switch (token.kind()) {
            case STRING, INTEGER, FLOAT -> true;
            case NAME -> !KEYWORDS.contains(token.text());
            case OPERATOR -> token.text().equals("[") || token.text().equals("{");
            default -> false;
        };
    }

    private Expr.Filter filter(Expr target) {
        String name = expectName("a filter name").text();
        while (accept(".")) { // dotted filter names do not exist in transformers' environment, but parse them
            name += "." + expectName("a filter name").text();
        }
        Map<String, Expr> keywords = new LinkedHashMap<>();
        List<Expr> arguments = List.of();
        if (accept("(")) {
            arguments = arguments(keywords);
        }
        return new Expr.Filter(target, name, arguments, Map.copyOf(keywords));
    }

    private Expr primary() {
        Token token = next();
        switch (token.kind()) {
            case STRING -> {
                StringBuilder text = new StringBuilder(token.text());
                while (peek().kind() == Kind.STRING) { // adjacent literals join, as in Python
                    text.append(next().text());
                }
                return new Expr.Literal(text.toString());
            }
            case INTEGER -> {
                return new Expr.Literal(Long.parseLong(token.text()));
            }
            case FLOAT -> {
                return new Expr.Literal(Double.parseDouble(token.text()));
            }
            case NAME -> {
                return switch (token.text()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                    case "none", "None" -> new Expr.Literal(null);
                    default -> new Expr.Name(token.text());
                };
            }
            case OPERATOR -> {
                switch (token.text()) {
                    case "(" -> {
                        if (accept(")")) {
                            return new Expr.ListLiteral(List.of());
                        }
                        Expr inner = expression();
                        if (peek().isOperator(",")) {
                            List<Expr> items = new ArrayList<>(List.of(inner));
                            while (accept(",") && !peek().isOperator(")")) {
                                items.add(expression());
                            }
                            inner = new Expr.ListLiteral(List.copyOf(items));
                        }
                        expectOperator(")");
                        return inner;
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!accept("]")) {
                            items.add(expression());
                            if (!accept(",")) {
                                expectOperator("]");
                                break;
                            }
                        }
                        return new Expr.ListLiteral(List.copyOf(items));
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!accept("}")) {
                            keys.add(expression());
                            expectOperator(":");
                            values.add(expression());
                            if (!accept(",")) {
                                expectOperator("}");
                                break;
                            }
                        }
                        return new Expr.DictLiteral(List.copyOf(keys), List.copyOf(values));
                    }
                    default -> throw error(token, "an expression");
                }
            }
            default -> throw error(token, "an expression");
        }
    }

    private Expr postfix(Expr target) {
        while (true) {
            if (accept(".")) {
                Token name = next();
                if (name.kind() == Kind.INTEGER) { // `pair.0`, Jinja's item shorthand
                    target = new Expr.Item(target, new Expr.Literal(Long.parseLong(name.text())));
                } else if (name.kind() == Kind.NAME) {
                    target = new Expr.Attribute(target, name.text());
                } else {
                    throw error(name, "an attribute name");
                }
            } else if (accept("[")) {
                target = subscript(target);
            } else if (accept("(")) {
                Map<String, Expr> keywords = new LinkedHashMap<>();
                List<Expr> arguments = arguments(keywords);
                target = new Expr.Call(target, arguments, Map.copyOf(keywords));
            } else {
                return target;
            }
        }
    }

    private Expr subscript(Expr target) {
        Expr start = peek().isOperator(":") ? null : expression();
        if (!peek().isOperator(":")) {
            expectOperator("]");
            return new Expr.Item(target, start);
        }
        next();
        Expr stop = peek().isOperator(":") || peek().isOperator("]") ? null : expression();
        Expr step = null;
        if (accept(":")) {
            step = peek().isOperator("]") ? null : expression();
        }
        expectOperator("]");
        return new Expr.Slice(target, start, stop, step);
    }

    /** Call arguments after the opening parenthesis, through the closing one; keyword arguments go to {@code keywords}. */
    private List<Expr> arguments(Map<String, Expr> keywords) {
        List<Expr> arguments = new ArrayList<>();
        while (!accept(")")) {
            if (peek().kind() == Kind.NAME && peekAt(1).isOperator("=")) {
                String name = next().text();
                next();
                keywords.put(name, expression());
            } else {
                arguments.add(expression());
            }
            if (!accept(",")) {
                expectOperator(")");
                break;
            }
        }
        return List.copyOf(arguments);
    }

    private Token peek() {
        return tokens.get(index);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(index + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token token = tokens.get(index);
        if (token.kind() != Kind.END) {
            index++;
        }
        return token;
    }

    private Token previous() {
        return tokens.get(Math.max(0, index - 1));
    }

    private boolean accept(String operator) {
        if (peek().isOperator(operator)) {
            next();
            return true;
        }
        return false;
    }

    private void expectOperator(String operator) {
        Token token = next();
        if (!token.isOperator(operator)) {
            throw error(token, "'" + operator + "'");
        }
    }

    private Token expectName(String what) {
        Token token = next();
        if (token.kind() != Kind.NAME) {
            throw error(token, what);
        }
        return token;
    }

    private void expect(Kind kind, String what) {
        Token token = next();
        if (token.kind() != kind) {
            throw error(token, what);
        }
    }

    private void expectBlockClose() {
        expect(Kind.BLOCK_CLOSE, "'%}'");
    }

    private static Node.Pos pos(Token token) {
        return new Node.Pos(token.line(), token.column());
    }

    private static TemplateException error(Token found, String expected) {
        return new TemplateException("expected " + expected + " but found " + found.describe(), found.line(),
                found.column());
    }
}
