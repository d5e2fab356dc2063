package org.openmaas.api;

import org.openmaas.engine.Engine;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.UnsupportedParameterException;
import org.openmaas.grammar.GrammarException;

/** The last validation step every generation route shares: the product's engine says whether it can serve it. */
public final class Constraints {

    private Constraints() {
    }

    /**
     * {@link Engine#requireSupported}, with an output constraint the engine cannot compile or honour refused under
     * the request field it came from.
     *
     * @param constraintField where the request's {@link GenerationRequest#constraint()} came from, e.g.
     *                        {@code response_format}
     */
    public static void requireSupported(Engine engine, GenerationRequest request, String constraintField) {
        try {
            engine.requireSupported(request);
        } catch (GrammarException e) {
            throw new ApiException.InvalidArgument(constraintField + ": " + e.getMessage(), constraintField);
        } catch (UnsupportedParameterException e) {
            if (!e.parameter().equals(OutputConstraint.PARAMETER)) {
                throw e;
            }
            throw new ApiException.InvalidArgument(constraintField + ": " + e.getMessage(), constraintField);
        }
    }
}
