/**
 * Engines elsewhere: a product whose model runs on llama-server, vLLM, TGI, an OpenAI-compatible server or another
 * MaaS. {@link org.openmaas.engine.remote.Upstream} is one protocol's single attempt on one endpoint; the pool above
 * it routes, health-checks, retries and fails over across the product's endpoints and turns the attempts into the same
 * {@link org.openmaas.engine.GenerationEvent}s the embedded engine reports.
 */
package org.openmaas.engine.remote;
