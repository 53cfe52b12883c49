package dev.runway.taskagent;

import dev.runway.protocol.RunnerApi.Checkout;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code checkout} step as a shell script around the git CLI: clone (or fetch, when the directory is already a
 * checkout) the job's repository into the step's directory and check out its revision on its branch. Repository,
 * revision and branch reach the script through the environment, never spliced into its text, and are checked before
 * git sees them (a revision such as {@code --upload-pack=CMD} would otherwise run CMD).
 */
final class CheckoutScript {
    static final String TEXT = """
            set -e
            if [ -n "$RUNWAY_CHECKOUT_CONFIG" ]; then trap 'rm -f "$RUNWAY_CHECKOUT_CONFIG"' EXIT; fi
            # Nothing from the job reaches git where it could be read as an option (the server checks the same).
            case "$RUNWAY_CHECKOUT_REPOSITORY" in -*)
              echo "checkout: the repository must not start with '-'" >&2; exit 2;; esac
            case "$RUNWAY_CHECKOUT_REVISION" in *[!0-9a-fA-F]*)
              echo "checkout: the revision is not a hexadecimal commit id" >&2; exit 2;; esac
            case "$RUNWAY_CHECKOUT_BRANCH" in -*)
              echo "checkout: the branch must not start with '-'" >&2; exit 2;; esac
            if [ -n "$RUNWAY_CHECKOUT_BRANCH" ] \\
                && ! git check-ref-format "refs/heads/$RUNWAY_CHECKOUT_BRANCH" >/dev/null 2>&1; then
              echo "checkout: the branch is not a valid branch name" >&2; exit 2
            fi
            if [ -d .git ]; then
              echo "Fetching into existing repository $(pwd)"
              git remote set-url origin "$RUNWAY_CHECKOUT_REPOSITORY" 2>/dev/null \\
                || git remote add origin "$RUNWAY_CHECKOUT_REPOSITORY"
            else
              if [ -n "$(ls -A . 2>/dev/null)" ]; then
                echo "Directory ($(pwd)) you are trying to checkout to is not empty and not a git repository" >&2
                exit 1
              fi
              echo "Cloning $RUNWAY_CHECKOUT_REPOSITORY into $(pwd)"
              git init -q .
              git remote add origin "$RUNWAY_CHECKOUT_REPOSITORY"
            fi
            shallow=
            if [ -n "$RUNWAY_CHECKOUT_SHALLOW" ] && [ -n "$RUNWAY_CHECKOUT_REVISION" ] \\
                && git fetch --force --depth 1 origin "$RUNWAY_CHECKOUT_REVISION"; then
              shallow=1
              if [ -n "$RUNWAY_CHECKOUT_BRANCH" ]; then
                git update-ref "refs/remotes/origin/$RUNWAY_CHECKOUT_BRANCH" "$RUNWAY_CHECKOUT_REVISION"
              fi
            else
              git fetch --force --tags origin '+refs/heads/*:refs/remotes/origin/*'
            fi
            if [ -n "$shallow" ]; then
              target="$RUNWAY_CHECKOUT_REVISION"
            elif [ -n "$RUNWAY_CHECKOUT_REVISION" ]; then
              if ! git cat-file -e "$RUNWAY_CHECKOUT_REVISION^{commit}" 2>/dev/null; then
                git fetch --force origin "$RUNWAY_CHECKOUT_REVISION"
              fi
              target="$RUNWAY_CHECKOUT_REVISION"
            else
              target="origin/$RUNWAY_CHECKOUT_BRANCH"
            fi
            if [ -n "$RUNWAY_CHECKOUT_BRANCH" ]; then
              git checkout --force -B "$RUNWAY_CHECKOUT_BRANCH" "$target"
            else
              git checkout --force --detach "$target"
            fi
            git --no-pager log --no-color -1 --format='HEAD is now at %h %s'
            """;

    private CheckoutScript() {}

    /** The variables the script reads, from the job's checkout source (read with what the runner host may read). */
    static Map<String, String> environment(Checkout checkout) {
        Map<String, String> env = new HashMap<>();
        env.put("RUNWAY_CHECKOUT_REPOSITORY", checkout.repository());
        env.put("RUNWAY_CHECKOUT_REVISION", checkout.revision() == null ? "" : checkout.revision());
        env.put("RUNWAY_CHECKOUT_BRANCH", checkout.branch() == null ? "" : checkout.branch());
        return env;
    }

    /**
     * The variables of a checkout from the server's project mirror at {@code server} (the checkout's repository is
     * the mirror's path there): the credential goes into {@code configFile} (created 0600), which git includes after
     * the step's own {@code GIT_CONFIG_*} entries, as a header sent to the mirror's URL alone.
     */
    static Map<String, String> mirrorEnvironment(Checkout checkout, URI server, Map<String, String> stepEnvironment,
            Path configFile) throws IOException {
        String url = server.toString().replaceAll("/+$", "") + checkout.repository();
        if (url.indexOf('"') >= 0 || url.indexOf('\\') >= 0 || url.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("checkout: the server URL cannot be written in a git config: " + url);
        }
        try {
            Files.createFile(configFile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(configFile);
        }
        Files.writeString(configFile, "[http \"" + url + "\"]\n\textraHeader = Authorization: Bearer "
                + checkout.credential() + "\n", StandardCharsets.UTF_8);
        Map<String, String> env = environment(new Checkout(url, checkout.revision(), checkout.branch()));
        int count = 0;
        try {
            count = Integer.parseInt(stepEnvironment.getOrDefault("GIT_CONFIG_COUNT", "0").strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkout: GIT_CONFIG_COUNT is not a number: "
                    + stepEnvironment.get("GIT_CONFIG_COUNT"), e);
        }
        env.put("GIT_CONFIG_COUNT", Integer.toString(count + 1));
        env.put("GIT_CONFIG_KEY_" + count, "include.path");
        env.put("GIT_CONFIG_VALUE_" + count, configFile.toString());
        env.put("RUNWAY_CHECKOUT_CONFIG", configFile.toString());
        env.put("RUNWAY_CHECKOUT_SHALLOW", "1");
        return env;
    }
}
