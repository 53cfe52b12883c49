package dev.runway.taskagent;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The output of a step the task agent runs itself (no process): lines through the secret masker into the step's
 * output, uploaded by offset as a command's output is.
 */
final class StepLog implements AutoCloseable {
    private final OutputRing ring;
    private final OutputUploader uploader;
    private final SecretMasker masker;

    StepLog(OutputUpload upload, CancelSignal cancel, StepExecution.StepSettings settings,
            Collection<String> secrets) {
        this.ring = new OutputRing(settings.ringBytes());
        this.uploader = new OutputUploader("step output", ring, settings.chunkBytes(), upload, cancel);
        this.masker = new SecretMasker(secrets, ring);
        uploader.start();
    }

    void line(String text) throws InterruptedException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (masker) {
            masker.write(bytes, 0, bytes.length, System.currentTimeMillis());
        }
    }

    /** Flushes what was written and waits until the server has it. */
    @Override
    public void close() throws InterruptedException {
        synchronized (masker) {
            masker.finish(System.currentTimeMillis());
        }
        ring.close();
        uploader.awaitDrained();
    }
}
