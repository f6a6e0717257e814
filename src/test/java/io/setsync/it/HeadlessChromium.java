package io.setsync.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over its DevTools protocol: it opens
 * one page, evaluates JavaScript in it and takes screenshots. A page that streams (server-sent
 * events) never finishes loading, so {@code --dump-dom} cannot be used; the protocol reads the
 * live page instead.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

  private final Process process;
  /** Set once connected: the listener must exist before the socket does. */
  private WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process) {
    this.process = process;
  }

  /** Chromium with {@code url} open, once its DevTools endpoint answers (at most 60 s). */
  static HeadlessChromium open(String url, Path profile) throws Exception {
    Process process = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--window-size=1280,1000", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, url)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    CompletableFuture<String> browser = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = err.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) browser.complete(m.group(1));
        }
        browser.completeExceptionally(new AssertionError("chromium ended without a DevTools endpoint"));
      } catch (java.io.IOException e) {
        browser.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      URI endpoint = URI.create(browser.get(60, TimeUnit.SECONDS));
      String page = pageSocket(endpoint);
      HeadlessChromium chromium = new HeadlessChromium(process);
      chromium.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(page), chromium.listener()).get(30, TimeUnit.SECONDS);
      return chromium;
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The page target's DevTools socket, from /json/list of the browser's HTTP endpoint. */
  private static String pageSocket(URI browser) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      for (JsonNode t : targets) {
        if (t.path("type").asText().equals("page")) return t.get("webSocketDebuggerUrl").asText();
      }
      Thread.sleep(100); // between asks, until the page's target exists
    }
    throw new AssertionError("chromium opened no page target");
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          try {
            JsonNode message = JSON.readTree(text.toString());
            if (message.has("id")) {
              CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
              if (answer != null) answer.complete(message);
            }
          } catch (java.io.IOException e) {
            // not a protocol message: nothing waits for it
          }
          text.setLength(0);
        }
        ws.request(1);
        return null;
      }
    };
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.has("error")) throw new AssertionError(method + ": " + reply.get("error"));
    return reply.get("result");
  }

  /** The value of a JavaScript expression in the page, as a string ("" for null or undefined). */
  String evaluate(String expression) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
    JsonNode result = call("Runtime.evaluate", params).path("result");
    JsonNode value = result.get("value");
    return value == null || value.isNull() ? "" : value.isTextual() ? value.asText() : value.toString();
  }

  /** {@code expression}'s value once {@code done} holds of it, at most {@code within}. */
  String await(String expression, java.util.function.Predicate<String> done, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = evaluate(expression);
      if (done.test(last)) return last;
      Thread.sleep(100); // between looks at the live page
    }
    throw new AssertionError("the page's " + expression + " never got there; last: " + last + "; the page said: "
        + evaluate("document.getElementById('live').textContent + ' / ' + document.getElementById('monitor').textContent"
            + " + ' / ' + document.getElementById('running').textContent"));
  }

  /** A PNG of the page as it is now. */
  void screenshot(Path file) throws Exception {
    JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() throws Exception {
    if (socket != null) socket.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
