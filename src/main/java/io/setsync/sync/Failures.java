package io.setsync.sync;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Failures in words a user can act on: which file, and what went wrong with it. */
public final class Failures {

  private Failures() {}

  public static String describe(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof UncheckedIOException u) t = u.getCause();
    String message = t.getMessage();
    if (t instanceof NoSuchFileException) return "no such file: " + message;
    if (t instanceof AccessDeniedException) return "permission denied: " + message;
    if (t instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + ": " + fse.getFile();
    }
    return message != null ? message : t.getClass().getSimpleName();
  }
}
