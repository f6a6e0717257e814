package io.setsync.fs;

/**
 * Who owns a name at the source: the numbers, and the names they had there (null where the
 * source has no name for a number), so that the destination can map by name, as rsync does
 * unless told --numeric-ids.
 */
public record Owner(int uid, int gid, String user, String group) {}
