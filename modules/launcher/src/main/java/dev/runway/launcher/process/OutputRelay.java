package dev.runway.launcher.process;

import dev.runway.launcher.TaskProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a task agent's standard output (a pipe; its standard error goes to the output log straight): every byte goes
 * on to the output log, and the line {@link TaskProcess#RESULT_REPORTED_LINE} completes {@link #resultReported()} as
 * it arrives, while the task agent still exits. Runs until the pipe ends (the task agent has exited: the JDK starts
 * no other process with it).
 */
final class OutputRelay implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputRelay.class);
    private static final byte[] RESULT_LINE = (TaskProcess.RESULT_REPORTED_LINE + "\n")
            .getBytes(StandardCharsets.UTF_8);

    private final String launchId;
    private final InputStream output;
    private final Path log;
    private final CompletableFuture<Void> resultReported = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** How much of {@link #RESULT_LINE} the current line matched so far; -1 once it cannot be that line. */
    private int matched;

    OutputRelay(String launchId, InputStream output, Path log) {
        this.launchId = launchId;
        this.output = output;
        this.log = log;
    }

    CompletableFuture<Void> resultReported() {
        return resultReported;
    }

    /** Completes once the output has ended and all of it is in the log. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void run() {
        OutputStream copy = open();
        byte[] buffer = new byte[8192];
        try (InputStream in = output) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                // the log first: a line the task agent printed before it said it is done is in the log by then
                if (copy != null) {
                    try {
                        copy.write(buffer, 0, read);
                    } catch (IOException e) {
                        LOG.warn("launch {}: could not copy the task agent's output to {}: {}", launchId, log,
                                e.getMessage());
                        copy = close(copy);
                    }
                }
                scan(buffer, read);
            }
        } catch (IOException e) {
            LOG.debug("launch {}: the task agent's output ended: {}", launchId, e.getMessage());
        } finally {
            close(copy);
            ended.complete(null);
        }
    }

    private void scan(byte[] buffer, int length) {
        for (int i = 0; i < length; i++) {
            byte b = buffer[i];
            if (matched >= 0 && b == RESULT_LINE[matched]) {
                matched++;
                if (matched == RESULT_LINE.length) {
                    resultReported.complete(null);
                    matched = 0;
                }
            } else {
                matched = b == '\n' ? 0 : -1;
            }
        }
    }

    private OutputStream open() {
        try {
            return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("launch {}: the task agent's output cannot go to {}: {}", launchId, log, e.getMessage());
            return null;
        }
    }

    private OutputStream close(OutputStream copy) {
        if (copy != null) {
            try {
                copy.close();
            } catch (IOException e) {
                LOG.debug("launch {}: closing {}: {}", launchId, log, e.getMessage());
            }
        }
        return null;
    }
}
