package dev.runway.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.runway.protocol.TaskAgentInvocation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The allowed dependencies of docs/architecture.md ("Modules and what they may use"), as ArchUnit rules; that
 * document links here as their source. One agreed deviation: config may use protocol (for the single Go-duration
 * parser).
 */
final class ArchitectureRules {
    private static final String[] PLATFORM = {"java..", "javax..", "jdk..", "sun.misc.."};
    private static final String[] LOGGING_API = {"org.slf4j.."};
    private static final String[] JACKSON = {"com.fasterxml.jackson.."};
    /** The store's implementations; the server and the store interface (dev.runway.server.store) name no engine. */
    private static final String[] STORE_ENGINES = {"dev.runway.server.store.jdbc..", "dev.runway.server.store.h2..",
        "dev.runway.server.store.postgres.."};

    /**
     * The options only a task agent takes. Not --api-url (install takes one too) nor the subcommand's name (the
     * command tree lists it): javac copies a constant such as TaskAgentInvocation.TASK_ID into the class that uses
     * it, so a class file that holds one of these either spells it out or reads a constant of the contract, and only
     * the contract and the task agent's own start-up (picocli's annotations, the names of bad options) have to.
     */
    private static final Set<String> TASK_AGENT_OPTIONS = Set.of(TaskAgentInvocation.TASK_ID,
            TaskAgentInvocation.MAX_RUN_TIME, TaskAgentInvocation.CANCEL_GRACE_PERIOD, TaskAgentInvocation.STANDBY);

    private ArchitectureRules() {}

