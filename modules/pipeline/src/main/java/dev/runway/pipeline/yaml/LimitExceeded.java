package dev.runway.pipeline.yaml;

/** Thrown when a cap of {@link Limits} is met: the compilation stops and reports {@link #getMessage()} there. */
public final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Source at;

    public LimitExceeded(Source at, String message) {
        super(message, null, false, false);
        this.at = at;
    }

    public Source at() {
        return at;
    }
}
