package org.openmaas.cli.connection;

import java.util.function.Supplier;

/**
 * What one command adds to the sources every command shares: the values of its deprecated spellings, ranked just below
 * the flags and the variables they stand for, and a last source of credentials, read only when no other source gives
 * both the client id and secret.
 *
 * @param credentialsHint how to give that last source, for the error that names every way; null when there is none
 */
public record MoreSources(Settings flags, Settings variables, Supplier<Settings> lastResort, String credentialsHint) {

    public static final MoreSources NONE = new MoreSources(Settings.NONE, Settings.NONE, () -> Settings.NONE, null);
}
