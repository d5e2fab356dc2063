package org.openmaas.catalog;

/** How a product turns the request's prompt into model input. */
public enum PromptFormat {
    /** The prompt is the model input, as given (base models, completion-style use). */
    RAW,
    /** The prompt becomes one user message rendered with the model's chat template (instruct models). */
    CHAT
}
