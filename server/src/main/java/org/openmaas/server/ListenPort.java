package org.openmaas.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether the server can listen where it is told to, checked before anything else starts: Helidon reports a taken
 * port only as a logged stack trace and port -1, by which time credentials would exist and models would load for a
 * server that serves nothing.
 */
final class ListenPort {

    private ListenPort() {
    }

    /** @throws StartupException naming the port when another process holds it */
    static void requireFree(String host, int port) {
        if (port == 0) {
            return; // the system picks a free one
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw taken(host, port);
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** The one line for a port another process holds, also when it took the port after the check. */
    static StartupException taken(String host, int port) {
        return new StartupException("port " + port + " on " + host + " is already taken by another process: stop "
                + "that process or choose another port with --port");
    }
}
