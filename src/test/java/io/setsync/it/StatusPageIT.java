package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The status page of a real node in a real headless Chromium: no login, no page; a login from
 * OPEN PAGE works once. After a sync the page shows the node, the file set and its result; during
 * a long sync its live progress moves without a reload. A screenshot goes to
 * target/status-page.png.
 */
public class StatusPageIT {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Process node;

  @After
  public void stopNode() throws Exception {
    if (node != null) {
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void thePageShowsTheClusterAndLiveProgressToTheOneWhoOpenedIt() throws Exception {
    assertEquals("chromium is installed (scripts/test installs it)", 0,
        new ProcessBuilder("sh", "-c", "command -v chromium").start().waitFor());
    Path home = tmp.newFolder("home").toPath();
    node = Launcher.startNode(home);
    Matcher http = Pattern.compile(", http ([0-9.]+:[0-9]+)").matcher(Files.readString(home.resolve("node.out")));
    assertTrue(http.find());
    String base = "http://" + http.group(1);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    // No login, no page; a made-up login is refused; a real one works once.
    assertEquals(401, status(client, base + "/"));
    assertEquals(401, status(client, base + "/api/status"));
    assertEquals(403, status(client, base + "/login?token=" + "ab".repeat(32)));
    Launcher console = new Launcher(home);
    String once = openPage(console);
    assertEquals(303, status(client, once));
    assertEquals(403, status(client, once));

    Path src = tmp.newFolder("src").toPath();
    for (String name : new String[] {"a.txt", "b.txt", "c.txt"}) Files.writeString(src.resolve(name), name);
    assertOk(console.run("console", "ADD SYNCUSER pageuser, ACCOUNT " + System.getProperty("user.name")));
    assertOk(console.run("console", "ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst")
        + ", USER pageuser, INTERVAL 1 HOURS"));

    try (HeadlessChromium page = HeadlessChromium.open(openPage(console), tmp.newFolder("chromium").toPath())) {
      String last = page.await("document.querySelector('#fs-1 .last') ? document.querySelector('#fs-1 .last').textContent : ''",
          t -> t.contains("copied 3"), Duration.ofSeconds(60));
      assertTrue(last, last.contains("code 0"));
      assertTrue(page.evaluate("document.getElementById('who').textContent"), page.evaluate(
          "document.getElementById('who').textContent").equals("as " + System.getProperty("user.name")));
      String nodes = page.evaluate("document.querySelector('#nodes tbody').textContent");
      assertTrue(nodes, nodes.contains("Up") && nodes.contains("node"));
      String row = page.evaluate("document.getElementById('fs-1').textContent");
      assertTrue(row, row.contains(src.toString()) && row.contains("pageuser") && row.contains("every 1 h"));

      // A long sync: 80 files of 256 KiB at 1 MB/s. Its progress moves on the open page.
      Path big = tmp.newFolder("big").toPath();
      byte[] quarter = new byte[256 << 10];
      for (int i = 0; i < 80; i++) Files.write(big.resolve(String.format("f%02d", i)), quarter);
      assertOk(console.run("console", "ADD SYNCFILESET " + big + " TO " + tmp.getRoot().toPath().resolve("bigdst")
          + ", USER pageuser, INTERVAL 1 HOURS, MAXRATE 1 MB"));
      String files = "document.querySelector('#run-2 .files') ? document.querySelector('#run-2 .files').textContent : ''";
      String first = page.await(files, t -> !t.isEmpty() && Integer.parseInt(t) > 0, Duration.ofSeconds(60));
      String later = page.await(files, t -> !t.isEmpty() && Integer.parseInt(t) > Integer.parseInt(first) + 1,
          Duration.ofSeconds(60));
      String rate = page.evaluate("document.querySelector('#run-2 .rate').textContent");
      assertTrue("progress moved from " + first + " to " + later + " files, at " + rate, rate.endsWith("/s"));
      page.screenshot(Paths.get(System.getProperty("basedir", ".")).resolve("target/status-page.png"));
      // The log viewer: the file set's records, asked for from the page.
      page.evaluate("document.getElementById('logset').value = '1'; "
          + "document.getElementById('logform').dispatchEvent(new Event('submit', {cancelable: true})); 'asked'");
      String log = page.await("document.querySelector('#log tbody').textContent", t -> t.contains("sync ended"),
          Duration.ofSeconds(30));
      assertTrue(log, log.contains("ADD SYNCFILESET 1 by"));
      // The node's events, to an administrator (root here): who changed what.
      String events = page.await("document.querySelector('#events tbody').textContent",
          t -> t.contains("ADD SYNCFILESET 2 by"), Duration.ofSeconds(30));
      assertTrue(events, events.contains("monitor-started") && events.contains("config"));
    }
  }

  /**
   * With TLS on, the page is HTTPS with the node's certificate, and an administrator's certificate
   * admits without a login; no certificate, or a node's, does not.
   */
  @Test
  public void withTlsAnAdministratorsCertificateAdmits() throws Exception {
    Path certs = tmp.newFolder("certs").toPath();
    TlsNodes.certs(java.util.Map.of(), certs, "n1=127.0.0.1", "n2=127.0.0.1");
    TlsNodes.certs(java.util.Map.of(), certs, "--admin", "alice");
    Path home = tmp.newFolder("tls-home").toPath();
    node = TlsNodes.start(home, "n1", TlsNodes.BASE.resolve("conf/cluster-tls.conf"), certs.resolve("n1"), "127.0.0.1",
        28191, 28192, 28193, null, "-Dsetsync.http.port=28194");
    TlsNodes.awaitLog(home, "http listening on 127.0.0.1:28194 (HTTPS)");
    String status = "https://127.0.0.1:28194/api/status";
    Path ca = certs.resolve("n1/ca.crt");
    HttpResponse<String> admin = https(io.setsync.transfer.TestCerts.trusting(certs.resolve("admin-alice"), ca), status);
    assertEquals(admin.body(), 200, admin.statusCode());
    assertTrue(admin.body(), admin.body().contains("\"type\":\"Status\"") && admin.body().contains("\"nodes\""));
    assertEquals(401, https(io.setsync.transfer.TestCerts.trusting(null, ca), status).statusCode());
    assertEquals("a node's certificate is not an administrator's", 401,
        https(io.setsync.transfer.TestCerts.trusting(certs.resolve("n2"), ca), status).statusCode());
    assertEquals(200, https(io.setsync.transfer.TestCerts.trusting(null, ca), "https://127.0.0.1:28194/metrics").statusCode());
  }

  private static HttpResponse<String> https(javax.net.ssl.SSLContext context, String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String openPage(Launcher console) throws Exception {
    Launcher.Result r = console.run("console", "OPEN PAGE");
    assertOk(r);
    String url = r.stdout().lines().findFirst().orElse("");
    assertTrue(r.toString(), url.matches("http://127\\.0\\.0\\.1:[0-9]+/login\\?token=[0-9a-f]{64}"));
    return url;
  }

  private static int status(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }
}
