/** What the server's clients of other HTTP servers (its upstreams) and the benchmark's clients share. */
package org.openmaas.httpclient;
