package dev.runway.taskagent;

import dev.runway.protocol.RunnerApi.OutputAck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A step's stored output kept in memory, appended by offset as the server does (tests without a server). */
final class MemoryUpload implements OutputUpload {
    private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
    private final List<long[]> chunks = new ArrayList<>(); // offset, length, at

    @Override
    public synchronized OutputAck append(long offset, byte[] data, int length, long readAtMillis) {
        if (offset != stored.size()) {
            throw new AssertionError("chunk at " + offset + " but " + stored.size() + " stored");
        }
        stored.write(data, 0, length);
        chunks.add(new long[] {offset, length, readAtMillis});
        return new OutputAck(stored.size(), false);
    }

    synchronized String text() {
        return stored.toString(StandardCharsets.UTF_8);
    }

    synchronized List<long[]> chunks() {
        return List.copyOf(chunks);
    }
}
