package dev.runway.cli;

import dev.runway.cli.install.CommandRunner;
import dev.runway.protocol.GitRefs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A working tree as it is, uncommitted changes included, committed into a repository of its own (the working tree's
 * own repository is never written): what {@code runway run} builds. Files its {@code .gitignore} names are left out.
 */
record WorkingTreeSnapshot(Path repository, String branch, String revision) {

    static WorkingTreeSnapshot take(Path workingTree, Path into) throws IOException {
        CommandRunner git = new CommandRunner();
        CommandRunner.Result head = git.run(List.of("git", "-C", workingTree.toString(), "rev-parse",
                "--abbrev-ref", "HEAD"));
        String branch = head.exitCode() == 0 ? head.output().strip() : "";
        try {
            GitRefs.branch("branch", branch);
        } catch (IllegalArgumentException e) {
            branch = "local";
        }
        if (branch.equals("HEAD")) {
            branch = "local";
        }
        git.runChecked(List.of("git", "init", "-q", into.toString()));
        git.runChecked(List.of("git", "-C", into.toString(), "symbolic-ref", "HEAD", "refs/heads/" + branch));
        git.runChecked(List.of("git", "--git-dir=" + into.resolve(".git"), "--work-tree=" + workingTree, "add", "-A",
                "--", "."));
        git.runChecked(command(into, "commit", "-q", "--allow-empty", "--no-verify", "-m",
                "runway run: the working tree of " + workingTree));
        String revision = git.runChecked(List.of("git", "-C", into.toString(), "rev-parse", "HEAD")).strip();
        return new WorkingTreeSnapshot(into, branch, revision);
    }

    private static List<String> command(Path repository, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString(), "-c",
                "user.name=runway run", "-c", "user.email=runway@localhost", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        return command;
    }
}
