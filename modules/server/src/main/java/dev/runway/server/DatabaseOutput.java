package dev.runway.server;

import dev.runway.server.store.OutputRepository;

/** Step output in the store ({@link OutputRepository}): what every replica sharing the database reads. */
final class DatabaseOutput implements StepOutput {
    private final OutputRepository repository;
    private final java.util.concurrent.atomic.LongAdder stored = new java.util.concurrent.atomic.LongAdder();

    DatabaseOutput(OutputRepository repository) {
        this.repository = repository;
    }

    @Override
    public long append(String taskId, int step, long offset, byte[] data, long readAt) {
        OutputRepository.Appended appended = repository.append(taskId, step, offset, data, readAt);
        if (!appended.accepted()) {
            throw StepOutput.gap(step, appended.length(), offset);
        }
        // the part of the chunk the output now ends with (a resent chunk that another replica stored counts again)
        stored.add(Math.max(0, Math.min(data.length, appended.length() - offset)));
        return appended.length();
    }

    @Override
    public long bytesStored() {
        return stored.sum();
    }

    @Override
    public long length(String taskId, int step) {
        return repository.length(taskId, step);
    }

    @Override
    public byte[] read(String taskId, int step, long offset, int max) {
        return repository.read(taskId, step, offset, max);
    }
}
