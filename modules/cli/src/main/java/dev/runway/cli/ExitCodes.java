package dev.runway.cli;

import dev.runway.client.ApiException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one table of exit statuses of every {@code runway} command (docs/operation.md, "Exit status"), and the
 * picocli execution exception handler that turns what a command throws into one line on stderr and its status.
 * Commands throw; only a job's or pipeline's own result is returned as {@link #FAILED}.
 */
final class ExitCodes implements IExecutionExceptionHandler {
    static final int SUCCESS = 0;
    /** The job (or pipeline) failed, was canceled, or the command failed for another reason (a server error). */
    static final int FAILED = 1;
    /** Usage or invalid input: an unknown option, a bad file, a request the server refused as invalid. */
    static final int INVALID = 2;
    /** No answer from the server (connection refused, timeout, not a Runway server). */
    static final int UNREACHABLE = 3;
    /** The server refused the token (HTTP 401 or 403). */
    static final int UNAUTHORISED = 4;
    /** What was named does not exist (HTTP 404, or a {@link java.util.NoSuchElementException} a command threw). */
    static final int NOT_FOUND = 5;
    /** Interrupted (SIGINT, Ctrl-C): 128 + 2, as shells report it. */
    static final int INTERRUPTED = 130;

    /** The status for what a command threw. */
    static int of(Throwable failure) {
        if (failure instanceof ApiException api) {
            int status = api.status();
            if (status == 0) {
                return UNREACHABLE;
            }
            if (status == 401 || status == 403) {
                return UNAUTHORISED;
            }
            if (status == 404) {
                return NOT_FOUND;
            }
            return status >= 400 && status < 500 ? INVALID : FAILED;
        }
        if (failure instanceof InterruptedException) {
            return INTERRUPTED;
        }
        if (failure instanceof java.util.NoSuchElementException) {
            return NOT_FOUND;
        }
        if (failure instanceof IllegalArgumentException || failure instanceof IOException
                || failure instanceof CommandLine.ParameterException) {
            return INVALID;
        }
        return FAILED;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        PrintWriter err = command.getErr();
        command.getOut().flush();
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        err.println(command.getCommandSpec().qualifiedName() + ": " + message);
        err.flush();
        return of(failure);
    }
}
