/** The `runway` command: the composition root of every module and the only main(). */
module dev.runway.cli {
    requires dev.runway.config;
    requires dev.runway.protocol;
    requires dev.runway.pipeline;
    requires dev.runway.client;
    requires dev.runway.launcher;
    requires dev.runway.agent;
    requires dev.runway.taskagent;
    requires dev.runway.server;
    requires info.picocli;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;

    // picocli fills the commands; Jackson writes the records of -o json|yaml (OutputFormat)
    opens dev.runway.cli to info.picocli, com.fasterxml.jackson.databind;
    // picocli fills TaskAgentCommand's options; slf4j instantiates TaskAgentLog, named by slf4j.provider
    opens dev.runway.cli.taskagent to info.picocli, org.slf4j;

    provides ch.qos.logback.classic.spi.Configurator with dev.runway.cli.logging.LogbackDefaults;
}
