package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.TestsApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code runway project ssh-key add|list|delete}: the SSH keys a project's jobs get with {@code add_ssh_keys}. The
 * private key is read from standard input (never an argument: it would show in process listings); the server keeps
 * it sealed and lists fingerprints only.
 */
@Command(name = "ssh-key", mixinStandardHelpOptions = true,
        description = "Manages the project's SSH keys for add_ssh_keys.",
        subcommands = {ProjectSshKeyCommand.Add.class, ProjectSshKeyCommand.ListKeys.class,
                ProjectSshKeyCommand.Delete.class})
final class ProjectSshKeyCommand {
    /** The most a private key file holds (an RSA 16384-bit key is about 12 KiB). */
    static final int MAX_KEY_BYTES = 64 * 1024;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds an SSH private key (OpenSSH format, no passphrase) read from standard input.")
    static final class Add extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "the project's slug or id")
        String project;
        InputStream in = System.in;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            byte[] key;
            try {
                key = in.readNBytes(MAX_KEY_BYTES + 1);
            } catch (IOException e) {
                throw new IllegalArgumentException("standard input: cannot read the key (" + e.getMessage() + ")", e);
            }
            if (key.length > MAX_KEY_BYTES) {
                throw new IllegalArgumentException("standard input: more than " + MAX_KEY_BYTES + " bytes, not a key");
            }
            if (new String(key, StandardCharsets.UTF_8).isBlank()) {
                throw new IllegalArgumentException("standard input: no key (runway project ssh-key add PROJECT"
                        + " < KEYFILE)");
            }
            TestsApi.SshKeyInfo info = api.pipelines(environment).addSshKey(project,
                    new String(key, StandardCharsets.UTF_8));
            out.println("Added " + info.keyType() + " key " + info.fingerprint() + " (MD5 " + info.md5Fingerprint()
                    + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the project's SSH keys by"
            + " fingerprint.")
    static final class ListKeys extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "the project's slug or id")
        String project;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            for (TestsApi.SshKeyInfo key : api.pipelines(environment).sshKeys(project).items()) {
                out.println(key.fingerprint() + "  MD5:" + key.md5Fingerprint() + "  " + key.keyType() + "  "
                        + key.createdAt());
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes the project's SSH key of a"
            + " fingerprint.")
    static final class Delete extends ManagementCommand {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "the project's slug or id")
        String project;
        @Parameters(index = "1", paramLabel = "FINGERPRINT", description = "SHA256:... or the MD5 fingerprint")
        String fingerprint;

        @Override
        int run(ManagementClient client, PrintWriter out) throws ApiException, InterruptedException {
            api.pipelines(environment).deleteSshKey(project, fingerprint);
            out.println("Deleted " + fingerprint);
            return 0;
        }
    }
}
