package org.openmaas.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VirtualThreadCarriersTest {

    @Test
    void aServerGivenOneCpuRunsFourVirtualThreadsAtOnce() throws Exception {
        assertEquals("together", runOnOneCpu(List.of(), 4, 60));
    }

    @Test
    void anOperatorsOwnSettingWins() throws Exception {
        assertEquals("apart", runOnOneCpu(List.of("-D" + VirtualThreadCarriers.PROPERTY + "=1"), 2, 1));
    }

    @Test
    void carriersAreOnePerCpuAboveTheMinimum() {
        assertEquals(VirtualThreadCarriers.MINIMUM, VirtualThreadCarriers.carriers(1));
        assertEquals(16, VirtualThreadCarriers.carriers(16));
    }

    /**
     * Runs {@link #main} in a JVM that sees one CPU, as a container limited to one would: whether {@code threads}
     * virtual threads that each hold their carrier (spinning) all ran at the same time within {@code seconds}.
     */
    private static String runOnOneCpu(List<String> options, int threads, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:ActiveProcessorCount=1"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), VirtualThreadCarriersTest.class.getName(),
                Integer.toString(threads), Integer.toString(seconds)));
        // Only its answer is read: what the JVM may print (JAVA_TOOL_OPTIONS, a failure) goes to the test's output.
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        child.waitFor(seconds + 30L, TimeUnit.SECONDS);
        return output;
    }

    /** The child: configures the carriers as {@code maas serve} does, then starts the spinning threads. */
    public static void main(String[] args) throws InterruptedException {
        VirtualThreadCarriers.configure();
        int threads = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(args[1]));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger sawAll = new AtomicInteger();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofVirtual().start(() -> {
                running.incrementAndGet();
                while (running.get() < threads && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // keeps the carrier: another thread runs only on another carrier
                }
                if (running.get() >= threads && System.nanoTime() < deadline) {
                    sawAll.incrementAndGet();
                }
            }));
        }
        for (Thread thread : started) {
            thread.join();
        }
        System.out.println(sawAll.get() == threads ? "together" : "apart");
    }
}
