package io.setsync.it;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A tree as GNU find describes it, byte for byte: names and link texts as their bytes (held as
 * ISO-8859-1 text, one char a byte), so nothing a JVM would decode or normalize can hide a
 * difference. The root itself is the entry "".
 */
final class FindListing {

  /** One name: everything a faithful copy must reproduce, and the inode for hard-link groups. */
  record Entry(String name, String type, String mode, String owner, String group, long size, String mtime,
      String linkText, String inode, int links) {

    /** The entry without its inode number, which differs between trees. */
    String described() {
      // A symbolic link's time is set through lutimes, to the microsecond (as the JDK can).
      String time = type.equals("l") && mtime.indexOf('.') > 0 ? mtime.substring(0, mtime.indexOf('.') + 7) : mtime;
      return type + " " + mode + " " + owner + ":" + group + " size " + (type.equals("d") ? "-" : size) + " mtime " + time
          + (type.equals("l") ? " -> " + shown(linkText) : "") + (type.equals("d") ? "" : " links " + links);
    }
  }

  private FindListing() {}

  /** Every name under root (root included as ""), .setsync/ at the root left out. */
  static Map<String, Entry> of(Path root) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("find", root.toString(), "-path", root + "/.setsync", "-prune", "-o",
        "-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%T@\\0%l\\0%i\\0%n\\0")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = new String(out, StandardCharsets.ISO_8859_1);
    String[] f = text.split("\0", -1);
    Map<String, Entry> entries = new TreeMap<>();
    for (int i = 0; i + 9 < f.length; i += 10) {
      entries.put(f[i], new Entry(f[i], f[i + 1], f[i + 2], f[i + 3], f[i + 4], Long.parseLong(f[i + 5]), f[i + 6],
          f[i + 7], f[i + 8], Integer.parseInt(f[i + 9])));
    }
    return entries;
  }

  /** A name's bytes for a message: printable ASCII as is, every other byte as \xNN. */
  static String shown(String latin1) {
    StringBuilder out = new StringBuilder();
    for (char c : latin1.toCharArray()) {
      if (c >= 0x20 && c < 0x7F && c != '\\') out.append(c);
      else out.append(String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }

  /** The names whose inode is shared with an earlier name, mapped to that earliest name. */
  static Map<String, String> linkGroups(Map<String, Entry> tree) {
    Map<String, String> firstByInode = new TreeMap<>();
    Map<String, String> groups = new TreeMap<>();
    for (Entry e : tree.values()) {
      if (e.type().equals("d")) continue;
      String first = firstByInode.putIfAbsent(e.inode(), e.name());
      if (first != null) groups.put(e.name(), first);
    }
    return groups;
  }

  /** The first few differences between two trees, as lines; empty when they match. */
  static List<String> differences(Map<String, Entry> expected, Map<String, Entry> actual, int max) {
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> names = new TreeMap<>();
    expected.keySet().forEach(n -> names.put(n, true));
    actual.keySet().forEach(n -> names.put(n, true));
    for (String name : names.keySet()) {
      Entry e = expected.get(name);
      Entry a = actual.get(name);
      String left = e == null ? "(missing)" : e.described();
      String right = a == null ? "(missing)" : a.described();
      if (!left.equals(right)) out.add("'" + shown(name) + "': expected " + left + ", was " + right);
      if (out.size() >= max) return out;
    }
    Map<String, String> expectedGroups = linkGroups(expected);
    Map<String, String> actualGroups = linkGroups(actual);
    if (!expectedGroups.equals(actualGroups) && out.size() < max) {
      out.add("hard-link groups differ: expected " + expectedGroups + ", was " + actualGroups);
    }
    return out;
  }
}
