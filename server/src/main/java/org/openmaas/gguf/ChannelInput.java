package org.openmaas.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Little-endian primitives from a FileChannel through a buffer. Running out of file is reported as a truncated file,
 * naming the part of the file being read, which the reader keeps current through {@link #reading(String)}.
 */
final class ChannelInput {

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart;
    private String part = "the header";

    ChannelInput(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        buffer.limit(0);
    }

    /** Names the part of the file read next, for error messages. */
    void reading(String part) {
        this.part = part;
    }

    long position() {
        return bufferStart + buffer.position();
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position();
    }

    int u8() throws IOException {
        return Byte.toUnsignedInt(need(1).get());
    }

    int u16() throws IOException {
        return Short.toUnsignedInt(need(2).getShort());
    }

    long u32() throws IOException {
        return Integer.toUnsignedLong(need(4).getInt());
    }

    long u64() throws IOException {
        return need(8).getLong();
    }

    float f32() throws IOException {
        return need(4).getFloat();
    }

    double f64() throws IOException {
        return need(8).getDouble();
    }

    byte[] bytes(int n) throws IOException {
        if (n > remaining()) throw truncated(n - remaining());
        byte[] bytes = new byte[n];
        int offset = 0;
        while (offset < n) {
            if (!buffer.hasRemaining()) need(1);
            int chunk = Math.min(buffer.remaining(), n - offset);
            buffer.get(bytes, offset, chunk);
            offset += chunk;
        }
        return bytes;
    }

    /** A GGUF string: u64 byte length, then UTF-8 bytes. */
    String string() throws IOException {
        long length = u64();
        if (length < 0 || length > remaining()) {
            throw truncatedOrCorrupt("a string of " + Long.toUnsignedString(length) + " bytes is longer than the "
                    + remaining() + " bytes left in the file");
        }
        if (length > Integer.MAX_VALUE - 8) throw corrupt("a string of " + length + " bytes is too long to read");
        return new String(bytes((int) length), StandardCharsets.UTF_8);
    }

    GgufFormatException truncated(long needed) {
        return new GgufFormatException(path + " is truncated: it ends at byte " + size + ", " + needed
                + " bytes short of the end of " + part);
    }

    /** For a length that does not fit what is left: the file was cut short, or the length itself is wrong. */
    GgufFormatException truncatedOrCorrupt(String what) {
        return new GgufFormatException(path + " is truncated or corrupt in " + part + ": " + what);
    }

    GgufFormatException corrupt(String what) {
        return new GgufFormatException(path + " is corrupt in " + part + ": " + what);
    }

    /** The buffer with at least {@code n} (at most its capacity) unread bytes. */
    private ByteBuffer need(int n) throws IOException {
        if (buffer.remaining() >= n) return buffer;
        if (n > remaining()) throw truncated(n - remaining());
        bufferStart += buffer.position();
        buffer.compact();
        while (buffer.position() < n) {
            if (channel.read(buffer, bufferStart + buffer.position()) < 0) throw truncated(n - buffer.position());
        }
        buffer.flip();
        return buffer;
    }
}
