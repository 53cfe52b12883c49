package dev.runway.server.store;

/** A change the store refuses, with the reason; the message is for the caller (it names no secret). */
public final class StoreRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why: the server answers each with its own status. */
    public enum Reason {
        /** The record exists already, or another still refers to it. */
        CONFLICT,
        /** No such record. */
        NOT_FOUND,
        /** The token the call relied on was deleted meanwhile. */
        REVOKED
    }

    private final Reason reason;

    public StoreRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
