package dev.runway.taskagent;

/** Receives a step's output bytes in order, each write stamped with the epoch millis it was read. */
interface OutputSink {
    void write(byte[] bytes, int offset, int length, long readAtMillis) throws InterruptedException;
}
