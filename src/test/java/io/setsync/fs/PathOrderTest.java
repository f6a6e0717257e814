package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class PathOrderTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void directorySortsBeforeItsDescendantsAndTheyBeforeLaterSiblings() {
    List<String> expected = List.of("a", "a/b", "a/c", "a-c");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.reverse(shuffled);
    shuffled.sort(PathOrder.INSTANCE);
    assertEquals(expected, shuffled);
  }

  @Test
  public void differsFromPlainStringOrderWhereItMatters() {
    assertTrue("plain order is the bug", "a-c".compareTo("a/b") < 0);
    assertTrue(PathOrder.comparePaths("a/b", "a-c") < 0);
    assertTrue(PathOrder.comparePaths("a-c", "a/b") > 0);
    assertTrue(PathOrder.comparePaths("a.b", "a/b") > 0);
  }

  @Test
  public void componentsCompareAsTheirBytesEvenWhereCharsDisagree() {
    // U+1F600 is F0 9F 98 80 in UTF-8 but D83D DE00 in UTF-16, below U+E000 (EE 80 80).
    assertTrue(PathOrder.comparePaths("\uE000", "\uD83D\uDE00") < 0);
    assertTrue(PathOrder.comparePaths("d/\uE000/x", "d/\uD83D\uDE00") < 0);
    // The escaped byte 0xE9 sorts after any ASCII char and after é (C3 A9).
    String latin1 = RawNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9});
    assertTrue(PathOrder.comparePaths("cafz", latin1) < 0);
    assertTrue(PathOrder.comparePaths("caf\u00e9", latin1) < 0);
    assertTrue(PathOrder.comparePaths(latin1, latin1 + "/a") < 0);
    assertTrue(PathOrder.comparePaths(latin1 + "/a", latin1 + "a") < 0);
    // The escaped byte 0xE9 against a valid char starting with the same byte (U+9000 = E9 80 80).
    String e9x = RawNames.decode(new byte[] {(byte) 0xE9, 'x'});
    assertTrue(PathOrder.comparePaths(e9x, "\u9000") < 0);
    assertTrue(PathOrder.comparePaths("\u9000", e9x) > 0);
  }

  @Test
  public void randomNamesSortAsTheirBytes() {
    Random random = new Random(7);
    List<byte[]> names = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[1 + random.nextInt(6)];
      for (int k = 0; k < b.length; k++) {
        int v;
        do {
          v = random.nextInt(4) == 0 ? 0x20 + random.nextInt(0x60) : 0x80 + random.nextInt(0x80);
        } while (v == '/');
        b[k] = (byte) v;
      }
      names.add(b);
    }
    List<String> byChars = new ArrayList<>();
    for (byte[] b : names) byChars.add(RawNames.decode(b));
    byChars.sort(PathOrder.INSTANCE);
    names.sort(java.util.Arrays::compareUnsigned);
    for (int i = 0; i < names.size(); i++) {
      assertTrue(i + ": " + RawNames.display(byChars.get(i)),
          java.util.Arrays.equals(names.get(i), RawNames.bytes(byChars.get(i))));
    }
  }

  @Test
  public void basicCases() {
    assertEquals(0, PathOrder.comparePaths("a/b", "a/b"));
    assertTrue(PathOrder.comparePaths("a", "a/b") < 0);
    assertTrue(PathOrder.comparePaths("a/b", "a") > 0);
    assertTrue(PathOrder.comparePaths("a", "ab") < 0);
    assertTrue(PathOrder.comparePaths("a/z", "ab") < 0);
    assertTrue(PathOrder.comparePaths("ab/c", "a/z") > 0);
    assertTrue(PathOrder.comparePaths("Z", "a") < 0);
    assertTrue(PathOrder.comparePaths("a/b/c", "a/b c") < 0);
    assertTrue(PathOrder.comparePaths("z", "ä") < 0);
  }

  /** Reference implementation: split and compare components with String.compareTo. */
  private static int bySplitting(String a, String b) {
    String[] x = a.split("/", -1);
    String[] y = b.split("/", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return x.length - y.length;
  }

  @Test
  public void agreesWithComponentWiseComparisonOnRandomPaths() {
    Random random = new Random(42);
    String alphabet = "ab-./ \u00e4Z\u0001";
    for (int n = 0; n < 100_000; n++) {
      String a = randomPath(random, alphabet);
      String b = randomPath(random, alphabet);
      assertEquals(
          a + " vs " + b,
          Integer.signum(bySplitting(a, b)),
          Integer.signum(PathOrder.comparePaths(a, b)));
    }
  }

  private static String randomPath(Random random, String alphabet) {
    StringBuilder sb = new StringBuilder();
    int len = 1 + random.nextInt(6);
    for (int i = 0; i < len; i++) {
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      boolean boundary = i == 0 || i == len - 1 || sb.charAt(sb.length() - 1) == '/';
      sb.append(c == '/' && boundary ? 'a' : c);
    }
    return sb.toString();
  }

  @Test
  public void agreesWithTreeScannerOnARealTree() throws Exception {
    Path root = tmp.getRoot().toPath();
    for (String dir : List.of("a", "a/b", "a/b/c", "b c", "a-c")) {
      Files.createDirectories(root.resolve(dir));
    }
    for (String file : List.of("a.b", "ä", "Z", "a/b/c/d", "a/b c", "a/b-c", "a-c/x", "b c/ä")) {
      Files.writeString(root.resolve(file), file);
    }
    List<String> scanned = TestTrees.paths(TestTrees.listAll(root, ExcludeFilter.NONE));
    List<String> sorted = new ArrayList<>(scanned);
    Collections.shuffle(sorted, new Random(1));
    sorted.sort(PathOrder.INSTANCE);
    assertEquals(sorted, scanned);
    assertEquals(
        List.of(
            "Z", "a", "a/b", "a/b/c", "a/b/c/d", "a/b c", "a/b-c", "a-c", "a-c/x", "a.b", "b c",
            "b c/ä", "ä"),
        scanned);
  }
}
