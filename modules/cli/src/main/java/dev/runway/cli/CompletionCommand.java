package dev.runway.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runway completion bash|zsh|fish}: a completion script for the whole command tree. Bash's is picocli's
 * ({@link AutoComplete#bash}), which also runs in zsh through its bash completion compatibility; fish's is written
 * here from the same model, as picocli has no fish generator.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints a shell completion script for bash, zsh or fish.",
        footer = {"", "bash:  source <(runway completion bash)   (or save it in /etc/bash_completion.d/runway)",
                "zsh:   source <(runway completion zsh)",
                "fish:  runway completion fish > ~/.config/fish/completions/runway.fish"})
public final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    public enum Shell { bash, zsh, fish }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "The shell: bash, zsh or fish.")
    Shell shell;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CommandLine tree = Runway.commandLine();
        out.print(shell == Shell.fish ? fish(tree) : bash(tree));
        out.flush();
        return 0;
    }

    /** Picocli's script; it enables bash completion in zsh itself (bashcompinit). */
    static String bash(CommandLine tree) {
        return AutoComplete.bash("runway", tree);
    }

    /**
     * Fish: each command's subcommands, options and descriptions, completed where the words typed so far name that
     * command ({@code __runway_path} finds the deepest known command among them).
     */
    static String fish(CommandLine tree) {
        List<CommandLine> commands = new ArrayList<>();
        collect(tree, commands);
        StringBuilder script = new StringBuilder("# runway completion for fish (runway completion fish)\n");
        script.append("set -g __runway_paths");
        for (CommandLine command : commands) {
            if (command != tree) {
                script.append(' ').append(quote(path(command)));
            }
        }
        script.append("\n\nfunction __runway_path\n")
                .append("    set -l path ''\n")
                .append("    for word in (commandline -opc)[2..-1]\n")
                .append("        string match -q -- '-*' $word; and continue\n")
                .append("        set -l next (string trim -- \"$path $word\")\n")
                .append("        contains -- $next $__runway_paths; and set path $next\n")
                .append("    end\n")
                .append("    echo $path\nend\n\n")
                .append("complete -c runway -f\n");
        for (CommandLine command : commands) {
            String at = "-n " + quote("test (__runway_path) = " + quote(path(command)));
            for (CommandLine sub : command.getSubcommands().values().stream().distinct().toList()) {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    script.append("complete -c runway ").append(at).append(" -a ")
                            .append(quote(sub.getCommandName())).append(" -d ").append(quote(summary(sub
                                    .getCommandSpec().usageMessage().description()))).append('\n');
                }
            }
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.hidden()) {
                    continue;
                }
                script.append("complete -c runway ").append(at);
                for (String name : option.names()) {
                    script.append(name.startsWith("--") ? " -l " + name.substring(2)
                            : name.length() == 2 ? " -s " + name.substring(1) : " -o " + name.substring(1));
                }
                if (option.arity().max() > 0) {
                    script.append(" -r");
                    if (option.completionCandidates() != null) {
                        List<String> values = new ArrayList<>();
                        option.completionCandidates().forEach(values::add);
                        script.append(" -a ").append(quote(String.join(" ", values)));
                    }
                }
                script.append(" -d ").append(quote(summary(option.description()))).append('\n');
            }
            command.getCommandSpec().positionalParameters().stream()
                    .filter(parameter -> parameter.completionCandidates() != null).forEach(parameter -> {
                        List<String> values = new ArrayList<>();
                        parameter.completionCandidates().forEach(values::add);
                        script.append("complete -c runway ").append(at).append(" -a ")
                                .append(quote(String.join(" ", values))).append('\n');
                    });
        }
        return script.toString();
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, all));
    }

    /** The command's words after {@code runway}: "" for the root, "job submit" for a nested one. */
    private static String path(CommandLine command) {
        String qualified = command.getCommandSpec().qualifiedName(" ");
        int space = qualified.indexOf(' ');
        return space < 0 ? "" : qualified.substring(space + 1);
    }

    private static String summary(String[] description) {
        String text = description.length == 0 ? "" : description[0];
        return text.replace("${DEFAULT-VALUE}", "").replaceAll("\\s+", " ").strip();
    }

    /** A single-quoted fish word. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
