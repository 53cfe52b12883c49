package dev.runway.pipeline;

/** One problem of a config: where it was written (1-based line and column; 0 for the file as a whole) and what. */
public record Problem(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
