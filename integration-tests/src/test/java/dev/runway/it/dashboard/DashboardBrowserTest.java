package dev.runway.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.it.support.Git;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ServerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The dashboard of the built image's {@code runway server} in a real browser (Debian's chromium, headless), with a
 * real launch agent running the jobs of a real git repository: sign in, trigger a pipeline, watch a job's output
 * arrive live to its last line, approve a held job, cancel a running workflow, and see the runner go offline when
 * its agent stops. Run in this order; each saves a screenshot under target/ when it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final Path REPO = Path.of(System.getProperty("runway.repo", "..")).toAbsolutePath().normalize();
    private static final Duration PAGE = Duration.ofSeconds(10);
    private static final Duration JOB = Duration.ofSeconds(90);
    @TempDir
    static Path tmp;
    private static ServerProcess server;
    private static LaunchAgentProcess agent;
    private static Browser browser;
    private static String base;
    private static Path go;
    /** The project's page: /ui/projects/ and its slug. */
    private static String project;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> browser);

    private static final String MAIN = """
            version: 2.1
            executors:
              here: {machine: true, resource_class: web/linux}
            jobs:
              build:
                executor: here
                steps:
                  - run: {name: Prepare, command: "echo preparing; uname -s"}
                  - run:
                      name: Print lines
                      command: |
                        printf '\\033[1;34mwaiting for the test\\033[0m\\n'
                        until [ -e GO_FILE ]; do sleep 0.05; done
                        for i in $(seq 1 40); do printf '\\033[32mline %s\\033[0m of the build\\n' "$i"; done
                        echo "the last line"
              test:
                executor: here
                parameters: {suite: {type: string}}
                steps: [{run: {name: Suite, command: "echo suite << parameters.suite >>"}}]
              deploy:
                executor: here
                steps: [{run: {name: Deploy, command: "echo deployed"}}]
            workflows:
              ci:
                jobs:
                  - build
                  - test: {matrix: {parameters: {suite: [unit, api, ui]}}, requires: [build]}
                  - hold: {type: approval, requires: [test]}
                  - deploy: {requires: [hold]}
            """;

    private static final String SLOW = """
            version: 2.1
            jobs:
              slow:
                machine: true
                resource_class: web/linux
                steps: [{run: {name: Wait, command: "echo waiting; sleep 600"}}]
            workflows:
              long:
                jobs: [slow]
            """;

    /** A job that stores a JUnit report with one failing test (the job itself succeeds) and an artifact. */
    private static final String REPORTS = """
            version: 2.1
            jobs:
              report:
                machine: true
                resource_class: web/linux
                steps:
                  - run:
                      name: Tests
                      command: |
                        mkdir -p results
                        cat > results/junit.xml <<'XML'
                        <testsuite name="calc" tests="2" failures="1">
                          <testcase classname="calc.AddTest" name="adds" time="0.01"/>
                          <testcase classname="calc.AddTest" name="carries" time="0.02">
                            <failure message="expected 2 but was 3">expected 2 but was 3</failure>
                          </testcase>
                        </testsuite>
                        XML
                        echo "the report of this build" > results/report.txt
                  - store_test_results: {path: results}
                  - store_artifacts: {path: results/report.txt, destination: report.txt}
            workflows:
              reports:
                jobs: [report]
            """;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Browser.available(), "needs Debian's chromium and chromium-driver (.ci/run installs"
                + " them)");
        go = tmp.resolve("go");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve(".circleci"));
        Files.writeString(repo.resolve(".circleci/config.yml"), MAIN.replace("GO_FILE", go.toString()));
        Git.run(repo, "init", "-q");
        Git.run(repo, "add", "-A");
        Git.run(repo, "commit", "-q", "-m", "main");
        Git.run(repo, "checkout", "-q", "-b", "slow");
        Files.writeString(repo.resolve(".circleci/config.yml"), SLOW);
        Git.run(repo, "commit", "-q", "-am", "slow");
        Git.run(repo, "checkout", "-q", "-b", "reports", "main");
        Files.writeString(repo.resolve(".circleci/config.yml"), REPORTS);
        Git.run(repo, "commit", "-q", "-am", "reports");
        Git.run(repo, "checkout", "-q", "main");

        server = ServerProcess.start(List.of(), tmp.resolve("data"), tmp.resolve("server.log"), "127.0.0.1", 0, "60s",
                List.of("--max-claim-wait", "2s"));
        base = "http://127.0.0.1:" + server.port();
        ManagementClient admin = new ManagementClient(new HttpTransport(URI.create(base), Duration.ofSeconds(10)),
                server.adminToken());
        admin.createNamespace("web", UUID.randomUUID().toString());
        admin.createResourceClass("web/linux", "dashboard tests");
        String token = admin.createToken("web/linux", "browser").token();
        project = "/ui/projects/" + new dev.runway.client.PipelinesClient(new HttpTransport(URI.create(base),
                Duration.ofSeconds(10)), server.adminToken()).createProject(new dev.runway.protocol.PipelinesApi.ProjectCreate("web",
                        repo.toString(), "app", "main")).slug();
        agent = LaunchAgentProcess.start(List.of(), tmp.resolve("agent"), "web-runner", base, token, "", Map.of());
        browser = new Browser(Files.createDirectories(tmp.resolve("profile")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (agent != null) {
            agent.kill();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void signInTriggerAndWatchAJobsLiveOutputToItsLastLine() throws Exception {
        browser.driver.get(base + "/");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/ui/sign-in");
        browser.driver.findElement(By.id("token")).sendKeys(server.adminToken());
        browser.driver.findElement(By.cssSelector("form.signin button")).click();
        browser.await(PAGE, d -> d.getCurrentUrl().endsWith("/ui/projects"));
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(server.adminToken());

        browser.driver.findElement(By.linkText("app")).click();
        browser.await(PAGE, d -> d.getCurrentUrl().endsWith(project));
        browser.driver.findElement(By.cssSelector("form[action$='/trigger'] button")).click();
        browser.await(PAGE, d -> d.getCurrentUrl().contains("/ui/pipelines/"));
        String pipeline = browser.driver.getCurrentUrl();

        // the build job gets its page link once it is queued
        WebElement build = browser.awaitReloading(JOB, d -> d.findElements(By.cssSelector("svg a[data-job='build']"))
                .stream().findFirst().orElse(null));
        browser.driver.get(base + build.getDomAttribute("href"));
        WebElement step = browser.await(PAGE, d -> d.findElements(By.cssSelector("details.step")).stream()
                .filter(s -> s.findElement(By.cssSelector(".step-name")).getText().equals("Print lines")).findFirst()
                .orElse(null));
        if (step.getAttribute("open") == null) {
            step.findElement(By.tagName("summary")).click();
        }
        WebElement log = step.findElement(By.cssSelector("pre.log"));
        browser.await(JOB, d -> log.getText().contains("waiting for the test"));
        assertThat(step.findElement(By.cssSelector(".log-view")).getAttribute("data-state")).as("following live")
                .isEqualTo("live");
        Files.writeString(go, "go\n");
        browser.await(JOB, d -> log.getText().contains("the last line"));
        assertThat(log.getText()).contains("line 40 of the build").doesNotContain("\u001b[");
        assertThat(log.findElements(By.cssSelector("span.fg2"))).as("ANSI green as a class").isNotEmpty();
        browser.await(JOB, d -> step.findElement(By.cssSelector(".step-status")).getText().equals("success"));
        assertThat(step.findElement(By.cssSelector(".step-exit")).getText()).isEqualTo("exit 0");
        if (Boolean.getBoolean("runway.updateScreenshots")) {
            browser.screenshot(REPO.resolve("docs/job-page.png"));
        }

        // no test results or artifacts routes answer on this server: the tabs say so
        browser.driver.findElement(By.linkText("Tests")).click();
        browser.await(PAGE, d -> d.findElement(By.cssSelector("p.none")).getText().equals("Test results: none."));

        // a phone's width: the page reflows instead of scrolling sideways
        browser.driver.get(pipeline);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            Object overflow = ((JavascriptExecutor) browser.driver).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("sideways overflow at 390 px").isLessThanOrEqualTo(0);
        } finally {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    @Test
    @Order(2)
    void approveTheHeldJobAndTheMatrixIsGrouped() {
        browser.driver.get(base + project);
        browser.driver.findElement(By.cssSelector("tbody tr td a")).click();
        WebElement approve = browser.awaitReloading(JOB, d -> d.findElements(By.xpath(
                "//button[normalize-space()='Approve hold']")).stream().findFirst().orElse(null));
        assertThat(browser.driver.findElement(By.cssSelector("svg g.matrix text")).getText())
                .isEqualTo("test (matrix, 3)");
        approve.click();
        browser.awaitReloading(JOB, d -> d.findElements(By.cssSelector("svg a[data-job='deploy'] text.state"))
                .stream().anyMatch(state -> state.getText().equals("success")));
        browser.awaitReloading(PAGE, d -> d.findElement(By.cssSelector("section.workflow h2 .status")).getText()
                .equals("success"));
    }

    @Test
    @Order(3)
    void cancelARunningWorkflow() {
        browser.driver.get(base + project);
        WebElement branch = browser.driver.findElement(By.id("trigger-branch"));
        branch.clear();
        branch.sendKeys("slow");
        browser.driver.findElement(By.cssSelector("form[action$='/trigger'] button")).click();
        browser.await(PAGE, d -> d.getCurrentUrl().contains("/ui/pipelines/"));
        browser.awaitReloading(JOB, d -> d.findElements(By.cssSelector("svg a[data-job='slow'] text.state")).stream()
                .anyMatch(state -> state.getText().equals("running")));
        browser.driver.findElement(By.xpath("//button[normalize-space()='Cancel workflow']")).click();
        browser.awaitReloading(JOB, d -> d.findElement(By.cssSelector("section.workflow h2 .status")).getText()
                .equals("canceled"));
        // the pipelines list filters by status
        browser.driver.get(base + project + "?status=canceled");
        List<String> shown = new ArrayList<>();
        browser.driver.findElements(By.cssSelector("tbody tr td:nth-child(2)")).forEach(cell -> shown.add(cell
                .getText()));
        assertThat(shown).containsExactly("canceled");
    }

    @Test
    @Order(4)
    void openAFailedTestAndDownloadAnArtifactOfAJob() {
        browser.driver.get(base + project);
        WebElement branch = browser.driver.findElement(By.id("trigger-branch"));
        branch.clear();
        branch.sendKeys("reports");
        browser.driver.findElement(By.cssSelector("form[action$='/trigger'] button")).click();
        browser.await(PAGE, d -> d.getCurrentUrl().contains("/ui/pipelines/"));
        browser.awaitReloading(JOB, d -> d.findElements(By.cssSelector("svg a[data-job='report'] text.state")).stream()
                .anyMatch(state -> state.getText().equals("success")));
        String job = browser.driver.findElement(By.cssSelector("svg a[data-job='report']")).getDomAttribute("href");
        browser.driver.get(base + job);

        browser.driver.findElement(By.linkText("Tests")).click();
        List<WebElement> rows = browser.await(PAGE, d -> {
            List<WebElement> found = d.findElements(By.cssSelector("table.tests tbody tr"));
            return found.size() == 2 ? found : null;
        });
        WebElement failed = rows.get(0);
        assertThat(failed.findElement(By.cssSelector(".status")).getText()).as("failed first").isEqualTo("failure");
        assertThat(rows.get(1).getText()).contains("calc.AddTest adds");
        failed.findElement(By.cssSelector("details.test summary")).click();
        assertThat(failed.findElement(By.cssSelector("details.test pre")).getText())
                .contains("expected 2 but was 3");
        assertThat(browser.driver.getPageSource()).contains("2 tests, 1 failed.");

        // the artifact's link downloads it with the browser's session (a link carries no token)
        browser.driver.findElement(By.linkText("Artifacts")).click();
        WebElement link = browser.await(PAGE, d -> d.findElements(By.cssSelector("ul.artifacts a")).stream()
                .findFirst().orElse(null));
        assertThat(link.getText()).isEqualTo("report.txt");
        Object downloaded = ((JavascriptExecutor) browser.driver).executeAsyncScript("const done = arguments[1];"
                + " fetch(arguments[0]).then(r => r.text().then(t => done(r.status + ' ' + t)))"
                + ".catch(e => done('failed ' + e));", link.getDomAttribute("href"));
        assertThat(downloaded).isEqualTo("200 the report of this build\n");
        Object other = ((JavascriptExecutor) browser.driver).executeAsyncScript("const done = arguments[0];"
                + " fetch('/api/v2/me').then(r => done(r.status)).catch(e => done('failed ' + e));");
        assertThat(((Number) other).intValue()).as("the session opens no other API route").isEqualTo(401);
    }

    @Test
    @Order(5)
    void theRunnerGoesOfflineWhenItsAgentStops() throws Exception {
        By state = By.cssSelector("tr[data-runner='web-runner'] .runner-state");
        browser.driver.get(base + "/ui/runners");
        browser.awaitReloading(PAGE, d -> d.findElement(state).getText().equals("online"));
        assertThat(browser.driver.getPageSource()).contains("Pause dispatch of web/linux");
        agent.kill();
        browser.awaitReloading(Duration.ofSeconds(40), d -> d.findElement(state).getText().equals("offline"));
    }
}
