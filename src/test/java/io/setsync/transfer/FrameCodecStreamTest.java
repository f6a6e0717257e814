package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.actor.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The codec inside real Akka streams, with the framing stage the TCP connection uses. */
public class FrameCodecStreamTest {

  private static final int MAX = FrameCodec.MAX_FRAME_BYTES;

  private static ActorSystem system;

  @BeforeClass
  public static void start() {
    system = ActorSystem.create("frame-codec-test");
  }

  @AfterClass
  public static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  public void framesSurviveEncodeFrameDeframeDecode() throws Exception {
    List<Frame> frames = FrameCodecTest.sampleFrames();
    List<Frame> back =
        Source.from(frames)
            .map(FrameCodec::encode)
            .via(akka.stream.scaladsl.Framing.simpleFramingProtocolEncoder(MAX))
            .via(akka.stream.scaladsl.Framing.simpleFramingProtocolDecoder(MAX))
            .map(FrameCodec::decode)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(frames, back);
  }

  @Test
  public void framesSurviveTheBidiFramingProtocolLoopedBack() throws Exception {
    List<Frame> frames = FrameCodecTest.sampleFrames();
    List<Frame> back =
        Source.from(frames)
            .map(FrameCodec::encode)
            .via(Framing.simpleFramingProtocol(MAX).join(Flow.of(ByteString.class)))
            .map(FrameCodec::decode)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(frames, back);
  }

  @Test
  public void framesSurviveArbitraryChunkingOfTheByteStream() throws Exception {
    List<Frame> frames = FrameCodecTest.sampleFrames();
    Random random = new Random(7);
    List<Frame> back =
        Source.from(frames)
            .map(FrameCodec::encode)
            .via(
                Framing.simpleFramingProtocol(MAX)
                    .join(
                        // re-chunk as TCP might: split and merge at random boundaries
                        Flow.of(ByteString.class)
                            .fold(ByteString.emptyByteString(), ByteString::concat)
                            .mapConcat(all -> chunks(all, random))))
            .map(FrameCodec::decode)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(frames, back);
  }

  @Test
  public void largestEncodableFramePassesTheFramingStage() throws Exception {
    Frame largest = new Frame.FileData(ByteString.fromArray(new byte[MAX - 1]));
    assertEquals(MAX, FrameCodec.encode(largest).length());
    List<Frame> back =
        Source.single(largest)
            .map(FrameCodec::encode)
            .via(Framing.simpleFramingProtocol(MAX).join(Flow.of(ByteString.class)))
            .map(FrameCodec::decode)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(List.of(largest), back);
  }

  @Test
  public void malformedFrameFailsTheStreamWithProtocolException() throws Exception {
    ByteString bad = ByteString.fromArray(new byte[] {FrameCodec.READY, 0, 0, 0, 9, 'x'});
    try {
      Source.from(List.of(FrameCodec.encode(new Frame.Ready("ok")), bad))
          .via(akka.stream.scaladsl.Framing.simpleFramingProtocolEncoder(MAX))
          .via(akka.stream.scaladsl.Framing.simpleFramingProtocolDecoder(MAX))
          .map(FrameCodec::decode)
          .runWith(Sink.seq(), system)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      fail("stream should fail");
    } catch (ExecutionException e) {
      assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ProtocolException);
      assertTrue(e.getCause().getMessage().contains("Ready frame: sessionId"));
    }
  }

  private static List<ByteString> chunks(ByteString all, Random random) {
    List<ByteString> out = new ArrayList<>();
    ByteString rest = all;
    while (!rest.isEmpty()) {
      int n = 1 + random.nextInt(random.nextBoolean() ? 7 : 200_000);
      out.add(rest.take(n));
      rest = rest.drop(n);
    }
    return out;
  }
}
