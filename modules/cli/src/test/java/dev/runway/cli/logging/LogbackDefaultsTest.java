package dev.runway.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogbackDefaultsTest {
    @Test
    void textOnStandardErrorFromInfoAndNoOtherConfigurator() {
        LoggerContext context = new LoggerContext();
        LogbackDefaults defaults = new LogbackDefaults();
        defaults.setContext(context);
        assertThat(defaults.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("runway")).isInstanceOfSatisfying(ConsoleAppender.class,
                console -> assertThat(console.getTarget()).isEqualTo("System.err"));
    }
}
