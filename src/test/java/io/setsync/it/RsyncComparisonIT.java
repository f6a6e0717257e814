package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * setsync against {@code rsync -aH --numeric-ids} on seeded random trees: files, directories,
 * symbolic links with odd target texts, hard-link groups (of files and of links), modes, owners
 * (as root), nanosecond mtimes and names that are not UTF-8. Both copy the same source; then the
 * source is changed and both sync again, several rounds ({@code --purge --subvolpurge
 * --timeexact} against {@code --delete}), and the two destinations are compared entry by entry.
 *
 * <p>Quick by default (a few seeds, a few rounds). {@code -Dsetsync.compare.long=true} runs many
 * more seeds, rounds and names; {@code -Dsetsync.compare.seeds=7,8} picks seeds (a failure prints
 * its seed). Names with control characters, which setsync refuses, and type changes of a name,
 * which setsync refuses as a rule, are not generated.
 */
public class RsyncComparisonIT {

  private static final boolean LONG = Boolean.getBoolean("setsync.compare.long");
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @BeforeClass
  public static void rsyncIsThere() throws Exception {
    Process p = new ProcessBuilder(Launcher.SCRIPT.getParent().resolve("ensure-tools").toString(), "rsync")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.MINUTES);
    assertEquals("scripts/ensure-tools rsync: " + out, 0, p.exitValue());
  }

  @Test
  public void setsyncMatchesRsyncOnRandomTrees() throws Exception {
    String seeds = System.getProperty("setsync.compare.seeds", LONG ? "1,2,3,4,5,6,7,8,9,10,11,12" : "1,2");
    for (String seed : seeds.split(",")) compare(Long.parseLong(seed.trim()));
  }

  private void compare(long seed) throws Exception {
    // -Dsetsync.compare.dir=DIR keeps the trees and each round's script there, to look at a difference.
    String keep = System.getProperty("setsync.compare.dir");
    Path base = keep == null ? tmp.newFolder("seed-" + seed).toPath()
        : Files.createDirectories(Path.of(keep).resolve("seed-" + seed));
    Path src = Files.createDirectory(base.resolve("src"));
    Path bySetsync = base.resolve("setsync");
    Path byRsync = base.resolve("rsync");
    Launcher setsync = new Launcher(base.resolve("home"));
    RandomTree tree = new RandomTree(new Random(seed), LONG ? 300 : 60);
    int rounds = LONG ? 8 : 3;
    for (int round = 0; round < rounds; round++) {
      String script = round == 0 ? tree.create() : tree.mutate();
      Path file = base.resolve("round-" + round + ".sh");
      Files.writeString(file, "set -e\ncd \"$1\"\n" + script, StandardCharsets.ISO_8859_1);
      run(List.of("bash", file.toString(), src.toString()), "seed " + seed + " round " + round + " (" + file + ")");
      Launcher.Result result = setsync.run("sync", src.toString(), bySetsync.toString(), "--purge", "--subvolpurge",
          "--timeexact", "--quiet");
      if (result.exitCode() != 0) fail("seed " + seed + " round " + round + ": setsync " + result);
      run(List.of("rsync", "-aH", "--numeric-ids", "--delete", src + "/", byRsync + "/"), "rsync");
      List<String> differences = FindListing.differences(FindListing.of(byRsync), FindListing.of(bySetsync), 10);
      String content = contentDifferences(byRsync, bySetsync);
      if (!differences.isEmpty() || !content.isEmpty()) {
        fail("seed " + seed + " round " + round + " (rerun with -Dsetsync.compare.seeds=" + seed
            + "): rsync's copy (expected) against setsync's:\n" + String.join("\n", differences) + "\n" + content);
      }
    }
  }

  private static String contentDifferences(Path a, Path b) throws Exception {
    Process p = new ProcessBuilder("diff", "-rq", "--no-dereference", "-x", ".setsync", a.toString(), b.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    p.waitFor(5, TimeUnit.MINUTES);
    return p.exitValue() == 0 ? "" : FindListing.shown(out.length() > 2000 ? out.substring(0, 2000) : out);
  }

  private static void run(List<String> command, String what) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    if (!p.waitFor(10, TimeUnit.MINUTES)) fail(what + " did not finish");
    assertEquals(what + ": " + FindListing.shown(out), 0, p.exitValue());
  }

  /**
   * A model of the source tree (relative paths as ISO-8859-1 text, one char a byte) and the
   * shell scripts that make it and change it. Every byte goes to the shell as an octal escape.
   */
  private static final String PUNCTUATION = " -_.~#%'\"\\*?[]";

  private static final class RandomTree {
    private final Random random;
    private final int size;
    private final List<String> dirs = new ArrayList<>();
    /** Regular files and symbolic links, each with its inode group (a number). */
    private final Map<String, Integer> files = new TreeMap<>();
    private final Map<String, Integer> links = new TreeMap<>();
    private final Map<String, String> texts = new TreeMap<>();
    private int inodes;
    private final Set<String> used = new HashSet<>();
    private long clock = 1_500_000_000L;

    RandomTree(Random random, int size) {
      this.random = random;
      this.size = size;
      dirs.add("");
    }

    String create() {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < size; i++) add(s);
      touchDirectories(s, 1.0);
      return s.toString();
    }

    String mutate() {
      StringBuilder s = new StringBuilder();
      Set<String> gone = new HashSet<>();
      for (String f : pick(files.keySet(), 0.15)) rewrite(s, f);
      for (String f : pick(files.keySet(), 0.1)) {
        s.append("touch -h -d @").append(time()).append(' ').append(q(f)).append('\n');
      }
      for (String f : pick(files.keySet(), 0.1)) s.append("chmod ").append(fileMode()).append(' ').append(q(f)).append('\n');
      for (String f : pick(all(), 0.1)) chown(s, f);
      for (String f : pick(files.keySet(), 0.05)) {
        // a hard link broken: a new file under the name
        if (groupSize(files, files.get(f)) > 1) {
          s.append("rm ").append(q(f)).append('\n');
          files.put(f, ++inodes);
          s.append("printf '").append(content(1 + random.nextInt(50))).append("' > ").append(q(f)).append('\n');
          s.append("touch -h -d @").append(time()).append(' ').append(q(f)).append('\n');
        }
      }
      for (String l : pick(links.keySet(), 0.1)) {
        s.append("rm ").append(q(l)).append('\n');
        links.put(l, ++inodes);
        // Another text: rsync leaves an unchanged name in its old hard-link group (setsync does not).
        String text;
        do {
          text = linkText();
        } while (text.equals(texts.get(l)));
        texts.put(l, text);
        s.append("ln -s -- ").append(q(text, "")).append(' ').append(q(l)).append('\n');
        s.append("touch -h -d @").append(time()).append(' ').append(q(l)).append('\n');
      }
      for (String f : pick(all(), 0.08)) {
        if (gone.contains(f) || (!files.containsKey(f) && !links.containsKey(f))) continue;
        s.append("rm ").append(q(f)).append('\n');
        files.remove(f);
        links.remove(f);
        gone.add(f);
      }
      for (String d : pick(dirs, 0.05)) {
        if (d.isEmpty() || gone.contains(d) || !dirs.contains(d)) continue;
        s.append("rm -rf ").append(q(d)).append('\n');
        String prefix = d + "/";
        dirs.removeIf(x -> x.equals(d) || x.startsWith(prefix));
        files.keySet().removeIf(x -> x.startsWith(prefix));
        links.keySet().removeIf(x -> x.startsWith(prefix));
        gone.add(d);
      }
      used.addAll(gone); // a name does not change its type within a round
      for (int i = 0; i < size / 10; i++) add(s);
      touchDirectories(s, 0.5);
      return s.toString();
    }

    private void add(StringBuilder s) {
      String parent = dirs.get(random.nextInt(dirs.size()));
      String name = name();
      String path = parent.isEmpty() ? name : parent + "/" + name;
      if (path.equals(".setsync") || used.contains(path) || path.length() > 200) return;
      used.add(path);
      int kind = random.nextInt(20);
      if (kind < 4) {
        dirs.add(path);
        s.append("mkdir ").append(q(path)).append('\n');
        s.append("chmod ").append(Integer.toOctalString(0700 | random.nextInt(0100))).append(' ').append(q(path)).append('\n');
      } else if (kind < 7) {
        links.put(path, ++inodes);
        String text = linkText();
        texts.put(path, text);
        s.append("ln -s -- ").append(q(text, "")).append(' ').append(q(path)).append('\n');
        s.append("touch -h -d @").append(time()).append(' ').append(q(path)).append('\n');
      } else if (kind < 10 && !files.isEmpty()) {
        String other = List.copyOf(files.keySet()).get(random.nextInt(files.size()));
        files.put(path, files.get(other));
        s.append("ln ").append(q(other)).append(' ').append(q(path)).append('\n');
      } else if (kind < 11 && !links.isEmpty()) {
        String other = List.copyOf(links.keySet()).get(random.nextInt(links.size()));
        links.put(path, links.get(other));
        texts.put(path, texts.get(other));
        s.append("ln -P ").append(q(other)).append(' ').append(q(path)).append('\n');
      } else {
        files.put(path, ++inodes);
        rewrite(s, path);
        s.append("chmod ").append(fileMode()).append(' ').append(q(path)).append('\n');
      }
      if (random.nextInt(3) == 0) chown(s, path);
    }

    private void rewrite(StringBuilder s, String f) {
      if (random.nextInt(15) == 0) {
        // a larger file, for the delta and the content lane
        s.append("yes '").append(content(3 + random.nextInt(20))).append("' | head -c ")
            .append(100_000 + random.nextInt(1_500_000)).append(" > ").append(q(f)).append('\n');
      } else {
        s.append("printf '").append(content(random.nextInt(300))).append("' > ").append(q(f)).append('\n');
      }
      s.append("touch -h -d @").append(time()).append(' ').append(q(f)).append('\n');
    }

    private void chown(StringBuilder s, String path) {
      if (!ROOT) return;
      String[] users = {"root", "daemon", "bin", "nobody", "4242", "65000"};
      String[] groups = {"root", "bin", "nogroup", "4343", "65001"};
      s.append("chown -h ").append(users[random.nextInt(users.length)]).append(':')
          .append(groups[random.nextInt(groups.length)]).append(' ').append(q(path)).append('\n');
    }

    private void touchDirectories(StringBuilder s, double share) {
      // Deepest first, so that touching a directory does not change its parent's time again.
      List<String> byDepth = new ArrayList<>(dirs);
      byDepth.sort((a, b) -> Long.compare(b.chars().filter(c -> c == '/').count() + (b.isEmpty() ? -1 : 0),
          a.chars().filter(c -> c == '/').count() + (a.isEmpty() ? -1 : 0)));
      for (String d : byDepth) {
        if (random.nextDouble() < share) {
          s.append("touch -h -d @").append(time()).append(' ').append(d.isEmpty() ? "." : q(d)).append('\n');
        }
      }
    }

    private int groupSize(Map<String, Integer> names, int inode) {
      return (int) names.values().stream().filter(i -> i == inode).count();
    }

    private List<String> all() {
      List<String> out = new ArrayList<>(files.keySet());
      out.addAll(links.keySet());
      out.addAll(dirs.subList(1, dirs.size()));
      return out;
    }

    private List<String> pick(java.util.Collection<String> from, double share) {
      List<String> out = new ArrayList<>();
      for (String x : List.copyOf(from)) if (random.nextDouble() < share) out.add(x);
      return out;
    }

    private String time() {
      clock += random.nextInt(100_000);
      // sometimes older than before: TIMEEXACT and rsync copy either way
      long seconds = random.nextInt(10) == 0 ? clock - 50_000_000L : clock;
      return seconds + "." + String.format("%09d", random.nextInt(1_000_000_000));
    }

    private String fileMode() {
      return Integer.toOctalString(0400 | random.nextInt(01000));
    }

    private String name() {
      int length = 1 + random.nextInt(8);
      StringBuilder out = new StringBuilder();
      while (out.length() < length) {
        int r = random.nextInt(10);
        if (r < 4) out.append((char) ('a' + random.nextInt(26)));
        else if (r < 5) out.append((char) ('0' + random.nextInt(10)));
        else if (r < 6) out.append(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
        else if (r < 8) out.append((char) (0x80 + random.nextInt(0x80))); // not UTF-8 (mostly)
        else out.append(new String("é日ü".substring(random.nextInt(3)).substring(0, 1).getBytes(StandardCharsets.UTF_8),
            StandardCharsets.ISO_8859_1));
      }
      String name = out.toString();
      return name.equals(".") || name.equals("..") ? name + "x" : name;
    }

    private String linkText() {
      String[] odd = {"realdir/", "realdir//", "//etc/passwd", "a//b/./c/../d", "../up", "./", " sp ", "/"};
      return random.nextBoolean() ? odd[random.nextInt(odd.length)] : name() + (random.nextBoolean() ? "/" : "");
    }

    private String content(int length) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < length; i++) out.append((char) ('A' + random.nextInt(58)));
      return octal(out.toString());
    }

    /** A path relative to the source (the script's working directory), quoted for the shell. */
    private static String q(String path) {
      return q(path, "./");
    }

    private static String q(String text, String prefix) {
      return "\"" + prefix + "$(printf '" + octal(text) + "')\"";
    }

    private static String octal(String latin1) {
      StringBuilder out = new StringBuilder();
      for (char c : latin1.toCharArray()) out.append(String.format("\\%03o", (int) c & 0xff));
      return out.toString();
    }
  }
}
