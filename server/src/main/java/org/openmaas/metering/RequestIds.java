package org.openmaas.metering;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Request ids, which are also the usage records' keys: UUIDs of version 7 (RFC 9562), whose first 48 bits are the
 * time in milliseconds and the other 74 random, so they read like any other UUID and cannot be guessed, but sort in the
 * order the requests came.
 *
 * <p>The store inserts every request's record into its table and three indexes that end with its id, and settles it
 * by that id. With random (version 4) ids each of those lands on a page anywhere in a B-tree that only grows, so a
 * store of months of records reads pages back from the file to write one record (and PostgreSQL splits pages all over
 * its indexes); with ids in time order they land on the few pages the last requests wrote.
 */
public final class RequestIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    /** A new id: the current time, version 7, then random bits. */
    public static String next() {
        return at(System.currentTimeMillis());
    }

    static String at(long epochMillis) {
        // 48 bits of time, the version (7), 12 random bits; then the RFC's variant (binary 10) and 62 random bits
        long high = (epochMillis << 16) | 0x7000L | (RANDOM.nextInt() & 0xFFFL);
        long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
