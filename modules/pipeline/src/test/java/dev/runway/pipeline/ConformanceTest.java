package dev.runway.pipeline;

import static dev.runway.pipeline.Compiling.compile;
import static dev.runway.pipeline.Compiling.edges;
import static dev.runway.pipeline.Compiling.firstImage;
import static dev.runway.pipeline.Compiling.ok;
import static dev.runway.pipeline.Compiling.problems;
import static dev.runway.pipeline.Compiling.steps;
import static dev.runway.pipeline.Compiling.workflowJobs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Examples from CircleCI's documentation, each compiled and compared with the expansion or the error the page
 * documents. The page is named in each display name.
 */
class ConformanceTest {
    private static final String REUSING = "https://circleci.com/docs/reusing-config/";
    private static final String REFERENCE = "https://circleci.com/docs/configuration-reference/";
    private static final String MATRIX = "https://circleci.com/docs/using-matrix-jobs/";
    private static final String LOGIC = "https://circleci.com/docs/configuration-reference/#logic-statements";
    private static final String PIPELINE = "https://circleci.com/docs/pipeline-variables/";
    private static final String ORBS = "https://circleci.com/docs/orb-concepts/";
    private static final String WORKFLOWS = "https://circleci.com/docs/workflows/";
    private static final String FILTERS = "https://circleci.com/docs/guides/orchestrate/using-branch-filters/";

    @TempDir
    Path temp;

    @Test
    @DisplayName("greeting command with to: My-Name — " + REUSING + "#using-the-parameters-declaration")
    void greetingCommand() {
        CompiledPipeline p = ok("""
                version: 2.1
                commands:
                  greeting:
                    parameters:
                      to:
                        default: "world"
                        type: string
                    steps:
                      - run: echo "Hello <<parameters.to>>"
                jobs:
                  my-job:
                    docker:
                      - image: cimg/base:stable
                    steps:
                      - greeting:
                          to: "My-Name"
                workflows:
                  my-workflow:
                    jobs:
                      - my-job
                """);
        assertThat(steps(p, "my-job")).containsExactly("run: echo \"Hello My-Name\"");
    }

    @Test
    @DisplayName("string parameter default: cp *.md docs — " + REUSING + "#string")
    void stringDefault() {
        CompiledPipeline p = ok("""
                version: 2.1
                commands:
                  copy-markdown:
                    parameters:
                      destination:
                        description: destination directory
                        type: string
                        default: docs
                    steps:
                      - run: cp *.md << parameters.destination >>
                jobs:
                  build:
                    machine: true
                    steps: [copy-markdown]
                workflows:
                  w:
                    jobs: [build]
                """);
        assertThat(steps(p, "build")).containsExactly("run: cp *.md docs");
    }

    @Test
    @DisplayName("boolean sections <<# >> and <<^ >> — " + REUSING + "#boolean")
    void booleanSections() {
        String config = """
                version: 2.1
                commands:
                  list-files:
                    parameters:
                      all:
                        type: boolean
                        default: false
                      short:
                        type: boolean
                        default: true
                    steps:
                      - run: ls <<# parameters.all >> -a <</ parameters.all >><<^ parameters.short >> -l <</ parameters.short >>
                jobs:
                  build:
                    machine: true
                    steps:
                      - list-files
                      - list-files:
                          all: yes
                          short: off
                workflows:
                  w:
                    jobs: [build]
                """;
        assertThat(steps(ok(config), "build")).containsExactly("run: ls ", "run: ls  -a  -l ");
    }

