package dev.runway.server;

import dev.runway.server.store.OutputRepository;

/** Step output in the store ({@link OutputRepository}): what every replica sharing the database reads. */
final class DatabaseOutput implements StepOutput {
    private final OutputRepository repository;

    DatabaseOutput(OutputRepository repository) {
        this.repository = repository;
    }

    @Override
    public long append(String taskId, int step, long offset, byte[] data, long readAt) {
        OutputRepository.Appended appended = repository.append(taskId, step, offset, data, readAt);
        if (!appended.accepted()) {
            throw StepOutput.gap(step, appended.length(), offset);
        }
        return appended.length();
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
