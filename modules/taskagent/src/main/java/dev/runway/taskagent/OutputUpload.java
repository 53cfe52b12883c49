package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.protocol.RunnerApi.OutputAck;

/**
 * Stores bytes at an offset of one step's output on the server; {@code TaskClient.appendOutput} for a step. Throws
 * {@code TaskClient.OffsetMismatchException} when the server's stored output ends elsewhere.
 */
@FunctionalInterface
interface OutputUpload {
    OutputAck append(long offset, byte[] data, int length, long readAtMillis) throws ApiException, InterruptedException;
}
