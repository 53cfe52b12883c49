package dev.runway.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's mirrors against real git repositories: what a trigger reads, and what it reads again without git. */
class GitRepositoriesTest {
    @Test
    void readsACommitsConfigAndMessageOnceThenFromMemory(@TempDir Path repo, @TempDir Path mirrors)
            throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        String first = git.resolve("p", "refs/heads/main");

        assertThat(new String(git.read("p", first, PipelineTriggers.CONFIG_PATH), StandardCharsets.UTF_8))
                .isEqualTo("version: 2.1\n");
        assertThat(git.message("p", first)).containsExactly("config", "");
        long runs = git.gitRuns();
        byte[] again = git.read("p", first, PipelineTriggers.CONFIG_PATH);
        assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo("version: 2.1\n");
        assertThat(git.message("p", first)).containsExactly("config", "");
        assertThat(git.gitRuns()).as("a commit's file and message read again").isEqualTo(runs);

        again[0] = 'X'; // a caller's copy: what the next trigger reads is unchanged
        assertThat(new String(git.read("p", first, PipelineTriggers.CONFIG_PATH), StandardCharsets.UTF_8))
                .isEqualTo("version: 2.1\n");
    }

    @Test
    void aBranchThatDidNotMoveIsResolvedWithoutGitAndAMovedOneByGit(@TempDir Path repo, @TempDir Path mirrors)
            throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        String first = git.resolve("p", "refs/heads/main");
        assertThat(first).isEqualTo(TimedTriggersTest.head(repo, "main"));

        long runs = git.gitRuns();
        assertThat(git.resolve("p", "refs/heads/main")).isEqualTo(first);
        assertThat(git.resolve("p", "refs/heads/release")).as("another branch at the same commit").isEqualTo(first);
        assertThat(git.gitRuns()).as("answered from the mirror's ref files").isEqualTo(runs);
        assertThat(git.resolve("p", first)).as("a bare id: git says whether the mirror still has it").isEqualTo(first);
        assertThat(git.gitRuns()).isEqualTo(runs + 1);

        TimedTriggersTest.commit(repo, "second");
        git.fetch("p", repo.toString());
        runs = git.gitRuns();
        String second = git.resolve("p", "refs/heads/main");
        assertThat(second).isEqualTo(TimedTriggersTest.head(repo, "main")).isNotEqualTo(first);
        assertThat(git.gitRuns()).as("a commit git has not answered yet").isEqualTo(runs + 1);
        assertThat(git.resolve("p", "refs/heads/release")).isEqualTo(first);
        assertThat(git.resolve("p", "refs/heads/gone")).isNull();

        // refs packed into packed-refs (git's housekeeping does it) are read from there
        TimedTriggersTest.git(mirrors.resolve("p.git"), "pack-refs", "--all");
        assertThat(Files.exists(mirrors.resolve("p.git/refs/heads/main"))).isFalse();
        runs = git.gitRuns();
        assertThat(git.resolve("p", "refs/heads/main")).isEqualTo(second);
        assertThat(git.resolve("p", "refs/heads/release")).isEqualTo(first);
        assertThat(git.gitRuns()).isEqualTo(runs);
    }

    @Test
    void anAnnotatedTagIsPeeledToItsCommitByGit(@TempDir Path repo, @TempDir Path mirrors) throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        TimedTriggersTest.git(repo, "tag", "-a", "-m", "release one", "v1");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        String commit = git.resolve("p", "refs/heads/main");

        String tagObject = MirrorRefs.read(mirrors.resolve("p.git"), "refs/tags/v1");
        assertThat(tagObject).as("the tag object, not its commit").isNotNull().isNotEqualTo(commit);
        assertThat(git.resolve("p", "refs/tags/v1")).isEqualTo(commit);
        assertThat(git.resolve("p", "refs/tags/v1")).isEqualTo(commit);
    }

    @Test
    void aSymbolicOrOddRefIsLeftToGit(@TempDir Path gitDir) throws Exception {
        Files.createDirectories(gitDir.resolve("refs/heads/dir"));
        Files.writeString(gitDir.resolve("refs/heads/sym"), "ref: refs/heads/main\n");
        Files.writeString(gitDir.resolve("refs/heads/short"), "abc123\n");
        Files.writeString(gitDir.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"
                + "a".repeat(40) + " refs/heads/mainline\n" + "b".repeat(40) + " refs/heads/main\n^" + "c".repeat(40)
                + "\n");

        assertThat(MirrorRefs.read(gitDir, "refs/heads/main")).isEqualTo("b".repeat(40));
        assertThat(MirrorRefs.read(gitDir, "refs/heads/mainline")).isEqualTo("a".repeat(40));
        assertThat(MirrorRefs.read(gitDir, "refs/heads/sym")).isNull();
        assertThat(MirrorRefs.read(gitDir, "refs/heads/short")).isNull();
        assertThat(MirrorRefs.read(gitDir, "refs/heads/dir")).isNull();
        assertThat(MirrorRefs.read(gitDir, "refs/heads/absent")).isNull();
        assertThat(MirrorRefs.read(gitDir, "refs/heads/../../packed-refs")).isNull();
        Files.createDirectories(gitDir.resolve("reftable"));
        assertThat(MirrorRefs.read(gitDir, "refs/heads/main")).as("another ref format").isNull();
    }

    @Test
    void aNewCommitAndAnAbbreviatedOrSymbolicRevisionAreReadFromGit(@TempDir Path repo, @TempDir Path mirrors)
            throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        String first = git.resolve("p", "refs/heads/main");
        git.read("p", first, PipelineTriggers.CONFIG_PATH);
        Files.writeString(repo.resolve(".circleci/config.yml"), "version: 2.1\n# second\n");
        TimedTriggersTest.git(repo, "commit", "-q", "-a", "-m", "second");
        git.fetch("p", repo.toString());
        String second = git.resolve("p", "refs/heads/main");

        assertThat(new String(git.read("p", second, PipelineTriggers.CONFIG_PATH), StandardCharsets.UTF_8))
                .isEqualTo("version: 2.1\n# second\n");
        assertThat(git.message("p", second)[0]).isEqualTo("second");
        long runs = git.gitRuns();
        // a branch moves: a name that is not a full object id is never answered from memory
        assertThat(new String(git.read("p", "refs/heads/main", PipelineTriggers.CONFIG_PATH),
                StandardCharsets.UTF_8)).isEqualTo("version: 2.1\n# second\n");
        assertThat(git.read("p", first.substring(0, 12), PipelineTriggers.CONFIG_PATH)).isNotNull();
        assertThat(git.gitRuns()).isEqualTo(runs + 2);
    }

    @Test
    void aFileTheCommitLacksIsAskedAgainAndARemovedProjectForgotten(@TempDir Path repo, @TempDir Path mirrors)
            throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        String commit = git.resolve("p", "refs/heads/main");

        long runs = git.gitRuns();
        assertThat(git.read("p", commit, ".circleci/orbs/a/b@1.yml")).isNull();
        assertThat(git.read("p", commit, ".circleci/orbs/a/b@1.yml")).isNull();
        assertThat(git.gitRuns()).isEqualTo(runs + 2);

        git.read("p", commit, PipelineTriggers.CONFIG_PATH);
        git.remove("p");
        assertThat(git.read("p", commit, PipelineTriggers.CONFIG_PATH)).as("the mirror is gone").isNull();
    }

    @Test
    void aFetchLeavesGitsHousekeepingToAThreadOfItsOwnEverySoManyFetches(@TempDir Path repo, @TempDir Path mirrors)
            throws Exception {
        TimedTriggersTest.repository(repo, "version: 2.1\n");
        GitRepositories git = new GitRepositories(mirrors);
        git.fetch("p", repo.toString());
        long afterFirst = git.gitRuns(); // init and fetch
        for (int i = 1; i < GitRepositories.FETCHES_PER_HOUSEKEEPING - 1; i++) {
            git.fetch("p", repo.toString());
        }
        assertThat(git.gitRuns()).as("one git process a fetch").isEqualTo(afterFirst
                + GitRepositories.FETCHES_PER_HOUSEKEEPING - 2);
        assertThat(git.lastHousekeeping()).isDone();

        git.fetch("p", repo.toString());
        git.lastHousekeeping().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(git.gitRuns()).as("and git gc --auto once in so many").isEqualTo(afterFirst
                + GitRepositories.FETCHES_PER_HOUSEKEEPING);
        assertThat(git.resolve("p", "refs/heads/main")).isEqualTo(TimedTriggersTest.head(repo, "main"));
    }
}
