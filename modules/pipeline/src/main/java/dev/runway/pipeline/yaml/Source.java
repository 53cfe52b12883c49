package dev.runway.pipeline.yaml;

/** Where a value was written: file name, 1-based line and column (0 when the file as a whole is meant). */
public record Source(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
