package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LaunchAgentCommandTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String err) {}

    private static Run run(Map<String, String> environment, String... args) {
        CommandLine commandLine = new CommandLine(new LaunchAgentCommand(environment));
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, err.toString());
    }

    @Test
    void withoutConfigOrTokenItSaysSoAndExits1() {
        Run run = run(Map.of("PATH", "/usr/bin"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(LaunchAgentCommand.NO_TOKEN + System.lineSeparator());
    }

    @Test
    void tokenAliasesAreRecognised() {
        assertThat(LaunchAgentCommand.hasToken(Map.of("CIRCLECI_API_TOKEN", "t"))).isTrue();
        assertThat(LaunchAgentCommand.hasToken(Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", "t"))).isTrue();
        assertThat(LaunchAgentCommand.hasToken(Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", " "))).isFalse();
    }

    @Test
    void aBadConfigurationExits2NamingTheFileAndKeyWithoutTheToken() throws Exception {
        Path config = temp.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: very-secret-token\nrunner:\n  max_run_time: forever\n");
        Run run = run(Map.of(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(run.err()).contains(config.toString()).contains("max_run_time")
                .doesNotContain("very-secret-token");
    }

    /** The agent of an https server (token t0k3n) started with {@code environment}. */
    private Run runForHttpsServer(Map<String, String> environment) throws Exception {
        Path config = temp.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: t0k3n\n  url: https://runway.example.org\nrunner:\n"
                + "  working_directory: " + temp.resolve("work") + "/%s\n");
        return run(environment, "--config", config.toString(), "--state-dir", temp.resolve("state").toString());
    }

    @Test
    void anUnusableProxyVariableExits2NamingItWithoutItsCredentials() throws Exception {
        Run run = runForHttpsServer(Map.of("HTTPS_PROXY", "socks5://user:hunter22@proxy.corp:1080"));
        assertThat(run.exitCode()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(run.err()).contains("HTTPS_PROXY").contains("socks5").doesNotContain("hunter22")
                .doesNotContain("t0k3n");
    }

    @Test
    void aCaBundleThatCannotBeReadExits2NamingItForAnHttpsServer() throws Exception {
        Run run = runForHttpsServer(Map.of("SSL_CERT_FILE", "/nonexistent/company-ca.pem"));
        assertThat(run.exitCode()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(run.err()).contains("SSL_CERT_FILE /nonexistent/company-ca.pem").doesNotContain("t0k3n");
    }

    @Test
    void anUnavailableLauncherIsAClearStartFailure() throws Exception {
        Path config = temp.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: t0k3n\n  url: http://127.0.0.1:9\nrunner:\n"
                + "  launcher: macos\n  working_directory: " + temp.resolve("work") + "/%s\n");
        Run run = run(Map.of(), "--config", config.toString(), "--state-dir", temp.resolve("state").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("macos").doesNotContain("t0k3n");
    }

    @Test
    void stateDirectoryIsPerUserUnlessRoot() {
        Path directory = LaunchAgentCommand.defaultStateDirectory(Map.of("XDG_STATE_HOME", "/x/state"));
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(directory).isEqualTo(Path.of("/var/lib/runway"));
        } else {
            assertThat(directory).isEqualTo(Path.of("/x/state/runway"));
        }
    }
}
