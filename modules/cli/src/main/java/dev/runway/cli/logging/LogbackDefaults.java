package dev.runway.cli.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first set-up in every runway process (a service of this module): {@link Logging#DEFAULTS}, until the
 * command applies its own with {@link Logging#configure}. Without it logback looks for logback.xml files and then
 * builds its basic console layout and time zone data, about 25 ms of every task agent's start.
 */
public final class LogbackDefaults extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.apply(context, Logging.DEFAULTS);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
