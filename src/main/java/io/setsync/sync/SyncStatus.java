package io.setsync.sync;

/** AutoSYNC's completion codes: 0 normal, 1 warnings (some files not synchronized), 2 errors. */
public enum SyncStatus {
  OK(0, "ok"),
  WARNINGS(1, "warnings"),
  ERRORS(2, "errors");

  public final int exitCode;
  public final String label;

  SyncStatus(int exitCode, String label) {
    this.exitCode = exitCode;
    this.label = label;
  }

  public SyncStatus worst(SyncStatus other) {
    return other.exitCode > exitCode ? other : this;
  }

  public static SyncStatus ofExitCode(int code) {
    for (SyncStatus s : values()) if (s.exitCode == code) return s;
    throw new IllegalArgumentException("no completion code " + code);
  }
}
