package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.cli.taskagent.TaskAgentCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunwayTest {

    @Test
    void theWholeTreeListsEverySubcommandInUsageOrder() {
        assertThat(Runway.commandLine().getSubcommands().keySet()).containsExactly("help", "install", "uninstall",
                "task-agent", "launch-agent", "quickstart", "server", "namespace", "runner", "token", "job", "config",
                "project", "pipeline", "workflow", "run", "completion", "man-pages", "context", "schedule",
                "gc");
    }

    @Test
    void aSubcommandRunBuildsOnlyThatSubcommand() {
        CommandLine taskAgent = Runway.commandLine(new String[] {"task-agent", "--api-url", "http://x", "--task-id", "t"});
        assertThat(taskAgent.getSubcommands().keySet()).containsExactly("task-agent");
        assertThat((Object) taskAgent.getSubcommands().get("task-agent").getCommand()).isInstanceOf(TaskAgentCommand.class);
    }

    @Test
    void helpAndUnknownNamesGetTheWholeTree() {
        assertThat(Runway.commandLine(new String[0]).getSubcommands()).hasSize(Runway.SUBCOMMANDS.size());
        assertThat(Runway.commandLine(new String[] {"help", "server"}).getSubcommands()).hasSize(Runway.SUBCOMMANDS.size());
        assertThat(Runway.commandLine(new String[] {"--help"}).getSubcommands()).hasSize(Runway.SUBCOMMANDS.size());

        StringWriter err = new StringWriter();
        CommandLine mistyped = Runway.commandLine(new String[] {"sever"});
        mistyped.setErr(new PrintWriter(err));
        assertThat(mistyped.execute("sever")).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("server");
    }

    @Test
    void namesInTheRegistryAreTheCommandsOwnNames() {
        Runway.SUBCOMMANDS.forEach((name, command) ->
                assertThat(command.getAnnotation(picocli.CommandLine.Command.class).name()).isEqualTo(name));
    }

    @Test
    void theVersionFastPathPrintsWhatPicocliPrints() throws Exception {
        java.io.ByteArrayOutputStream fast = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(fast, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Main.main(new String[] {"--version"});
        } finally {
            System.setOut(stdout);
        }

        StringWriter out = new StringWriter();
        CommandLine root = Runway.commandLine();
        root.setOut(new PrintWriter(out));
        assertThat(root.execute("--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo(fast.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
                .isEqualTo(Main.versionText()).startsWith("runway " + Runway.version() + " (Java ");
    }
}