    /** Every rule by name, in a stable order. */
    static Map<String, ArchRule> all() {
        Map<String, ArchRule> rules = new LinkedHashMap<>();
        rules.put("config uses only protocol and Jackson", module("dev.runway.config")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, JACKSON,
                        new String[] {"dev.runway.config..", "dev.runway.protocol..", "org.yaml.snakeyaml.."}))));
        rules.put("protocol uses only Jackson", module("dev.runway.protocol")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, JACKSON,
                        new String[] {"dev.runway.protocol.."}))));
        rules.put("pipeline uses only protocol, Jackson and SnakeYAML", module("dev.runway.pipeline")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, JACKSON,
                        new String[] {"dev.runway.pipeline..", "dev.runway.protocol..", "org.yaml.snakeyaml.."}))));
        rules.put("client uses only protocol", module("dev.runway.client")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, LOGGING_API, JACKSON,
                        new String[] {"dev.runway.client..", "dev.runway.protocol.."}))));
        rules.put("launcher uses nothing of ours", classes().that(inLauncherCore())
                .should().onlyDependOnClassesThat(launcherCore().or(allowed(join(PLATFORM, LOGGING_API)))));
        rules.put("agent uses config, client, protocol and the launcher SPI only", module("dev.runway.agent")
                .should().onlyDependOnClassesThat(launcherCore().or(allowed(join(PLATFORM, LOGGING_API, JACKSON,
                        new String[] {"dev.runway.agent..", "dev.runway.config..", "dev.runway.client..",
                            "dev.runway.protocol..", "com.sun.net.httpserver.."})))));
        rules.put("taskagent uses client, protocol and its archive libraries only", module("dev.runway.taskagent")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, LOGGING_API, JACKSON,
                        new String[] {"dev.runway.taskagent..", "dev.runway.client..", "dev.runway.protocol..",
                            "org.apache.commons.compress..", "com.github.luben.zstd..",
                            "io.airlift.compress.."}))));
        rules.put("server uses protocol, pipeline, the dashboard, Jetty, JDBC and the Prometheus client only",
                module("dev.runway.server").should().onlyDependOnClassesThat(allowed(join(PLATFORM, LOGGING_API, JACKSON,
                        new String[] {"dev.runway.server..", "dev.runway.protocol..", "dev.runway.pipeline..",
                            "dev.runway.dashboard..", "org.eclipse.jetty..", "org.h2..", "org.postgresql..",
                            "com.zaxxer.hikari..", "io.prometheus.."}))));
        // the server mounts the dashboard (server -> dashboard), and the dashboard reads the server only through its
        // HTTP API with the client, as the CLI does: naming the server or its store would be a cycle and page-only
        // store logic
        rules.put("dashboard uses client and protocol only", module("dev.runway.dashboard")
                .should().onlyDependOnClassesThat(allowed(join(PLATFORM, LOGGING_API, JACKSON,
                        new String[] {"dev.runway.dashboard..", "dev.runway.client..", "dev.runway.protocol.."}))));
        rules.put("launchers-linux uses the launcher SPI and JNA only", module("dev.runway.launcher.linux")
                .should().onlyDependOnClassesThat(launcherCore().or(allowed(join(PLATFORM, LOGGING_API,
                        new String[] {"dev.runway.launcher.linux..", "com.sun.jna.."})))));
        rules.put("launchers-macos uses the launcher SPI and JNA only", module("dev.runway.launcher.macos")
                .should().onlyDependOnClassesThat(launcherCore().or(allowed(join(PLATFORM, LOGGING_API,
                        new String[] {"dev.runway.launcher.macos..", "com.sun.jna.."})))));
        rules.put("only launchers-* touch JNA", noClasses()
                .that().resideOutsideOfPackages("dev.runway.launcher.linux..", "dev.runway.launcher.macos..",
                        "com.sun.jna..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna.."));
        rules.put("only cli touches picocli", noClasses()
                .that().resideOutsideOfPackages("dev.runway.cli..", "picocli..")
                .should().dependOnClassesThat().resideInAPackage("picocli.."));
        rules.put("only cli touches the logging backend", noClasses()
                .that().resideOutsideOfPackages("dev.runway.cli..", "ch.qos.logback..")
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAPackage("ch.qos.logback.."));
        rules.put("only cli writes to standard output or error", noClasses()
                .that().resideInAPackage("dev.runway..").and().resideOutsideOfPackage("dev.runway.cli..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err"));
        rules.put("only server touches Jetty", noClasses()
                .that().resideOutsideOfPackages("dev.runway.server..", "org.eclipse.jetty..")
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty.."));
        rules.put("the store interface names no engine (no H2, no JDBC)", noClasses()
                .that().resideInAPackage("dev.runway.server.store..")
                .and().resideOutsideOfPackages(STORE_ENGINES)
                .should().dependOnClassesThat().resideInAnyPackage("org.h2..", "java.sql..", "org.postgresql..",
                        "com.zaxxer.hikari.."));
        rules.put("only the H2 store touches H2", noClasses()
                .that().resideOutsideOfPackages("dev.runway.server.store.h2..", "org.h2..")
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAPackage("org.h2.."));
        rules.put("only the PostgreSQL store touches PostgreSQL and HikariCP", noClasses()
                .that().resideOutsideOfPackages("dev.runway.server.store.postgres..", "org.postgresql..",
                        "com.zaxxer.hikari..")
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postgresql..", "com.zaxxer.hikari.."));
        rules.put("only the server's metrics package touches the Prometheus client", noClasses()
                .that().resideOutsideOfPackages("dev.runway.server.metrics..", "io.prometheus..")
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAPackage("io.prometheus.."));
        rules.put("only the store engines touch JDBC", noClasses()
                .that().resideOutsideOfPackages(STORE_ENGINES)
                .and().resideInAPackage("dev.runway..")
                .should().dependOnClassesThat().resideInAPackage("java.sql.."));
        rules.put("agent never names a platform launcher", noClasses()
                .that().resideInAPackage("dev.runway.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runway.launcher.linux..",
                        "dev.runway.launcher.macos.."));
        rules.put("platform launchers never name the agent", noClasses()
                .that().resideInAnyPackage("dev.runway.launcher.linux..", "dev.runway.launcher.macos..")
                .should().dependOnClassesThat().resideInAPackage("dev.runway.agent.."));
        rules.put("the launch agent starts task agents through TaskAgentInvocation", classes()
                .that().resideInAPackage("dev.runway.agent..").and(callLauncher("start", "startStandby"))
                .should().dependOnClassesThat().haveFullyQualifiedName(TaskAgentInvocation.class.getName()));
        rules.put("the task agent's start-up reads its invocation through TaskAgentInvocation", classes()
                .that().resideInAPackage("dev.runway.cli..").and(constructTaskAgent())
                .should().dependOnClassesThat().haveFullyQualifiedName(TaskAgentInvocation.class.getName()));
        rules.put("only TaskAgentInvocation and the task agent's start-up name the task agent's options", noClasses()
                .that().resideInAPackage("dev.runway..")
                .and().doNotHaveFullyQualifiedName(TaskAgentInvocation.class.getName())
                .and().resideOutsideOfPackage("dev.runway.cli.taskagent..")
                .should(holdAStringConstant(TASK_AGENT_OPTIONS)));
        rules.put("no cycles between packages", slices().matching("dev.runway.(**)").should().beFreeOfCycles());
        return rules;
    }

    private static com.tngtech.archunit.lang.syntax.elements.GivenClassesConjunction module(String root) {
        return classes().that().resideInAPackage(root + "..");
    }

    /** dev.runway.launcher and its sub-packages, except the platform launchers that live below it. */
    private static DescribedPredicate<JavaClass> inLauncherCore() {
        return launcherCore();
    }

    private static DescribedPredicate<JavaClass> launcherCore() {
        return DescribedPredicate.describe("in the launcher module (dev.runway.launcher, not .linux/.macos)",
                c -> (c.getPackageName().equals("dev.runway.launcher")
                        || c.getPackageName().startsWith("dev.runway.launcher."))
                        && !c.getPackageName().startsWith("dev.runway.launcher.linux")
                        && !c.getPackageName().startsWith("dev.runway.launcher.macos"));
    }

    /** Classes that call one of {@code methods} of the launcher SPI's Launcher: they start task agents. */
    private static DescribedPredicate<JavaClass> callLauncher(String... methods) {
        Set<String> names = Set.of(methods);
        return DescribedPredicate.describe("call Launcher." + String.join("/", methods),
                c -> c.getMethodCallsFromSelf().stream().anyMatch(call -> names.contains(call.getName())
                        && call.getTargetOwner().getFullName().equals("dev.runway.launcher.Launcher")));
    }

    /** Classes that construct the task agent (dev.runway.taskagent.TaskAgent): they start one. */
    private static DescribedPredicate<JavaClass> constructTaskAgent() {
        return DescribedPredicate.describe("construct dev.runway.taskagent.TaskAgent",
                c -> c.getConstructorCallsFromSelf().stream().anyMatch(
                        call -> call.getTargetOwner().getFullName().equals("dev.runway.taskagent.TaskAgent")));
    }

    /** Satisfied by a class whose class file holds one of {@code strings} as a constant ({@link ClassFileStrings}). */
    private static ArchCondition<JavaClass> holdAStringConstant(Set<String> strings) {
        return new ArchCondition<>("hold one of the string constants " + new TreeSet<>(strings)) {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                Set<String> held = new TreeSet<>(ClassFileStrings.of(javaClass));
                held.retainAll(strings);
                events.add(new SimpleConditionEvent(javaClass, !held.isEmpty(),
                        javaClass.getName() + (held.isEmpty() ? " holds none of them" : " holds " + held)));
            }
        };
    }

    private static DescribedPredicate<JavaClass> allowed(String[] packages) {
        return JavaClass.Predicates.resideInAnyPackage(packages).or(primitiveOrArrayOfAllowed(packages));
    }

    private static DescribedPredicate<JavaClass> primitiveOrArrayOfAllowed(String[] packages) {
        DescribedPredicate<JavaClass> inPackages = JavaClass.Predicates.resideInAnyPackage(packages);
        return DescribedPredicate.describe("primitive or array",
                c -> c.isPrimitive() || (c.isArray() && (c.getBaseComponentType().isPrimitive()
                        || inPackages.test(c.getBaseComponentType()))));
    }

    private static String[] join(String[]... groups) {
        return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
