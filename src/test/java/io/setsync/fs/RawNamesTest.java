package io.setsync.fs;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RawNamesTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void everyByteSequenceSurvivesTheRoundTrip() {
    Random random = new Random(13);
    for (int i = 0; i < 5000; i++) {
      byte[] b = new byte[random.nextInt(12)];
      random.nextBytes(b);
      String text = RawNames.decode(b);
      assertArrayEquals(RawNames.bytes(text), b);
      assertEquals(-1, RawNames.badSurrogate(text));
    }
  }

  @Test
  public void validUtf8IsPlainText() {
    String name = "ünïcödé 日本 \uD83D\uDE00";
    assertEquals(name, RawNames.decode(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(false, RawNames.hasEscapes(name));
  }

  @Test
  public void displayShowsBadBytesAndControlCharactersEscaped() {
    assertEquals("caf\\xe9", RawNames.display(RawNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9})));
    assertEquals("a\\x0ab", RawNames.display("a\nb"));
    assertEquals("é", RawNames.display("é"));
  }

  @Test
  public void aNameThatIsNotUtf8CanBeCreatedListedAndFoundAgain() throws Exception {
    Path dir = tmp.getRoot().toPath();
    String name = RawNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xE9});
    Files.writeString(RawNames.resolve(dir, name), "x");
    List<String> listed = new ArrayList<>();
    try (var children = Files.newDirectoryStream(dir)) {
      for (Path child : children) listed.add(RawNames.name(child));
    }
    assertEquals(List.of(name), listed);
    assertEquals("x", Files.readString(RawNames.resolve(dir, name)));
    Process ls = new ProcessBuilder("ls", dir.toString()).start();
    assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'}, ls.getInputStream().readAllBytes());
  }

  @Test
  public void pathsFromTextAreNotNormalized() {
    Path like = tmp.getRoot().toPath();
    assertEquals("realdir//", RawNames.text(RawNames.path(like, "realdir//")));
    assertEquals("a//b/./c/../d", RawNames.text(RawNames.path(like, "a//b/./c/../d")));
    assertTrue(RawNames.available());
  }
}
