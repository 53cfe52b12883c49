package dev.runway.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * CircleCI API v2's test metadata of a job ({@code GET /api/v2/project/{slug}/{job-number}/tests}) and Runway's
 * project SSH keys ({@code /api/v3/projects/{project}/ssh-keys}), whose private halves only a task of the project
 * reads (through {@link ApiPaths#sshKeys}).
 */
public final class TestsApi {
    private TestsApi() {}

    /** The test metadata of a job: {@code GET}, admin token, query {@code page-token}. */
    public static String v2JobTests(String escapedSlug, long jobNumber) {
        return PipelinesApi.V2 + "/project/" + escapedSlug + "/" + jobNumber + "/tests";
    }

    /** A project's SSH keys: {@code POST} {@link SshKeyAdd} adds, {@code GET} lists, {@code DELETE ?fingerprint=}. */
    public static String sshKeys(String projectIdOrEscapedSlug) {
        return PipelinesApi.PROJECTS + "/" + projectIdOrEscapedSlug + "/ssh-keys";
    }

    /** One test as CircleCI lists it; {@code runTime} in seconds. */
    public record Test(String message, String source, double runTime, String file, String result, String name,
            String classname) {}

    /** A page of tests; {@code nextPageToken} null on the last. */
    public record TestList(List<Test> items,
            @com.fasterxml.jackson.annotation.JsonProperty("next_page_token") @JsonInclude(JsonInclude.Include.ALWAYS)
            String nextPageToken) {}

    /** An SSH private key to add (OpenSSH format, without a passphrase). */
    public record SshKeyAdd(String privateKey) {
        @Override
        public String toString() {
            return "SshKeyAdd[privateKey=********]";
        }
    }

    /** A stored key as listed: its fingerprints, never the key. */
    public record SshKeyInfo(String fingerprint, String md5Fingerprint, String keyType, String createdAt) {}

    public record SshKeyList(List<SshKeyInfo> items) {}
}
