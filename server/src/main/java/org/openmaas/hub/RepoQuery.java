package org.openmaas.hub;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A repository and, optionally, a quantization, written as Ollama users write them: {@code owner/repo:Q4_K_M}
 * (also with Ollama's {@code hf.co/} prefix). It names the one GGUF of the repository whose file name carries that
 * quantization.
 */
public record RepoQuery(String repository, Optional<String> quantization) {

    private static final Pattern FORM = Pattern.compile(
            "(?:(?:https?://)?(?:hf\\.co|huggingface\\.co)/)?([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)"
                    + "(?::([A-Za-z0-9][A-Za-z0-9._-]*))?");
    // llama.cpp's split GGUFs: name-00001-of-00003.gguf
    private static final Pattern SPLIT_PART = Pattern.compile("-\\d{5}-of-\\d{5}\\.gguf$", Pattern.CASE_INSENSITIVE);

    public RepoQuery {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(quantization, "quantization");
    }

    /** @throws IllegalArgumentException naming the forms that are accepted */
    public static RepoQuery parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a model reference; give owner/repo:QUANT "
                    + "(e.g. bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M), owner/repo when it holds one GGUF, "
                    + "or hf://owner/repo/path/to/file.gguf");
        }
        return new RepoQuery(m.group(1), Optional.ofNullable(m.group(2)));
    }

    /**
     * The GGUF of {@code files} this query names: the one whose file name carries the quantization as a word of its
     * own ({@code Q4_K} names {@code x-Q4_K.gguf}, not {@code x-Q4_K_M.gguf}), case aside; without a quantization, the
     * repository's only GGUF.
     *
     * @throws IllegalArgumentException when none or several fit, listing the repository's GGUFs
     */
    public RepoFile choose(List<RepoFile> files) {
        List<RepoFile> ggufs = files.stream().filter(f -> f.path().toLowerCase(Locale.ROOT).endsWith(".gguf")).toList();
        if (ggufs.isEmpty()) {
            throw new IllegalArgumentException(repository + " holds no GGUF file" + (files.isEmpty() ? ""
                    : " (its files: " + files.stream().limit(5).map(RepoFile::path).collect(Collectors.joining(", "))
                    + (files.size() > 5 ? ", ..." : "") + ")"));
        }
        List<RepoFile> fitting = quantization.map(q -> ggufs.stream().filter(f -> carries(f.name(), q)).toList())
                .orElse(ggufs);
        if (fitting.size() == 1 && !SPLIT_PART.matcher(fitting.getFirst().name()).find()) {
            return fitting.getFirst();
        }
        String wanted = quantization.map(q -> "quantization " + q).orElse("a quantization");
        if (!fitting.isEmpty() && fitting.stream().allMatch(f -> SPLIT_PART.matcher(f.name()).find())
                && fitting.stream().map(f -> SPLIT_PART.matcher(f.path()).replaceFirst("")).distinct().count() == 1) {
            throw new IllegalArgumentException(repository + ": " + wanted + " is split into " + fitting.size()
                    + " files (" + names(fitting) + "); maas pull fetches single-file GGUFs only");
        }
        String problem = fitting.isEmpty()
                ? "no GGUF file carries " + wanted
                : quantization.isPresent() ? fitting.size() + " GGUF files carry " + wanted
                : "it holds " + fitting.size() + " GGUF files; name one with " + repository + ":QUANT";
        throw new IllegalArgumentException(repository + ": " + problem + "; its GGUF files: " + names(ggufs));
    }

    private static boolean carries(String fileName, String quantization) {
        return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(quantization) + "(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE).matcher(fileName).find();
    }

    private static String names(List<RepoFile> files) {
        return files.stream().map(f -> f.path() + " (" + Transfer.size(f.size()) + ")").collect(Collectors.joining(", "));
    }
}
