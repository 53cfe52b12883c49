package dev.runway.config;

/**
 * One configuration problem.
 *
 * @param file    the file it was found in, or {@value #ENVIRONMENT} for an environment variable
 * @param line    1-based line, 0 when unknown (environment, missing key)
 * @param column  1-based column, 0 when unknown
 * @param key     the dotted key ({@code runner.max_run_time}) or the environment variable's name
 * @param message what is wrong and how to fix it; never contains a token
 */
public record Problem(String file, int line, int column, String key, String message) {
    public static final String ENVIRONMENT = "environment";

    /** {@code file:line:column: key: message}, leaving out what is unknown. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line);
            if (column > 0) {
                out.append(':').append(column);
            }
        }
        out.append(": ");
        if (key != null && !key.isEmpty()) {
            out.append(key).append(": ");
        }
        return out.append(message).toString();
    }
}
