/**
 * The blob store: cache archives, workspace layers and artifacts as content-addressed (sha256) files under the data
 * directory, streamed in and out, checked and published atomically, uploaded in resumable pieces.
 */
package dev.runway.server.blobs;
