package dev.runway.server.blobs;

/** A refused blob operation, with the reason a person can act on. */
public final class BlobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** A sha256, size, offset or id that is malformed. */
        INVALID,
        /** No such blob. */
        NOT_FOUND,
        /** The offset is past what the upload holds: {@link #expectedOffset()} says where to resume. */
        OFFSET_MISMATCH,
        /** The bytes do not have the announced sha256 (the upload is dropped). */
        CHECKSUM_MISMATCH,
        /** The disk has no room for the blob (nothing is left half-written). */
        NO_SPACE
    }

    private final Kind kind;
    private final long expectedOffset;

    public BlobException(Kind kind, String message) {
        this(kind, message, -1, null);
    }

    public BlobException(Kind kind, String message, long expectedOffset, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.expectedOffset = expectedOffset;
    }

    public Kind kind() {
        return kind;
    }

    public long expectedOffset() {
        return expectedOffset;
    }
}
