package io.setsync.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The default logging of every setsync process until a node switches to {@link NodeLogging}: only
 * what goes wrong (WARN and up), on stderr, for the command line prints its own results;
 * {@code SETSYNC_LOG_LEVEL} sets io.setsync's level. Found by logback through the service loader
 * when the classpath has no logback.xml: built in code, it spares every start logback's XML
 * configuration (an XML parser and Joran's rules, loaded and run each time). A
 * {@code -Dlogback.configurationFile} still takes precedence.
 */
public final class QuietLogging extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  @Override
  public void configure(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(NodeLogging.encoder(context, PATTERN));
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    context.getLogger("akka").setLevel(Level.WARN);
    context.getLogger("io.setsync").setLevel(Level.toLevel(System.getenv("SETSYNC_LOG_LEVEL"), Level.WARN));
  }
}
