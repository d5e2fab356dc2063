/**
 * Constrained output as GBNF, llama.cpp's grammar format: {@link org.openmaas.grammar.JsonSchemaGrammar} (JSON Schema),
 * {@link org.openmaas.grammar.RegexGrammar} (TGI's regex grammar and JSON Schema's {@code pattern}),
 * {@link org.openmaas.grammar.Gbnf} for composing grammars (a JSON value between a model family's tool-call tags), and
 * {@link org.openmaas.grammar.ConstraintGrammar}, the grammar an engine decodes an
 * {@link org.openmaas.engine.OutputConstraint} with. Pure Java: llama.cpp sees only the grammar text. What cannot be
 * expressed is refused with one exception type, {@link org.openmaas.grammar.GrammarException}, naming the keyword or
 * construct and where it is.
 */
package org.openmaas.grammar;
