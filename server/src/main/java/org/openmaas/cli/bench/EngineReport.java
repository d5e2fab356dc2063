package org.openmaas.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.openmaas.cli.table.Table;

/**
 * What {@code bench engine} found, computed from the phases both sides ran: the numbers of its table and JSON.
 *
 * @param command the command line that produced it
 * @param repeats how many times each phase ran; a throughput is the best of them
 * @param referencePromptTokens per slot count (1: the single stream), the mean prompt length the tools were given
 */
record EngineReport(String command, String model, long modelBytes, int threads, int contextPerSequence,
                    int maxNewTokens, int promptTokens, int repeats, String machine, String loadBefore, String loadAfter,
                    List<Measure> measures, List<Divergence> divergence, Map<Integer, Integer> referencePromptTokens) {

    /**
     * One throughput, both sides, in tokens per second: the best of the repeats, because on a shared machine other
     * work only ever slows a run down (every repeat is listed too). The reference is llama.cpp's own tool of the same
     * release ({@link LlamaCppTools}); NaN and no repeats when it was not run.
     *
     * @param ratio             openmaas / javaLlamaCpp
     * @param referenceRatio    openmaas / llamaCpp, best against best
     * @param roundRatios       openmaas / llamaCpp of each round: the tool runs right beside the embedded engine's
     *                          measurement of the same round, seconds apart, where bests may come from rounds minutes
     *                          apart on a machine whose speed drifts
     * @param roundRatioMedian  their median with its 95% interval (NaN without rounds; the interval with fewer than 6)
     */
    record Measure(String name, double openmaas, double javaLlamaCpp, double ratio, List<Double> openmaasRepeats,
                   List<Double> javaLlamaCppRepeats, double llamaCpp, double referenceRatio,
                   List<Double> llamaCppRepeats, List<Double> roundRatios, Median roundRatioMedian) {
        Measure(String name, List<Double> openmaas, List<Double> javaLlamaCpp, List<Double> llamaCpp) {
            this(name, best(openmaas), best(javaLlamaCpp), best(openmaas) / best(javaLlamaCpp), openmaas, javaLlamaCpp,
                    best(llamaCpp), best(openmaas) / best(llamaCpp), llamaCpp, roundRatios(openmaas, llamaCpp),
                    Median.of(roundRatios(openmaas, llamaCpp)));
        }

        private static double best(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        private static List<Double> roundRatios(List<Double> openmaas, List<Double> llamaCpp) {
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < Math.min(openmaas.size(), llamaCpp.size()); round++) {
                ratios.add(openmaas.get(round) / llamaCpp.get(round));
            }
            return List.copyOf(ratios);
        }
    }

    /**
     * How many greedy sequences decoded {@code concurrent} at a time came out different from the same prompt decoded
     * alone in the same repeat: OpenMaaS by token id (with the first differing token's index), java-llama.cpp by text
     * (it gives no ids). Counted over all repeats.
     */
    record Divergence(int concurrent, int sequences, int openmaasDiffering, List<Integer> openmaasFirstDifferentToken,
                      int javaLlamaCppDiffering) {
    }

    /**
     * @param results   per side, per slot count (1: the single-stream phase), what the workers measured in each repeat
     * @param reference per slot count, llama.cpp's tools' rate in each repeat (1: llama-bench's tg, N:
     *                  llama-batched-bench's S_TG); empty when they were not run
     * @param prompt    per side, the prompt-processing phase of each repeat
     * @param promptReference llama-bench's pp rate in each repeat; empty when it was not run
     */
    static EngineReport of(String command, String model, long modelBytes, EnginePhase any, Machine before,
                           Machine after, List<Integer> concurrency,
                           Map<String, Map<Integer, List<EnginePhase.Result>>> results,
                           Map<Integer, List<Double>> reference, Map<String, List<EnginePhase.Result>> prompt,
                           List<Double> promptReference) {
        Map<Integer, List<EnginePhase.Result>> ours = results.get(EnginePhase.OPENMAAS);
        Map<Integer, List<EnginePhase.Result>> theirs = results.get(EnginePhase.JAVA_LLAMA_CPP);
        List<Measure> measures = new ArrayList<>();
        int promptTokens = prompt.get(EnginePhase.OPENMAAS).getFirst().phase().promptTokens();
        measures.add(new Measure("prompt processing: pp" + promptTokens + " tok/s",
                rates(prompt.get(EnginePhase.OPENMAAS), EngineReport::promptRate),
                rates(prompt.get(EnginePhase.JAVA_LLAMA_CPP), EngineReport::promptRate), promptReference));
        measures.add(new Measure("single stream: decode tok/s", rates(ours.get(1), EngineReport::decodeRate),
                rates(theirs.get(1), EngineReport::decodeRate), reference.getOrDefault(1, List.of())));
        List<Divergence> divergence = new ArrayList<>();
        for (int n : concurrency) {
            measures.add(new Measure(n + " concurrent: generation tok/s", rates(ours.get(n), EngineReport::generationRate),
                    rates(theirs.get(n), EngineReport::generationRate), reference.getOrDefault(n, List.of())));
            measures.add(new Measure(n + " concurrent: with prompts tok/s", rates(ours.get(n), EngineReport::aggregateRate),
                    rates(theirs.get(n), EngineReport::aggregateRate), List.of()));
            List<Integer> firstDifferent = new ArrayList<>();
            int sequences = 0;
            int oursDiffering = 0;
            int theirsDiffering = 0;
            for (int repeat = 0; repeat < ours.get(n).size(); repeat++) {
                List<EnginePhase.Run> oursAlone = ours.get(1).get(repeat).runs();
                for (EnginePhase.Run run : ours.get(n).get(repeat).runs()) {
                    sequences++;
                    int at = firstDifference(run.ids(), oursAlone.get(run.prompt()).ids());
                    if (at >= 0) {
                        oursDiffering++;
                        firstDifferent.add(at);
                    }
                }
                List<EnginePhase.Run> theirsAlone = theirs.get(1).get(repeat).runs();
                for (EnginePhase.Run run : theirs.get(n).get(repeat).runs()) {
                    if (!run.text().equals(theirsAlone.get(run.prompt()).text())) {
                        theirsDiffering++;
                    }
                }
            }
            divergence.add(new Divergence(n, sequences, oursDiffering, firstDifferent, theirsDiffering));
        }
        Map<Integer, Integer> referencePromptTokens = new TreeMap<>();
        ours.forEach((slots, phases) -> referencePromptTokens.put(slots, meanPromptTokens(phases.getFirst())));
        return new EngineReport(command, model, modelBytes, any.threads(), any.contextPerSequence(),
                any.maxNewTokens(), promptTokens, ours.get(1).size(), before.describe(), before.load(), after.load(), measures,
                divergence, referencePromptTokens);
    }

    private static List<Double> rates(List<EnginePhase.Result> results, ToDoubleFunction<EnginePhase.Result> rate) {
        return results.stream().map(rate::applyAsDouble).toList();
    }

    /** Tokens after the first, over the time between each sequence's first and last token: prompt work excluded. */
    static double decodeRate(EnginePhase.Result result) {
        long tokens = 0;
        long nanos = 0;
        for (EnginePhase.Run run : result.runs()) {
            tokens += run.tokens() - 1;
            nanos += run.lastNanos() - run.firstNanos();
        }
        return tokens / (nanos / 1e9);
    }

    /** Prompt tokens over the time from each prompt's submission to its first token, all prompts together. */
    static double promptRate(EnginePhase.Result result) {
        long tokens = 0;
        long nanos = 0;
        for (EnginePhase.Run run : result.runs()) {
            tokens += run.promptTokens();
            nanos += run.firstNanos() - run.startNanos();
        }
        return tokens / (nanos / 1e9);
    }

    /**
     * What llama-batched-bench's S_TG measures: the rate while every sequence generates, from the moment the last one
     * got its first token (all prompts processed) until the first one ended (the scheduler admits prompts a few steps
     * apart, and a greedy sequence may end early at EOS: neither ramp is S_TG's). Counts the tokens that arrived in
     * that window, not a share by time: a sequence admitted early spent the first of its time in slower steps that
     * also processed the others' prompts. NaN when the window is empty.
     */
    static double generationRate(EnginePhase.Result result) {
        long from = result.runs().stream().mapToLong(EnginePhase.Run::firstNanos).max().orElse(0);
        long to = result.runs().stream().mapToLong(EnginePhase.Run::lastNanos).min().orElse(0);
        if (to <= from) {
            return Double.NaN;
        }
        double tokens = 0;
        for (EnginePhase.Run run : result.runs()) {
            if (run.arrivalNanos().size() < 2) {
                continue; // its only token is its first: none generated in the window
            }
            long inWindow = run.arrivalNanos().stream().filter(at -> at > from && at <= to).count();
            // Outputs that merged tokens (java-llama.cpp, inside a UTF-8 character) stand for their share of them.
            tokens += inWindow * (run.tokens() - 1.0) / (run.arrivalNanos().size() - 1);
        }
        return tokens / ((to - from) / 1e9);
    }

    /** The prompts' mean length in tokens, rounded: what llama.cpp's tools get as their prompt for this phase. */
    static int meanPromptTokens(EnginePhase.Result result) {
        return (int) Math.round(result.runs().stream().mapToInt(EnginePhase.Run::promptTokens).average().orElse(0));
    }

    /** All tokens generated, over the time from submitting every sequence until the last one ended. */
    static double aggregateRate(EnginePhase.Result result) {
        long tokens = result.runs().stream().mapToLong(EnginePhase.Run::tokens).sum();
        return tokens / (result.wallNanos() / 1e9);
    }

    /** The index of the first token that differs (a missing token counts), or -1 when both are equal. */
    static int firstDifference(List<Integer> a, List<Integer> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!Objects.equals(a.get(i), b.get(i))) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : n;
    }

    String markdown() {
        boolean withReference = measures.stream().anyMatch(m -> !m.llamaCppRepeats().isEmpty());
        Table throughput = withReference
                ? new Table("measure", "OpenMaaS", "java-llama.cpp", "llama.cpp tools", "OpenMaaS / java-llama.cpp",
                        "OpenMaaS / llama.cpp", "each round: median [95% CI] (rounds)")
                : new Table("measure", "OpenMaaS", "java-llama.cpp", "OpenMaaS / java-llama.cpp");
        for (Measure measure : measures) {
            String ours = cell(measure.openmaas(), measure.openmaasRepeats());
            String theirs = cell(measure.javaLlamaCpp(), measure.javaLlamaCppRepeats());
            String ratio = "%.2f×".formatted(measure.ratio());
            if (withReference) {
                throughput.row(measure.name(), ours, theirs, cell(measure.llamaCpp(), measure.llamaCppRepeats()), ratio,
                        measure.llamaCppRepeats().isEmpty() ? "-" : "%.2f×".formatted(measure.referenceRatio()),
                        rounds(measure));
            } else {
                throughput.row(measure.name(), ours, theirs, ratio);
            }
        }
        Table differing = new Table("greedy, batched vs alone", "OpenMaaS (token ids)", "java-llama.cpp (text)");
        for (Divergence d : divergence) {
            String at = d.openmaasFirstDifferentToken().isEmpty() ? ""
                    : " (from token " + String.join(", ", d.openmaasFirstDifferentToken().stream().sorted()
                            .map(String::valueOf).toList()) + ")";
            differing.row(d.concurrent() + " concurrent",
                    d.openmaasDiffering() + " of " + d.sequences() + " differ" + at,
                    d.javaLlamaCppDiffering() + " of " + d.sequences() + " differ");
        }
        return """
                `%s`

                %s (%.1f MB), %d threads, %d tokens of context per sequence, %d new tokens per prompt, greedy%s.
                Machine: %s; load average %s before, %s after.%s

                %s
                %s""".formatted(command, model, modelBytes / 1e6, threads, contextPerSequence, maxNewTokens,
                repeats == 1 ? "" : "; best of " + repeats + " runs (all runs in brackets)", machine, loadBefore,
                loadAfter, withReference ? ("\nllama.cpp tools: llama-bench pp%d for prompt processing, tg%d after a prompt"
                        + " of %d tokens (its -d: the single stream's prompts' mean length) for the single"
                        + " stream, llama-batched-bench S_TG (generation only) for N at once, after prompts of %s tokens."
                        + " In each round the tool ran right beside OpenMaaS's measurement, after it and before it in"
                        + " turns; a round's ratio compares the two.")
                        .formatted(promptTokens, maxNewTokens, referencePromptTokens.getOrDefault(1, 0),
                                concurrentPromptTokens()) : "",
                throughput.markdown(), differing.markdown());
    }

    /** "34 (4 at once) and 33 (8 at once)": the prompt lengths llama-batched-bench got. */
    private String concurrentPromptTokens() {
        return String.join(" and ", referencePromptTokens.entrySet().stream().filter(e -> e.getKey() > 1)
                .map(e -> e.getValue() + " (" + e.getKey() + " at once)").toList());
    }

    private static String rounds(Measure measure) {
        return measure.roundRatios().isEmpty() ? "-" : "%.2f×%s (%s)".formatted(measure.roundRatioMedian().value(),
                measure.roundRatioMedian().interval("%.2f"),
                String.join(", ", measure.roundRatios().stream().map("%.2f"::formatted).toList()));
    }

    private static String cell(double best, List<Double> repeats) {
        return repeats.isEmpty() ? "-" : repeats.size() == 1 ? "%.1f".formatted(best)
                : "%.1f (%s)".formatted(best, String.join(", ", repeats.stream().map("%.1f"::formatted).toList()));
    }
}
