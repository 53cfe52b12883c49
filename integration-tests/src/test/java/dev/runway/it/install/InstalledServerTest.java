package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.testsupport.NamespacedSystemd;
import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The unit `runway install server` writes, run by a real systemd (booted in its own PID + mount namespace): the
 * server starts as the installed system account, /readyz answers 200 without a token, /metrics answers the admin
 * token the server made in its private data directory, and `systemctl stop` ends it cleanly.
 *
 * <p>Inside the namespace, tmpfs over /opt and /etc/opt and bind mounts carry the installed root's image,
 * configuration and data directory to their own paths, and /etc/passwd and /etc/group are the host's with the
 * installed account added (bind-mounted there only): nothing is written to the host's system files.
 */
class InstalledServerTest {
    private static final String UNIT = "runway-server.service";
    private static final String LOG = "/run/runway-server.log";
    private NamespacedSystemd systemd;
    private Path base;

    @AfterEach
    void shutDown() throws Exception {
        if (systemd != null) {
            systemd.close();
        }
        if (base != null) {
            new Command("rm", "-rf", base.toString()).run();
        }
    }

    @Test
    void theInstalledUnitRunsTheServerAsItsAccountAndReadyzAnswers() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "installed-server-test")).toRealPath();
        systemd = NamespacedSystemd.boot(); // skips where a namespaced systemd cannot run (not root, no systemd)
        base = Files.createTempDirectory(work, "run-");
        Path root = SystemRoot.accounts(base.resolve("root"));
        int port = freePort();

        Command.Result install = new Command(Command.IMAGE.resolve("bin/runway").toString(), "install", "server",
                "--root", root.toString(), "--listen", "127.0.0.1:" + port).run();
        assertThat(install.exit()).as(install.all()).isZero();
        Command.Result again = new Command(Command.IMAGE.resolve("bin/runway").toString(), "install", "server",
                "--root", root.toString(), "--listen", "127.0.0.1:" + port).run();
        assertThat(again.out()).as(again.all()).contains("install: 0 changed, 6 unchanged");

        Path passwd = merged(root, "passwd");
        Path group = merged(root, "group");
        String setUp = inNamespace("mount -t tmpfs tmpfs /opt && mkdir /opt/runway && mount --bind "
                + root.resolve("opt/runway") + " /opt/runway && mount -t tmpfs tmpfs /etc/opt && mkdir /etc/opt/runway"
                + " && mount --bind " + root.resolve("etc/opt/runway") + " /etc/opt/runway"
                + " && mkdir -p /var/lib/runway-server && mount --bind " + root.resolve("var/lib/runway-server")
                + " /var/lib/runway-server && mount --bind " + passwd + " /etc/passwd && mount --bind " + group
                + " /etc/group && cp " + root.resolve("etc/systemd/system/" + UNIT) + " /run/systemd/system/" + UNIT
                // no journald in the namespace: the server's output goes to a file a failure shows
                + " && mkdir /run/systemd/system/" + UNIT + ".d && printf '[Service]\\nStandardOutput=append:"
                + LOG + "\\nStandardError=append:" + LOG + "\\n' > /run/systemd/system/" + UNIT + ".d/log.conf"
                + " && systemctl daemon-reload && systemctl start " + UNIT + " && echo started");
        assertThat(setUp).as("mounts and start in the namespace").contains("started");

        HttpClient http = HttpClient.newHttpClient();
        URI server = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(http, server.resolve("/readyz"), null).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("/readyz did not answer 200 within 90 s: " + status(), e);
        }
        assertThat(get(http, server.resolve("/readyz"), null).body()).isEqualTo("ready\n");

        String account = Files.readAllLines(root.resolve("etc/passwd")).stream()
                .filter(line -> line.startsWith("runway:")).findFirst().orElseThrow();
        String uid = account.split(":")[2];
        String mainPid = systemd.run("systemctl", "show", "--property=MainPID", "--value", UNIT).strip();
        assertThat(inNamespace("grep '^Uid:' /proc/" + mainPid + "/status")).as("the server's uids")
                .matches("(?s)Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s*");

        Path tokenFile = root.resolve("var/lib/runway-server/admin-token");
        assertThat(SystemRoot.mode(tokenFile)).isEqualTo("rw-------");
        assertThat(SystemRoot.mode(root.resolve("var/lib/runway-server"))).isEqualTo("rwx------");
        String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
        HttpResponse<String> metrics = get(http, server.resolve("/metrics"), token);
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        // (not the JVM's metrics: JDK 17 cannot read its cgroup under this unit's sandbox in the test's nested
        // namespace, and the server leaves them out, see JvmCollector)
        assertThat(metrics.body()).contains("runway_build_info{version=\"" + Command.VERSION + "\"} 1")
                .contains("runway_store_up 1").contains("runway_http_request_duration_seconds_count{method=\"GET\","
                        + "route=\"/readyz\",status=\"200\"}");

        assertThat(inNamespace("systemctl stop " + UNIT + " && echo stopped")).contains("stopped");
        assertThat(systemd.run("systemctl", "show", "--property=ActiveState,Result", UNIT))
                .contains("ActiveState=inactive").contains("Result=success");
    }

    /** The host's account file with the installed root's accounts added. */
    private Path merged(Path root, String name) throws IOException {
        List<String> installed = Files.readAllLines(root.resolve("etc/" + name)).stream()
                .filter(line -> !line.startsWith("root:")).collect(Collectors.toList());
        Path file = base.resolve(name);
        Files.writeString(file, Stream.concat(Files.readAllLines(Path.of("/etc/" + name)).stream(),
                installed.stream()).collect(Collectors.joining("\n", "", "\n")));
        return file;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String status() {
        try {
            return systemd.run("/bin/sh", "-c", "systemctl status " + UNIT + " --no-pager; tail -30 " + LOG + "; true");
        } catch (Exception e) {
            return "(no status: " + e.getMessage() + ")";
        }
    }

    private String inNamespace(String script) throws Exception {
        return systemd.run("/bin/sh", "-c", script);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
