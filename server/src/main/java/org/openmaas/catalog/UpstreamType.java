package org.openmaas.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The protocol a remote engine speaks, as the catalog's {@code engine.type} names it. */
public enum UpstreamType {
    OPENAI("openai"),
    VLLM("vllm"),
    LLAMA_SERVER("llama-server"),
    TGI("tgi"),
    MAAS("maas");

    private final String catalogName;

    UpstreamType(String catalogName) {
        this.catalogName = catalogName;
    }

    /** The name the catalog and the admin API use. */
    public String catalogName() {
        return catalogName;
    }

    static UpstreamType parse(String name) {
        return Arrays.stream(values()).filter(t -> t.catalogName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("engine.type '" + name + "' is not one of: "
                        + Arrays.stream(values()).map(UpstreamType::catalogName).collect(Collectors.joining(", "))));
    }
}
