package org.openmaas.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/** Little-endian primitives into a FileChannel through one large direct buffer, so big tensors cost few syscalls. */
final class ChannelOutput {

    private final FileChannel channel;
    private final ByteBuffer buffer;
    private long flushed;

    ChannelOutput(FileChannel channel, int bufferBytes) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes written so far, buffered ones included. */
    long position() {
        return flushed + buffer.position();
    }

    /** The buffer, with at least {@code bytes} free, for a caller that encodes straight into it. */
    ByteBuffer reserve(int bytes) throws IOException {
        if (bytes > buffer.capacity()) {
            throw new IllegalArgumentException(bytes + " bytes do not fit a buffer of " + buffer.capacity());
        }
        if (buffer.remaining() < bytes) flush();
        return buffer;
    }

    void u8(int value) throws IOException {
        reserve(1).put((byte) value);
    }

    void u16(int value) throws IOException {
        reserve(2).putShort((short) value);
    }

    void u32(long value) throws IOException {
        reserve(4).putInt((int) value);
    }

    void u64(long value) throws IOException {
        reserve(8).putLong(value);
    }

    void f32(float value) throws IOException {
        reserve(4).putFloat(value);
    }

    void f64(double value) throws IOException {
        reserve(8).putDouble(value);
    }

    /** A GGUF string: its UTF-8 byte length as u64, then the bytes. */
    void string(String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        u64(bytes.length);
        bytes(bytes);
    }

    void bytes(byte[] bytes) throws IOException {
        int offset = 0;
        while (offset < bytes.length) {
            if (!buffer.hasRemaining()) flush();
            int n = Math.min(buffer.remaining(), bytes.length - offset);
            buffer.put(bytes, offset, n);
            offset += n;
        }
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void padTo(int alignment) throws IOException {
        long padding = Math.floorMod(-position(), (long) alignment);
        for (long i = 0; i < padding; i++) u8(0);
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) flushed += channel.write(buffer);
        buffer.clear();
    }
}
