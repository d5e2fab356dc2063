package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;
import static org.openmaas.engine.llamacpp.LlamaLibrary.offset;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * llama.cpp's chat template rendering (see {@link LlamaLibrary} for how it is bound); a model's own template comes from
 * {@link ModelBindings#CHAT_TEMPLATE}.
 */
final class ChatBindings {

    // struct llama_chat_message { const char * role; const char * content; } (16 bytes)
    static final StructLayout MESSAGE = MemoryLayout.structLayout(ADDRESS.withName("role"), ADDRESS.withName("content"));
    static final long MESSAGE_ROLE = offset(MESSAGE, "role");
    static final long MESSAGE_CONTENT = offset(MESSAGE, "content");

    /**
     * {@code int32_t llama_chat_apply_template(const char * tmpl, const struct llama_chat_message * chat, size_t n_msg,
     * bool add_ass, char * buf, int32_t length)}: the bytes the rendered chat needs (possibly more than
     * {@code length}), or a negative value for an unknown template.
     */
    public interface ApplyTemplate {
        int call(MemorySegment template, MemorySegment messages, long count, boolean addAssistant, MemorySegment buf,
                 int length);
    }

    static final ApplyTemplate APPLY_TEMPLATE = function(ApplyTemplate.class, "llama_chat_apply_template",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, JAVA_INT));

    private ChatBindings() {
    }
}
