package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** The memory a new engine can take without swapping: the kernel's own estimate, {@code MemAvailable}. */
final class AvailableMemory {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private AvailableMemory() {
    }

    /** Reads {@code /proc/meminfo} at each call; empty where there is none (not Linux) or it has no such line. */
    static Supplier<OptionalLong> system() {
        return () -> {
            try {
                return parse(Files.readAllLines(MEMINFO));
            } catch (IOException e) {
                return OptionalLong.empty();
            }
        };
    }

    /** {@code MemAvailable:    1234 kB} in bytes. */
    static OptionalLong parse(Iterable<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemAvailable:")) {
                String[] fields = line.substring("MemAvailable:".length()).strip().split("\\s+");
                return OptionalLong.of(Long.parseLong(fields[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
