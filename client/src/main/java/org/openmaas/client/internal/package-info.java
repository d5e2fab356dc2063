/**
 * The SDK's implementation: HTTP exchanges, token cache, retries, wire parsing. Not API: anything here may change in
 * any release. Use the types of {@code org.openmaas.client}.
 */
package org.openmaas.client.internal;
