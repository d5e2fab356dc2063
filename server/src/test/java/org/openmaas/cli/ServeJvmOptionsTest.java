package org.openmaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeJvmOptionsTest {

    @TempDir
    Path dir;

    @Test
    void theArgumentFileInTheJarIsOneJavaReadsWithItsCommentsAndSetsTheServersHeapAndCollector() throws Exception {
        String argument = ServeJvmOptions.argumentFileIn(dir);

        assertThat(argument).isEqualTo("@" + dir.resolve("serve.jvm-options"));
        String flags = javaFlags(argument);
        assertThat(flags).containsPattern(setHere("UseSerialGC", "true"))
                .containsPattern(setHere("MaxHeapSize", "67108864"))
                .containsPattern(setHere("NewSize", "25165824"))
                .containsPattern(setHere("SurvivorRatio", "4"))
                .containsPattern(setHere("TargetSurvivorRatio", "90"))
                .containsPattern(setHere("TrimNativeHeapInterval", "5000"));
    }

    /** A line of -XX:+PrintFlagsFinal for a flag with this value, set on the command line (by the file). */
    private static String setHere(String flag, String value) {
        return "\\s" + flag + "\\s+= " + value + "\\s.*\\{command line\\}";
    }

    private static String javaFlags(String argumentFile) throws IOException, InterruptedException {
        Process java = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                argumentFile, "-XX:+PrintFlagsFinal", "-version")).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
        return output;
    }
}
