package dev.runway.server.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.OptionalLong;

/**
 * Blobs by their content's sha256 (64 lowercase hex digits). A blob is visible only once all its bytes are in and
 * checked; an upload is resumable at the offset its bytes have reached.
 */
public interface BlobStore {
    /** The size of the stored blob, empty when the store does not have it. */
    OptionalLong size(String sha256);

    /**
     * The stored blob's bytes as a channel (the server sends them in large direct buffers from it);
     * {@link BlobException} NOT_FOUND when there is none.
     */
    SeekableByteChannel open(String sha256) throws IOException;

    /**
     * Where the upload {@code uploadId} of the blob stands. With {@code mayReuse}, complete when the store has the
     * blob; without, the uploader must send the bytes (it proves it has them) even when the store has it already.
     * {@link BlobException} NO_SPACE when the disk has no room for the bytes still to come.
     */
    UploadState state(String uploadId, String sha256, long size, boolean mayReuse);

    /**
     * Appends what {@code bytes} holds at {@code offset} of the blob's {@code size} bytes, for the upload
     * {@code uploadId} (one uploader's: its resumed calls see their own bytes only). Bytes below what the upload
     * holds already are skipped (a resend is harmless); an offset past it is refused with the upload's offset. When
     * the last byte is in, the blob's sha256 is checked and the blob published. {@code mayReuse}: as for
     * {@link #state}.
     */
    UploadState append(String uploadId, String sha256, long size, long offset, InputStream bytes, boolean mayReuse)
            throws IOException;

    /**
     * Where the streamed upload {@code uploadId} (a blob whose sha256 the uploader does not know) stands: the bytes
     * it holds. {@code more} bytes still to come (0 when unknown) must fit the disk, else NO_SPACE.
     */
    long streamState(String uploadId, long more);

    /**
     * Appends what {@code bytes} holds at {@code offset} to the streamed upload {@code uploadId}, as
     * {@link #append} does. The blob is complete at {@code size} bytes or, with {@code size} -1 (unknown), when
     * {@code bytes} ends cleanly (a read that fails is a cut: the bytes in stay for a resume). A complete blob is
     * fsynced and published under the sha256 computed of its bytes, which the answer carries.
     */
    StreamState appendStream(String uploadId, long offset, long size, InputStream bytes) throws IOException;

    /** Where a streamed upload stands: {@code sha256} null until the blob is stored. */
    record StreamState(long nextOffset, String sha256) {}

    /** Removes a stored blob; false when there was none. */
    boolean delete(String sha256) throws IOException;

    /** Every stored blob. */
    List<StoredBlob> list() throws IOException;

    /** Removes uploads untouched since {@code beforeMillis}; answers how many. */
    int removeStaleUploads(long beforeMillis) throws IOException;

    /** Where an upload stands. */
    record UploadState(long nextOffset, boolean complete) {}

    /** A stored blob, its size and when it was stored. */
    record StoredBlob(String sha256, long size, long modifiedMillis) {}
}