    @Test
    @DisplayName("integer parameter sets parallelism: 2 — " + REUSING + "#integer")
    void integerParallelism() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      p:
                        type: integer
                        default: 1
                    parallelism: << parameters.p >>
                    machine: true
                    steps:
                      - checkout
                workflows:
                  workflow:
                    jobs:
                      - build:
                          p: 2
                """);
        assertThat(p.jobs().get("build").parallelism()).isEqualTo(2);
        assertThat(p.jobs().get("build").definition()).containsEntry("parallelism", 2L);
    }

    @Test
    @DisplayName("enum default outside the enum list is invalid — " + REUSING + "#enum")
    void enumDefaultInvalid() {
        assertThat(problems("""
                version: 2.1
                commands:
                  list-files:
                    parameters:
                      os:
                        type: enum
                        default: "windows"
                        enum: ["darwin", "linux"]
                    steps: [checkout]
                jobs:
                  build: {machine: true, steps: [list-files]}
                workflows: {w: {jobs: [build]}}
                """)).anyMatch(p -> p.startsWith("7:18: ") && p.contains("must be one of darwin, linux")
                && p.contains("'windows'"));
    }

    @Test
    @DisplayName("enum argument checked against the list — " + REUSING + "#enum")
    void enumArgument() {
        String config = """
                version: 2.1
                commands:
                  list-files:
                    parameters:
                      os:
                        default: "linux"
                        type: enum
                        enum: ["linux", "darwin", "win32"]
                    steps: [run: echo << parameters.os >>]
                jobs:
                  build:
                    machine: true
                    steps:
                      - list-files: {os: darwin}
                      - list-files: {os: plan9}
                workflows: {w: {jobs: [build]}}
                """;
        assertThat(problems(config)).singleElement().asString().startsWith("15:26: ")
                .contains("must be one of linux, darwin, win32, found 'plan9'");
    }

    @Test
    @DisplayName("executor parameter: by name and with arguments — " + REUSING + "#executor")
    void executorParameter() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  xenial:
                    parameters:
                      some-value:
                        type: string
                        default: foo
                    environment:
                      SOME_VAR: << parameters.some-value >>
                    docker:
                      - image: ubuntu:xenial
                  bionic:
                    docker:
                      - image: ubuntu:bionic
                jobs:
                  test:
                    parameters:
                      e:
                        type: executor
                    executor: << parameters.e >>
                    steps:
                      - run: some-tests
                workflows:
                  workflow:
                    jobs:
                      - test:
                          e: bionic
                      - test:
                          e:
                            name: xenial
                            some-value: foobar
                """);
        assertThat(workflowJobs(p, "workflow")).containsExactly("test-1", "test-2");
        assertThat(firstImage(p, "test-1")).containsEntry("image", "ubuntu:bionic");
        assertThat(firstImage(p, "test-2")).containsEntry("image", "ubuntu:xenial");
        assertThat(p.jobs().get("test-2").environment()).containsEntry("SOME_VAR", "foobar");
    }

    @Test
    @DisplayName("steps parameter resolves into the command's steps — " + REUSING + "#steps")
    void stepsParameter() {
        CompiledPipeline p = ok("""
                version: 2.1
                commands:
                  run-tests:
                    parameters:
                      after-deps:
                        type: steps
                        default: []
                    steps:
                      - run: make deps
                      - steps: << parameters.after-deps >>
                      - run: make test
                jobs:
                  build:
                    machine: true
                    steps:
                      - run-tests:
                          after-deps:
                            - run: echo "The dependencies are installed"
                            - run: echo "And now I'm going to run the tests"
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(steps(p, "build")).containsExactly("run: make deps", "run: echo \"The dependencies are installed\"",
                "run: echo \"And now I'm going to run the tests\"", "run: make test");
    }

    @Test
    @DisplayName("steps parameter with its default [] — " + REUSING + "#steps")
    void stepsParameterDefault() {
        CompiledPipeline p = ok("""
                version: 2.1
                commands:
                  run-tests:
                    parameters:
                      after-deps: {type: steps, default: []}
                    steps:
                      - run: make deps
                      - steps: << parameters.after-deps >>
                      - run: make test
                jobs:
                  build: {machine: true, steps: [run-tests]}
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(steps(p, "build")).containsExactly("run: make deps", "run: make test");
    }

    @Test
    @DisplayName("env_var_name parameters in a command — " + REUSING + "#environment-variable-name")
    void envVarName() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                   build:
                     parameters:
                       access-key:
                         type: env_var_name
                         default: AWS_ACCESS_KEY
                       secret-key:
                         type: env_var_name
                         default: AWS_SECRET_KEY
                       command:
                         type: string
                     docker:
                       - image: ubuntu:latest
                     steps:
                       - run: |
                           s3cmd --access_key ${<< parameters.access-key >>} \\
                                 --secret_key ${<< parameters.secret-key >>} \\
                                 << parameters.command >>
                workflows:
                  workflow:
                    jobs:
                      - build:
                          access-key: FOO_BAR
                          secret-key: BIN_BAZ
                          command: ls s3://some/where
                """);
        assertThat(steps(p, "build")).containsExactly("run: s3cmd --access_key ${FOO_BAR} \\\n"
                + "      --secret_key ${BIN_BAZ} \\\n      ls s3://some/where\n");
    }

    @Test
    @DisplayName("env_var_name must be a POSIX name — " + REUSING + "#environment-variable-name")
    void envVarNameInvalid() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      key: {type: env_var_name}
                    machine: true
                    steps: [run: echo $<< parameters.key >>]
                workflows:
                  w:
                    jobs:
                      - build: {key: "NOT A NAME"}
                """)).singleElement().asString().startsWith("11:22: ").contains("environment variable name");
    }

    @Test
    @DisplayName("sayhello: default World and argument Lev — " + REUSING + "#invoking-reusable-commands")
    void sayhello() {
        CompiledPipeline p = ok("""
                version: 2.1
                commands:
                  sayhello:
                    description: "A very simple command for demonstration purposes"
                    parameters:
                      to:
                        type: string
                        default: "World"
                    steps:
                      - run: echo Hello << parameters.to >>
                jobs:
                  myjob:
                    docker:
                      - image: "cimg/base:stable"
                    steps:
                      - sayhello
                      - sayhello:
                          to: "Lev"
                workflows: {w: {jobs: [myjob]}}
                """);
        assertThat(steps(p, "myjob")).containsExactly("run: echo Hello World", "run: echo Hello Lev");
    }

    @Test
    @DisplayName("executor by name and by name: key — " + REUSING + "#invoking-reusable-executors")
    void executorByName() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  my-executor:
                    docker:
                      - image: cimg/ruby:3.2-browsers
                jobs:
                  my-job:
                    executor: my-executor
                    steps:
                      - run: echo outside the executor
                  other-job:
                    executor:
                      name: my-executor
                    steps:
                      - run: echo outside the executor
                workflows: {w: {jobs: [my-job, other-job]}}
                """);
        assertThat(firstImage(p, "my-job")).containsEntry("image", "cimg/ruby:3.2-browsers");
        assertThat(firstImage(p, "other-job")).containsEntry("image", "cimg/ruby:3.2-browsers");
        assertThat(p.jobs().get("my-job").definition()).doesNotContainKey("executor");
    }

    @Test
    @DisplayName("executor with a version parameter under a matrix — " + REUSING
            + "#example-of-using-an-executor-declared-in-configyml-with-matrix-jobs")
    void executorInMatrix() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  node-docker:
                    parameters:
                      version:
                        description: "version tag"
                        default: "lts"
                        type: string
                    docker:
                      - image: cimg/node:<<parameters.version>>
                jobs:
                  test:
                    parameters:
                      version:
                        description: "version tag"
                        default: "lts"
                        type: string
                    executor:
                      name: node-docker
                      version: <<parameters.version>>
                    steps:
                      - checkout
                      - run: echo "how are ya?"
                workflows:
                  matrix-tests:
                    jobs:
                      - test:
                          matrix:
                            parameters:
                              version:
                                - 13.11.0
                                - 12.16.0
                                - 10.19.0
                """);
        assertThat(workflowJobs(p, "matrix-tests")).containsExactly("test-13.11.0", "test-12.16.0", "test-10.19.0");
        assertThat(firstImage(p, "test-12.16.0")).containsEntry("image", "cimg/node:12.16.0");
    }

    @Test
    @DisplayName("executors of two orbs with the same local name — " + REUSING + "#using-executors-defined-in-an-orb")
    void orbExecutors() throws IOException {
        Path orbs = temp.resolve("orbs");
        Files.createDirectories(orbs.resolve("somenamespace"));
        Files.createDirectories(orbs.resolve("someothernamespace"));
        Files.writeString(orbs.resolve("somenamespace/foo@1.yml"), """
                version: 2.1
                executors:
                  bar:
                    machine: true
                    environment:
                      RUN_TESTS: foobar
                """);
        Files.writeString(orbs.resolve("someothernamespace/baz@3.3.1.yml"), """
                version: 2.1
                executors:
                  bar:
                    docker:
                      - image: cimg/base:stable
                """);
        CompiledPipeline p = ok("""
                version: 2.1
                orbs:
                  foo-orb: somenamespace/foo@1
                  baz-orb: someothernamespace/baz@3.3.1
                jobs:
                  some-job:
                    executor: foo-orb/bar
                    steps: [checkout]
                  some-other-job:
                    executor: baz-orb/bar
                    steps: [checkout]
                workflows: {w: {jobs: [some-job, some-other-job]}}
                """, PipelineValues.builder().build(), OrbSource.directories(List.of(orbs)));
        assertThat(p.jobs().get("some-job").executor()).isEqualTo("machine");
        assertThat(p.jobs().get("some-job").environment()).containsEntry("RUN_TESTS", "foobar");
        assertThat(p.jobs().get("some-other-job").executor()).isEqualTo("docker");
    }

    @Test
    @DisplayName("job keys override the executor's; environments add up — " + REUSING
            + "#overriding-keys-when-invoking-an-executor")
    void executorOverride() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  node:
                    docker:
                      - image: cimg/node:lts
                    environment:
                     ENV: ci
                jobs:
                  build:
                    docker:
                      - image: cimg/base:stable
                    executor: node
                    steps:
                      - run: echo "Node will not be installed."
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(firstImage(p, "build")).containsEntry("image", "cimg/base:stable");
        assertThat(p.jobs().get("build").environment()).containsExactly(Map.entry("ENV", "ci"));
        assertThat(steps(p, "build")).containsExactly("run: echo \"Node will not be installed.\"");
    }

    @Test
    @DisplayName("parameterized executor resolves with steps: [] — " + REUSING
            + "#example-build-configuration-using-a-parameterized-executor")
    void parameterizedExecutor() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  python:
                    parameters:
                      tag:
                        type: string
                        default: latest
                      myspecialvar:
                        type: string
                    docker:
                      - image: cimg/python:<< parameters.tag >>
                    environment:
                      MYPRECIOUS: << parameters.myspecialvar >>
                jobs:
                  build:
                    executor:
                      name: python
                      tag: "2.7"
                      myspecialvar: "myspecialvalue"
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(firstImage(p, "build")).containsEntry("image", "cimg/python:2.7");
        assertThat(p.jobs().get("build").environment()).containsEntry("MYPRECIOUS", "myspecialvalue");
        assertThat(p.jobs().get("build").definition()).containsEntry("steps", List.of());
    }

    @Test
    @DisplayName("parameters are passed on explicitly — " + REUSING + "#the-scope-of-parameters")
    void parameterScope() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  sayhello:
                    parameters:
                      saywhat:
                        default: "World"
                        type: string
                    machine: true
                    steps:
                      - say:
                          saywhat: << parameters.saywhat >>
                commands:
                  say:
                    parameters:
                      saywhat:
                        type: string
                    steps:
                      - run: echo "<< parameters.saywhat >>"
                workflows:
                  build:
                    jobs:
                      - sayhello:
                          saywhat: Everyone
                """);
        assertThat(steps(p, "sayhello")).containsExactly("run: echo \"Everyone\"");
    }

    @Test
    @DisplayName("a command cannot read its caller's parameters — " + REUSING + "#the-scope-of-parameters")
    void parameterScopeError() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  sayhello:
                    parameters:
                      saywhat: {default: "World", type: string}
                    machine: true
                    steps: [say]
                commands:
                  say:
                    steps:
                      - run: echo "<< parameters.saywhat >>"
                workflows: {build: {jobs: [sayhello]}}
                """)).singleElement().asString().startsWith("11:14: ")
                .contains("command say uses << parameters.saywhat >> but declares no parameter 'saywhat'");
    }

    @Test
    @DisplayName("the same job invoked several times, one named — " + REUSING + "#invoking-the-same-job-multiple-times")
    void sameJobTwice() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  loadsay: {machine: true, steps: [checkout]}
                  saygoodbye: {machine: true, steps: [checkout]}
                  sayhello:
                    parameters:
                      saywhat: {type: string}
                    machine: true
                    steps: [run: echo << parameters.saywhat >>]
                workflows:
                  build:
                    jobs:
                      - loadsay
                      - sayhello:
                          saywhat: Everyone
                          requires:
                            - loadsay
                      - sayhello:
                          name: SayHelloChad
                          saywhat: Chad
                      - saygoodbye:
                          requires:
                            - SayHelloChad
                """);
        assertThat(edges(p, "build")).containsExactly("loadsay <- ", "sayhello <- loadsay", "SayHelloChad <- ",
                "saygoodbye <- SayHelloChad");
        assertThat(steps(p, "SayHelloChad")).containsExactly("run: echo Chad");
    }

    @Test
    @DisplayName("pre-steps and post-steps around the job's steps — " + REUSING + "#defining-pre-and-post-steps")
    void preAndPostSteps() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  bar:
                    machine: true
                    steps:
                      - checkout
                      - run:
                          command: echo "building"
                      - run:
                          command: echo "testing"
                workflows:
                  build:
                    jobs:
                      - bar:
                          pre-steps:
                            - run:
                                command: echo "install custom dependency"
                          post-steps:
                            - run:
                                command: echo "upload artifact to s3"
                """);
        assertThat(steps(p, "bar")).containsExactly("run: echo \"install custom dependency\"", "checkout",
                "run: echo \"building\"", "run: echo \"testing\"", "run: echo \"upload artifact to s3\"");
    }

    @Test
    @DisplayName("when and unless steps decided at compile time — " + REUSING + "#defining-conditional-steps")
    void conditionalSteps() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  myjob:
                    parameters:
                      preinstall-foo:
                        type: boolean
                        default: false
                    machine: true
                    steps:
                      - run: echo "preinstall is << parameters.preinstall-foo >>"
                      - when:
                          condition: << parameters.preinstall-foo >>
                          steps:
                            - run: echo "preinstall"
                      - unless:
                          condition: << parameters.preinstall-foo >>
                          steps:
                            - run: echo "don't preinstall"
                workflows:
                  workflow:
                    jobs:
                      - myjob:
                          preinstall-foo: false
                      - myjob:
                          preinstall-foo: true
                      - myjob
                """);
        assertThat(steps(p, "myjob-1")).containsExactly("run: echo \"preinstall is false\"",
                "run: echo \"don't preinstall\"");
        assertThat(steps(p, "myjob-2")).containsExactly("run: echo \"preinstall is true\"", "run: echo \"preinstall\"");
        assertThat(steps(p, "myjob-3")).containsExactly("run: echo \"preinstall is false\"",
                "run: echo \"don't preinstall\"");
    }

    @Test
    @DisplayName("a when step needs condition and steps — " + REUSING + "#the-when-step")
    void whenStepNeedsCondition() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps:
                      - when:
                          steps: [checkout]
                workflows: {w: {jobs: [build]}}
                """)).singleElement().asString().startsWith("7:11: ").contains("needs condition:");
    }

    @Test
    @DisplayName("an orb's job uses the orb's own command — " + REUSING + "#jobs-defined-in-an-orb")
    void orbJobUsesOrbCommand() throws IOException {
        Path orbs = temp.resolve("orbs");
        Files.createDirectories(orbs.resolve("somenamespace"));
        Files.writeString(orbs.resolve("somenamespace/hello-orb@volatile.yml"), """
                version: 2.1
                jobs:
                  sayhello:
                    parameters:
                      saywhat:
                        description: "To whom shall we say hello?"
                        default: "World"
                        type: string
                    machine: true
                    steps:
                      - say:
                          saywhat: "<< parameters.saywhat >>"
                commands:
                  say:
                    parameters:
                      saywhat:
                        type: string
                    steps:
                      - run: echo "<< parameters.saywhat >>"
                """);
        CompiledPipeline p = ok("""
                version: 2.1
                orbs:
                  hello-orb: somenamespace/hello-orb@volatile
                workflows:
                  build:
                    jobs:
                      - hello-orb/sayhello:
                          saywhat: Everyone
                """, PipelineValues.builder().build(), OrbSource.directories(List.of(orbs)));
        assertThat(steps(p, "hello-orb/sayhello")).containsExactly("run: echo \"Everyone\"");
    }

    @Test
    @DisplayName("matrix: 9 jobs named build-<platform>-<version> — " + REFERENCE + "#matrix-requires-version-21")
    void matrixNames() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      version: {type: string}
                      platform: {type: string}
                    machine: true
                    steps: [run: echo << parameters.platform >> << parameters.version >>]
                workflows:
                  workflow:
                    jobs:
                      - build:
                          matrix:
                            parameters:
                              version: ["0.1", "0.2", "0.3"]
                              platform: ["macos", "windows", "linux"]
                """);
        assertThat(workflowJobs(p, "workflow")).containsExactly("build-macos-0.1", "build-macos-0.2",
                "build-macos-0.3", "build-windows-0.1", "build-windows-0.2", "build-windows-0.3", "build-linux-0.1",
                "build-linux-0.2", "build-linux-0.3");
        assertThat(steps(p, "build-windows-0.2")).containsExactly("run: echo windows 0.2");
        assertThat(p.workflows().get(0).jobs().get(0).matrix()).containsEntry("version", "0.1")
                .containsEntry("platform", "macos");
    }

    @Test
    @DisplayName("matrix exclude leaves 8 jobs — " + REFERENCE + "#excluding-sets-of-parameters-from-a-matrix")
    void matrixExclude() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      a: {type: integer}
                      b: {type: integer}
                    machine: true
                    steps: [checkout]
                workflows:
                  workflow:
                    jobs:
                      - build:
                          matrix:
                            parameters:
                              a: [1, 2, 3]
                              b: [4, 5, 6]
                            exclude:
                              - a: 3
                                b: 5
                """);
        assertThat(workflowJobs(p, "workflow")).hasSize(8).doesNotContain("build-3-5").contains("build-3-4",
                "build-3-6", "build-1-5");
    }

    @Test
    @DisplayName("requires on a matrix by the job's name (the default alias) — " + REFERENCE
            + "#dependencies-and-matrix-jobs")
    void matrixDefaultAlias() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      version: {type: string}
                    machine: true
                    steps: [checkout]
                  another-job: {machine: true, steps: [checkout]}
                workflows:
                  workflow:
                    jobs:
                      - build:
                          matrix:
                            parameters:
                              version: ["0.1", "0.2", "0.3"]
                      - another-job:
                          requires:
                            - build
                """);
        assertThat(edges(p, "workflow")).contains("another-job <- build-0.1, build-0.2, build-0.3");
    }

    @Test
    @DisplayName("requires on a matrix alias — " + MATRIX)
    void matrixAlias() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  test:
                    parameters:
                      os: {type: string}
                    machine: true
                    steps: [checkout]
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  workflow:
                    jobs:
                      - test:
                          matrix:
                            alias: all-tests
                            parameters:
                              os: [linux, macos]
                      - deploy:
                          requires: [all-tests]
                """);
        assertThat(edges(p, "workflow")).containsExactly("test-linux <- ", "test-macos <- ",
                "deploy <- test-linux, test-macos");
    }

    @Test
    @DisplayName("<< matrix.version >> in name and requires — " + REFERENCE + "#dependencies-and-matrix-jobs")
    void matrixReferences() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      version: {type: string}
                    machine: true
                    steps: [checkout]
                  deploy:
                    parameters:
                      version: {type: string}
                    machine: true
                    steps: [checkout]
                workflows:
                  workflow:
                    jobs:
                      - build:
                          name: build-v<< matrix.version >>
                          matrix:
                            parameters:
                              version: ["0.1", "0.2"]
                      - deploy:
                          name: deploy-v<< matrix.version >>
                          matrix:
                            parameters:
                              version: ["0.1", "0.2"]
                          requires:
                            - build-v<< matrix.version >>
                """);
        assertThat(edges(p, "workflow")).containsExactly("build-v0.1 <- ", "build-v0.2 <- ",
                "deploy-v0.1 <- build-v0.1", "deploy-v0.2 <- build-v0.2");
    }

    @Test
    @DisplayName("a matrix past the cap is refused, naming the cap — " + MATRIX)
    void matrixCap() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    parameters: {a: {type: integer}, b: {type: integer}, c: {type: integer}}
                    machine: true
                    steps: [checkout]
                workflows:
                  w:
                    jobs:
                      - build:
                          matrix:
                            parameters:
                              a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
                              b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
                              c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
                """)).anyMatch(p -> p.contains("more than 256 jobs (the cap on matrix size)"));
    }

    @Test
    @DisplayName("workflow max_auto_reruns: 1 to 5 — " + REFERENCE + "#workflows")
    void workflowMaxAutoReruns() {
        CompiledPipeline compiled = ok("""
                version: 2.1
                jobs:
                  a: {machine: true, steps: [checkout]}
                workflows:
                  flaky: {max_auto_reruns: 3, jobs: [a]}
                  steady: {jobs: [a]}
                """);
        assertThat(compiled.workflows()).extracting(CompiledPipeline.Workflow::maxAutoReruns).containsExactly(3, 0);
        assertThat(compiled.toYaml()).contains("max_auto_reruns: 3");
        assertThat(problems("""
                version: 2.1
                jobs:
                  a: {machine: true, steps: [checkout]}
                workflows:
                  flaky:
                    max_auto_reruns: 6
                    jobs: [a]
                """)).containsExactly("6:22: max_auto_reruns: must be an integer from 1 to 5, found a number (6)");
    }

    @Test
    @DisplayName("workflow when with a boolean pipeline parameter — " + REFERENCE + "#using-when-in-workflows")
    void workflowWhen() {
        String config = """
                version: 2.1
                parameters:
                  run_integration_tests:
                    type: boolean
                    default: false
                workflows:
                  integration_tests:
                    when: << pipeline.parameters.run_integration_tests >>
                    jobs:
                      - mytestjob
                  always:
                    jobs: [mytestjob]
                jobs:
                  mytestjob: {machine: true, steps: [checkout]}
                """;
        assertThat(ok(config).workflows()).extracting(CompiledPipeline.Workflow::name).containsExactly("always");
        CompiledPipeline triggered = ok(config, PipelineValues.builder().parameter("run_integration_tests", "true")
                .build(), OrbSource.none());
        assertThat(triggered.workflows()).extracting(CompiledPipeline.Workflow::name)
                .containsExactly("integration_tests", "always");
    }

    @Test
    @DisplayName("or of equal statements on the branch — " + LOGIC)
    void logicOrEqual() {
        String config = """
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflows:
                  my-workflow:
                      when:
                        or:
                          - equal: [ main, << pipeline.git.branch >> ]
                          - equal: [ staging, << pipeline.git.branch >> ]
                      jobs: [build]
                """;
        assertThat(ok(config, PipelineValues.builder().branch("staging").build(), OrbSource.none()).workflows())
                .hasSize(1);
        assertThat(ok(config, PipelineValues.builder().branch("feature").build(), OrbSource.none()).workflows())
                .isEmpty();
    }

    @Test
    @DisplayName("and / not / matches / or with a pipeline parameter — " + LOGIC)
    void logicNested() {
        String config = """
                version: 2.1
                parameters:
                  deploy-canary: {type: boolean, default: false}
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflows:
                  my-workflow:
                    when:
                      and:
                        - not:
                            matches:
                              pattern: "^main$"
                              value: << pipeline.git.branch >>
                        - or:
                            - equal: [ canary, << pipeline.git.tag >> ]
                            - << pipeline.parameters.deploy-canary >>
                    jobs: [build]
                """;
        assertThat(ok(config, PipelineValues.builder().branch("main").parameter("deploy-canary", true).build(),
                OrbSource.none()).workflows()).isEmpty();
        assertThat(ok(config, PipelineValues.builder().branch("dev").parameter("deploy-canary", true).build(),
                OrbSource.none()).workflows()).hasSize(1);
        assertThat(ok(config, PipelineValues.builder().branch("dev").build(), OrbSource.none()).workflows())
                .isEmpty();
        assertThat(ok(config, PipelineValues.builder().branch("dev").tag("canary").build(), OrbSource.none())
                .workflows()).hasSize(1);
    }

    @Test
    @DisplayName("equal compares an executor parameter with an aliased executor — " + LOGIC)
    void logicEqualExecutor() {
        CompiledPipeline p = ok("""
                version: 2.1
                executors:
                  linux-13:
                    docker:
                      - image: cimg/node:13.13
                  macos: &macos-executor
                    macos:
                      xcode: 12.5.1
                jobs:
                  test:
                    parameters:
                      os:
                        type: executor
                      node-version:
                        type: string
                    executor: << parameters.os >>
                    steps:
                      - checkout
                      - when:
                          condition:
                            equal: [ *macos-executor, << parameters.os >> ]
                          steps:
                            - run: echo << parameters.node-version >>
                      - run: echo 0
                workflows:
                  all-tests:
                    jobs:
                      - test:
                          os: macos
                          node-version: "13.13.0"
                      - test:
                          name: linux
                          os: linux-13
                          node-version: "13.13.0"
                """);
        assertThat(steps(p, "test")).containsExactly("checkout", "run: echo 13.13.0", "run: echo 0");
        assertThat(p.jobs().get("test").executor()).isEqualTo("macos");
        assertThat(steps(p, "linux")).containsExactly("checkout", "run: echo 0");
    }

    @Test
    @DisplayName("falsy values: false, null, 0, empty string; no-argument statements — " + LOGIC)
    void falsyValues() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps:
                      - when: {condition: false, steps: [run: echo false]}
                      - when: {condition: null, steps: [run: echo null]}
                      - when: {condition: 0, steps: [run: echo zero]}
                      - when: {condition: "", steps: [run: echo empty]}
                      - when: {condition: {and: []}, steps: [run: echo and-empty]}
                      - when: {condition: 42, steps: [run: echo forty-two]}
                      - when: {condition: "a string", steps: [run: echo string]}
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(steps(p, "build")).containsExactly("run: echo forty-two", "run: echo string");
    }

    @Test
    @DisplayName("an unknown logic statement is an error — " + LOGIC)
    void unknownLogic() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflows:
                  w:
                    when:
                      equals: [a, a]
                    jobs: [build]
                """)).singleElement().asString().startsWith("7:7: ").contains("(did you mean equal?)");
    }

    @Test
    @DisplayName("branch filters of the full example — " + REFERENCE + "#example-full-configuration")
    void fullExampleFilters() {
        String config = """
                version: 2.1
                jobs:
                  build:
                    docker:
                      - image: ubuntu:14.04
                      - image: mongo:2.6.8
                        command: [mongod, --smallfiles]
                    environment:
                      TEST_REPORTS: /tmp/test-reports
                    working_directory: ~/my-project
                    steps:
                      - checkout
                      - run: |
                          set -xu
                          create_jars.sh << pipeline.number >>
                      - restore_cache:
                          keys:
                            - v1-my-project-{{ checksum "project.clj" }}
                            - v1-my-project-
                      - save_cache:
                          key: v1-my-project-{{ checksum "project.clj" }}
                          paths:
                            - ~/.m2
                      - store_artifacts:
                          path: /tmp/artifacts
                          destination: build
                      - store_test_results:
                          path: /tmp/test-reports
                  deploy-stage:
                    docker:
                      - image: ubuntu:14.04
                    working_directory: /tmp/my-project
                    steps:
                      - run:
                          name: Deploy if tests pass and branch is Staging
                          command: ansible-playbook site.yml -i staging
                  deploy-prod:
                    docker:
                      - image: ubuntu:14.04
                    working_directory: /tmp/my-project
                    steps:
                      - run:
                          name: Deploy if tests pass and branch is Main
                          command: ansible-playbook site.yml -i production
                workflows:
                  version: 2
                  build-deploy:
                    jobs:
                      - build:
                          filters:
                            branches:
                              ignore:
                                - develop
                                - /feature-.*/
                      - deploy-stage:
                          requires:
                            - build
                          filters:
                            branches:
                              only: staging
                      - deploy-prod:
                          requires:
                            - build
                          filters:
                            branches:
                              only: main
                """;
        CompiledPipeline feature = ok(config, PipelineValues.builder().branch("feature-login").number(7).build(),
                OrbSource.none());
        assertThat(edges(feature, "build-deploy")).containsExactly("build <- ", "deploy-stage <- build",
                "deploy-prod <- build");
        assertThat(feature.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(false, false, false);
        CompiledPipeline main = ok(config, PipelineValues.builder().branch("main").number(7).build(),
                OrbSource.none());
        assertThat(main.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(true, false, true);
        assertThat(steps(main, "build")).contains("run: set -xu\ncreate_jars.sh 7\n");
        assertThat(main.jobs().get("build").workingDirectory()).isEqualTo("~/my-project");
    }

    @Test
    @DisplayName("jobs run for a tag only with tag filters — " + WORKFLOWS + "#executing-workflows-for-a-git-tag")
    void tagFilters() {
        String config = """
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  build-n-deploy:
                    jobs:
                      - build:
                          filters:
                            tags:
                              only: /.*/
                      - deploy:
                          requires:
                            - build
                          filters:
                            tags:
                              only: /^v.*/
                            branches:
                              ignore: /.*/
                """;
        CompiledPipeline tagged = ok(config, PipelineValues.builder().tag("v1.0").build(), OrbSource.none());
        assertThat(tagged.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(true, true);
        CompiledPipeline branch = ok(config, PipelineValues.builder().branch("main").build(), OrbSource.none());
        assertThat(branch.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(true, false);
    }

    @Test
    @DisplayName("expression filters on a job — " + FILTERS + "#filter-a-job-with-an-expression")
    void expressionFilters() {
        String config = """
                version: 2.1
                jobs:
                  integration-test: {machine: true, steps: [checkout]}
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  build-deploy:
                    jobs:
                      - integration-test:
                          filters: pipeline.git.branch == "main" or pipeline.git.branch starts-with "integration-"
                      - deploy:
                          requires:
                            - integration-test
                          filters: pipeline.git.branch == "main"
                """;
        CompiledPipeline integration = ok(config, PipelineValues.builder().branch("integration-x").build(),
                OrbSource.none());
        assertThat(integration.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(true, false);
        CompiledPipeline main = ok(config, PipelineValues.builder().branch("main").build(), OrbSource.none());
        assertThat(main.workflows().get(0).jobs()).extracting(CompiledPipeline.WorkflowJob::runs)
                .containsExactly(true, true);
    }

    @Test
    @DisplayName("workflow when as an expression — " + FILTERS)
    void workflowWhenExpression() {
        String config = """
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflows:
                  nightly-run-workflow:
                    when: pipeline.git.branch == "main" or pipeline.git.branch == "staging"
                    jobs: [build]
                """;
        assertThat(ok(config, PipelineValues.builder().branch("staging").build(), OrbSource.none()).workflows())
                .hasSize(1);
        assertThat(ok(config, PipelineValues.builder().branch("x").build(), OrbSource.none()).workflows()).isEmpty();
    }

    @Test
    @DisplayName("requires with job statuses — " + REFERENCE + "#requires")
    void requiresStatuses() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                  cleanup: {machine: true, steps: [checkout]}
                  notify: {machine: true, steps: [checkout]}
                workflows:
                  w:
                    jobs:
                      - build
                      - cleanup:
                          requires:
                            - build: [success, failed, canceled]
                      - notify:
                          requires:
                            - build: failed
                """);
        assertThat(edges(p, "w")).containsExactly("build <- ", "cleanup <- build[success, failed, canceled]",
                "notify <- build[failed]");
        assertThat(p.toYaml()).contains("- build:\n          - failed");
    }

    @Test
    @DisplayName("a bad requires status is an error — " + REFERENCE + "#requires")
    void requiresBadStatus() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                  notify: {machine: true, steps: [checkout]}
                workflows:
                  w:
                    jobs:
                      - build
                      - notify:
                          requires:
                            - build: cancelled
                """)).singleElement().asString().startsWith("11:22: ").contains("(did you mean canceled?)");
    }

    @Test
    @DisplayName("approval job between build and deploy — " + WORKFLOWS + "#holding-a-workflow-for-a-manual-approval")
    void approval() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  build-test-and-approval-deploy:
                    jobs:
                      - build
                      - hold:
                          type: approval
                          requires:
                            - build
                      - deploy:
                          requires:
                            - hold
                """);
        assertThat(edges(p, "build-test-and-approval-deploy")).containsExactly("build <- ", "hold <- build",
                "deploy <- hold");
        assertThat(p.workflows().get(0).jobs().get(1).approval()).isTrue();
        assertThat(p.jobs()).containsOnlyKeys("build", "deploy");
    }

    @Test
    @DisplayName("requires on a job not in the workflow — " + WORKFLOWS)
    void requiresUnknown() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  w:
                    jobs:
                      - build
                      - deploy:
                          requires: [biuld]
                """)).singleElement().asString().startsWith("10:22: ").contains("(did you mean build?)");
    }

    @Test
    @DisplayName("a requires cycle is an error — " + WORKFLOWS)
    void requiresCycle() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  a: {machine: true, steps: [checkout]}
                  b: {machine: true, steps: [checkout]}
                workflows:
                  w:
                    jobs:
                      - a: {requires: [b]}
                      - b: {requires: [a]}
                """)).singleElement().asString().contains("requires cycle: a -> b -> a");
    }

    @Test
    @DisplayName("contexts, a scheduled trigger and a serial group — " + WORKFLOWS + "#scheduling-a-workflow")
    void contextsTriggers() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  deploy: {machine: true, resource_class: acme/linux, steps: [checkout]}
                workflows:
                  nightly:
                    triggers:
                      - schedule:
                          cron: "0 0 * * *"
                          filters:
                            branches:
                              only:
                                - main
                                - beta
                    jobs:
                      - deploy:
                          context: [org-global, aws]
                          serial-group: << pipeline.project.type >>/deploy
                """, PipelineValues.builder().projectType("github").build(), OrbSource.none());
        CompiledPipeline.WorkflowJob deploy = p.workflows().get(0).jobs().get(0);
        assertThat(deploy.contexts()).containsExactly("org-global", "aws");
        assertThat(deploy.serialGroup()).isEqualTo("github/deploy");
        assertThat(p.workflows().get(0).triggers()).hasSize(1);
        assertThat(p.jobs().get("deploy").resourceClass()).isEqualTo("acme/linux");
        assertThat(p.jobs().get("deploy").executor()).isEqualTo("machine");
    }

    @Test
    @DisplayName("a schedule needs a five-field cron — " + WORKFLOWS + "#scheduling-a-workflow")
    void badCron() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  deploy: {machine: true, steps: [checkout]}
                workflows:
                  nightly:
                    triggers:
                      - schedule:
                          cron: "0 0 * *"
                    jobs: [deploy]
                """)).singleElement().asString().startsWith("8:17: ").contains("five fields");
    }

    @Test
    @DisplayName("unknown top-level key with did-you-mean — " + REFERENCE)
    void unknownTopLevelKey() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflow:
                  w:
                    jobs: [build]
                """)).anyMatch(p -> p.startsWith("4:1: ") && p.contains("(did you mean workflows?)"));
    }

    @Test
    @DisplayName("version is required — " + REFERENCE + "#version")
    void versionRequired() {
        assertThat(problems("""
                jobs:
                  build: {machine: true, steps: [checkout]}
                workflows: {w: {jobs: [build]}}
                """)).anyMatch(p -> p.startsWith("1:1: ") && p.contains("needs version: 2.1"));
    }

    @Test
    @DisplayName("version 2.0 compiles as written; reusable keys need 2.1 — " + REFERENCE + "#version")
    void version20() {
        CompiledPipeline p = ok("""
                version: 2
                jobs:
                  build:
                    docker: [{image: cimg/base:stable}]
                    steps:
                      - checkout
                      - run: echo << not a parameter >>
                """);
        assertThat(steps(p, "build")).containsExactly("checkout", "run: echo << not a parameter >>");
        assertThat(problems("""
                version: 2.0
                commands:
                  x: {steps: [checkout]}
                jobs:
                  build: {machine: true, steps: [checkout]}
                """)).singleElement().asString().startsWith("2:1: ").contains("needs version: 2.1");
    }

    @Test
    @DisplayName("run step keys and values — " + REFERENCE + "#run")
    void runStep() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps:
                      - run:
                          name: Tests
                          command: make test
                          shell: /bin/bash -eo pipefail
                          environment: {LEVEL: debug}
                          background: false
                          working_directory: ~/src
                          no_output_timeout: 30m
                          when: always
                          max_auto_reruns: 3
                          auto_rerun_delay: 10s
                      - deploy:
                          command: ./deploy.sh
                      - setup_remote_docker
                workflows: {w: {jobs: [build]}}
                """);
        List<CompiledPipeline.Step> steps = p.jobs().get("build").steps();
        assertThat(steps.get(0).arguments()).containsEntry("name", "Tests").containsEntry("when", "always")
                .containsEntry("max_auto_reruns", 3L);
        assertThat(steps.get(1).type()).isEqualTo("run");
        assertThat(steps.get(2).supportedByMachineRunner()).isFalse();
    }

    @Test
    @DisplayName("bad run step values are errors — " + REFERENCE + "#run")
    void runStepErrors() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps:
                      - run:
                          command: make
                          when: sometimes
                          no_output_timeout: soon
                          max_auto_reruns: 9
                          comand: typo
                workflows: {w: {jobs: [build]}}
                """)).containsExactly(
                "8:17: when: of a run step must be always, on_success or on_fail, found 'sometimes'",
                "9:30: no_output_timeout: must be a duration like 10m, 1h or 30s, found 'soon'",
                "10:28: max_auto_reruns: must be an integer from 1 to 5, found a number (9)",
                "11:11: the run step has no key 'comand' (did you mean command?); its keys are command, name, shell,"
                        + " environment, background, working_directory, no_output_timeout, when, max_auto_reruns,"
                        + " auto_rerun_delay");
    }

    @Test
    @DisplayName("a bad argument is reported where it was written, after expansion — " + REUSING
            + "#using-the-parameters-declaration")
    void errorTracedToArgument() {
        assertThat(problems("""
                version: 2.1
                commands:
                  wait:
                    parameters:
                      timeout: {type: string, default: 10m}
                    steps:
                      - run:
                          command: sleep 1
                          no_output_timeout: << parameters.timeout >>
                jobs:
                  build:
                    machine: true
                    steps:
                      - wait:
                          timeout: forever
                workflows: {w: {jobs: [build]}}
                """)).containsExactly(
                "15:20: no_output_timeout: must be a duration like 10m, 1h or 30s, found 'forever'");
    }

    @Test
    @DisplayName("pipeline values in steps — " + PIPELINE + "#pipeline-values")
    void pipelineValues() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build:
                    docker:
                      - image: cimg/node:17.2.0
                    environment:
                      CIRCLE_COMPARE_URL: << pipeline.project.git_url >>/compare/<< pipeline.git.base_revision >>..<<pipeline.git.revision>>
                    working_directory: ~/main
                    steps:
                      - run: echo "This is pipeline ID << pipeline.id >>"
                      - run: echo $CIRCLE_COMPARE_URL
                workflows: {w: {jobs: [build]}}
                """, PipelineValues.builder().id("id-1").projectGitUrl("https://github.com/acme/app")
                .baseRevision("aaa").revision("bbb").build(), OrbSource.none());
        assertThat(p.jobs().get("build").environment()).containsEntry("CIRCLE_COMPARE_URL",
                "https://github.com/acme/app/compare/aaa..bbb");
        assertThat(steps(p, "build").get(0)).isEqualTo("run: echo \"This is pipeline ID id-1\"");
    }

    @Test
    @DisplayName("an unknown pipeline value is an error — " + PIPELINE + "#pipeline-values")
    void unknownPipelineValue() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [run: echo << pipeline.git.brnch >>]}
                workflows: {w: {jobs: [build]}}
                """)).singleElement().asString().startsWith("3:39: ").contains("is not a pipeline value")
                .contains("did you mean git.branch?");
    }

    @Test
    @DisplayName("pipeline parameters: defaults and given values — " + PIPELINE
            + "#pipeline-parameters-in-configuration")
    void pipelineParameters() {
        String config = """
                version: 2.1
                parameters:
                  image-tag:
                    default: latest
                    type: string
                  workingdir:
                    default: "~/main"
                    type: string
                  workers:
                    type: integer
                    default: 2
                jobs:
                  build:
                    docker:
                      - image: cimg/node:<< pipeline.parameters.image-tag >>
                    environment:
                      IMAGETAG: << pipeline.parameters.image-tag >>
                    working_directory: << pipeline.parameters.workingdir >>
                    parallelism: << pipeline.parameters.workers >>
                    steps:
                      - run: echo "Image tag used was ${IMAGETAG}"
                workflows: {w: {jobs: [build]}}
                """;
        CompiledPipeline defaults = ok(config);
        assertThat(firstImage(defaults, "build")).containsEntry("image", "cimg/node:latest");
        assertThat(defaults.jobs().get("build").parallelism()).isEqualTo(2);
        CompiledPipeline given = ok(config, PipelineValues.builder().parameter("image-tag", "17.2")
                .parameter("workers", "4").build(), OrbSource.none());
        assertThat(firstImage(given, "build")).containsEntry("image", "cimg/node:17.2");
        assertThat(given.jobs().get("build").parallelism()).isEqualTo(4);
        assertThat(given.jobs().get("build").workingDirectory()).isEqualTo("~/main");
    }

    @Test
    @DisplayName("pipeline parameter type errors and undeclared parameters — " + PIPELINE
            + "#pipeline-parameters-in-configuration")
    void pipelineParameterErrors() {
        String config = """
                version: 2.1
                parameters:
                  workers:
                    type: integer
                    default: 2
                jobs:
                  build: {machine: true, parallelism: << pipeline.parameters.workers >>, steps: [checkout]}
                workflows: {w: {jobs: [build]}}
                """;
        assertThat(problems(compile(config, PipelineValues.builder().parameter("workers", "many")
                .parameter("wrokers", "3").build(), OrbSource.none()))).containsExactly(
                "2:1: the pipeline has no parameter 'wrokers' (did you mean workers?); its parameters are workers",
                "3:3: the pipeline: argument workers must be an integer, found a string");
    }

    @Test
    @DisplayName("a missing registry orb names the orb and where to put it — " + ORBS + "#orb-configuration-elements")
    void missingOrb() {
        Compilation compilation = compile("""
                version: 2.1
                orbs:
                  node: circleci/node@5.1.0
                workflows:
                  test:
                    jobs: [node/test]
                """, PipelineValues.builder().build(), OrbSource.directories(List.of(temp.resolve("orbs"))));
        assertThat(problems(compilation)).anyMatch(p -> p.startsWith("3:9: ")
                && p.contains("the orb circleci/node@5.1.0 is not available offline; put its source at "
                + temp.resolve("orbs").resolve("circleci/node@5.1.0.yml")));
    }

    @Test
    @DisplayName("inline orb with a job — " + ORBS + "#inline-orbs")
    void inlineOrb() {
        CompiledPipeline p = ok("""
                version: 2.1
                orbs:
                  my-orb:
                    jobs:
                      my_job:
                        machine: true
                        steps:
                          - checkout
                          - run:
                              command: echo "my_job"
                workflows:
                  main:
                    jobs:
                      - my-orb/my_job
                """);
        assertThat(steps(p, "my-orb/my_job")).containsExactly("checkout", "run: echo \"my_job\"");
    }

    @Test
    @DisplayName("anchors, aliases and merge keys — " + REFERENCE + "#logic-statements (YAML alias)")
    void anchorsAndMerges() {
        CompiledPipeline p = ok("""
                version: 2.1
                references:
                  defaults: &defaults
                    machine: true
                    working_directory: ~/repo
                jobs:
                  build:
                    <<: *defaults
                    working_directory: ~/other
                    steps: [checkout]
                workflows: {w: {jobs: [build]}}
                """);
        assertThat(p.jobs().get("build").workingDirectory()).isEqualTo("~/other");
        assertThat(p.jobs().get("build").executor()).isEqualTo("machine");
    }

    @Test
    @DisplayName("an alias bomb stops at the node cap — " + REFERENCE + "#logic-statements (YAML alias)")
    void aliasBomb() {
        StringBuilder yaml = new StringBuilder("version: 2.1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        assertThat(problems(yaml.toString())).anyMatch(p -> p.contains("exceeds 100000 nodes (the cap on the YAML"
                + " with its aliases expanded)"));
    }

    @Test
    @DisplayName("a command invoking itself stops at the nesting cap — " + REUSING
            + "#invoking-other-commands-in-a-command")
    void recursiveCommand() {
        assertThat(problems("""
                version: 2.1
                commands:
                  loop:
                    steps: [loop]
                jobs:
                  build: {machine: true, steps: [loop]}
                workflows: {w: {jobs: [build]}}
                """)).anyMatch(p -> p.contains("(the cap on command nesting)"));
    }

    @Test
    @DisplayName("a job with no executor is an error — " + REFERENCE + "#jobs")
    void noExecutor() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    steps: [checkout]
                workflows: {w: {jobs: [build]}}
                """)).singleElement().asString().startsWith("4:5: ").contains("has no executor");
    }

    @Test
    @DisplayName("an unknown step suggests the closest — " + REFERENCE + "#steps")
    void unknownStep() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    machine: true
                    steps: [chekout]
                workflows: {w: {jobs: [build]}}
                """)).singleElement().asString().startsWith("5:13: ").contains("(did you mean checkout?)");
    }

    @Test
    @DisplayName("a missing required argument — " + REUSING + "#parameter-syntax")
    void missingRequiredArgument() {
        assertThat(problems("""
                version: 2.1
                jobs:
                  build:
                    parameters:
                      target: {type: string}
                    machine: true
                    steps: [run: make << parameters.target >>]
                workflows:
                  w:
                    jobs:
                      - build
                """)).singleElement().asString().startsWith("11:9: ")
                .contains("job build needs the argument 'target'");
    }

    @Test
    @DisplayName("setup: true is kept — " + REFERENCE + "#setup")
    void setup() {
        CompiledPipeline p = ok("""
                version: 2.1
                setup: true
                jobs:
                  generate: {machine: true, steps: [checkout]}
                workflows: {w: {jobs: [generate]}}
                """);
        assertThat(p.setup()).isTrue();
    }

    @Test
    @DisplayName("the processed config shape — " + REUSING + "#notes-on-reusable-configuration")
    void processedShape() {
        CompiledPipeline p = ok("""
                version: 2.1
                jobs:
                  build: {machine: true, steps: [checkout, run: make]}
                  test: {machine: true, steps: [run: make test]}
                workflows:
                  w:
                    jobs:
                      - build
                      - test: {requires: [build]}
                """);
        assertThat(p.toYaml()).isEqualTo("""
                version: 2
                jobs:
                  build:
                    machine: true
                    steps:
                    - checkout
                    - run:
                        command: make
                  test:
                    machine: true
                    steps:
                    - run:
                        command: make test
                workflows:
                  version: 2
                  w:
                    jobs:
                    - build
                    - test:
                        requires:
                        - build
                """);
    }
}
