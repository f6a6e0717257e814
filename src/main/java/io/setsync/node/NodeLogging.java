package io.setsync.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * A running node logs what it does (INFO) to the console and to a rolling file under its home;
 * the one-time command line keeps {@link QuietLogging}'s quiet default.
 */
public final class NodeLogging {
  private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

  private NodeLogging() {}

  public static void toConsoleAndFile(Path logFile) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    eventsTo(context, logFile.resolveSibling("events.jsonl"));

    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder(context, PATTERN));
    console.start();

    RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = rolling(context, "file", logFile, PATTERN);

    root.addAppender(console);
    root.addAppender(file);
    root.setLevel(Level.WARN);
    context.getLogger("io.setsync").setLevel(Level.INFO);
    context.getLogger("akka.cluster").setLevel(Level.INFO);
  }

  /** A file rolled at 20 MB, five kept: FILE.1 ... FILE.5. */
  private static RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> rolling(
      LoggerContext context, String name, Path path, String pattern) {
    RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setName(name);
    file.setFile(path.toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(file);
    rolling.setFileNamePattern(path + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(5);
    rolling.start();
    SizeBasedTriggeringPolicy<ch.qos.logback.classic.spi.ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(FileSize.valueOf("20MB"));
    trigger.start();
    file.setRollingPolicy(rolling);
    file.setTriggeringPolicy(trigger);
    file.setEncoder(encoder(context, pattern));
    file.start();
    return file;
  }

  static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

  /**
   * The events ({@link io.setsync.log.Events}): one JSON object per line in their own rolling file
   * next to the log, and not in the log itself.
   */
  private static void eventsTo(LoggerContext context, Path eventsFile) {
    Logger events = context.getLogger(io.setsync.log.Events.LOGGER);
    events.detachAndStopAllAppenders();
    events.addAppender(rolling(context, "events", eventsFile, "%msg%n"));
    events.setAdditive(false);
    events.setLevel(Level.INFO);
  }
}
