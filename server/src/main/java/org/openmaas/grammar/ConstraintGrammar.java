package org.openmaas.grammar;

import org.openmaas.engine.OutputConstraint;

/** The GBNF grammar an engine decodes an {@link OutputConstraint} with. */
public final class ConstraintGrammar {

    private ConstraintGrammar() {
    }

    /**
     * @throws GrammarException when the schema or pattern cannot be expressed
     * @throws IllegalArgumentException for {@link OutputConstraint.None}, which needs no grammar
     */
    public static String gbnf(OutputConstraint constraint) {
        return switch (constraint) {
            case OutputConstraint.JsonSchema schema -> JsonSchemaGrammar.compile(schema.schema());
            case OutputConstraint.Regex regex -> RegexGrammar.compile(regex.pattern());
            case OutputConstraint.Gbnf gbnf -> gbnf.grammar();
            case OutputConstraint.None none -> throw new IllegalArgumentException("no constraint, no grammar");
        };
    }
}
