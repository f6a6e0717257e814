package io.setsync.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the setsync/rsync time ratio of each scenario as a bar, with the scenario's target as a
 * dashed mark and the parity line at 1.0. Headless java.awt, so no chart library is needed.
 */
final class RatioChart {

  /** One bar: a scenario, its ratio and its target (NaN when it has none). */
  record Bar(String label, double ratio, double target) {}

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 520;
  private static final int LEFT = 70;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  /** Room for the labels, written slanted so that long scenario names do not run into each other. */
  private static final int BOTTOM = 110;

  private RatioChart() {}

  static void draw(List<Bar> bars, String title, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      double top = 1.2;
      for (Bar b : bars) {
        if (Double.isFinite(b.ratio())) top = Math.max(top, b.ratio() * 1.1);
      }
      top = Math.ceil(top * 5) / 5;
      int plotHeight = HEIGHT - TOP - BOTTOM;
      int plotWidth = WIDTH - LEFT - RIGHT;

      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, LEFT, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString("time ratio setsync / rsync (lower is better; dashed = target; grey: no target)", LEFT, 48);

      double step = top > 4 ? 1 : top > 2 ? 0.5 : 0.2;
      for (double v = 0; v <= top + 1e-9; v += step) {
        int y = TOP + plotHeight - (int) Math.round(v / top * plotHeight);
        g.setColor(new Color(225, 225, 225));
        g.drawLine(LEFT, y, LEFT + plotWidth, y);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("%.1f", v), LEFT - 35, y + 4);
      }
      int parity = TOP + plotHeight - (int) Math.round(1.0 / top * plotHeight);
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(2));
      g.drawLine(LEFT, parity, LEFT + plotWidth, parity);

      int slot = plotWidth / Math.max(1, bars.size());
      int barWidth = (int) (slot * 0.55);
      for (int i = 0; i < bars.size(); i++) {
        Bar b = bars.get(i);
        int x = LEFT + i * slot + (slot - barWidth) / 2;
        if (Double.isFinite(b.ratio())) {
          int h = (int) Math.round(Math.min(b.ratio(), top) / top * plotHeight);
          // Green met, red missed, grey: no target of its own (the TLS variants).
          g.setColor(!Double.isFinite(b.target()) ? new Color(150, 150, 150)
              : b.ratio() <= b.target() ? new Color(60, 150, 75) : new Color(200, 70, 60));
          g.fillRect(x, TOP + plotHeight - h, barWidth, h);
          g.setColor(Color.BLACK);
          g.drawString(String.format("%.2f", b.ratio()), x + barWidth / 2 - 14, TOP + plotHeight - h - 6);
        }
        if (Double.isFinite(b.target())) {
          int y = TOP + plotHeight - (int) Math.round(b.target() / top * plotHeight);
          g.setColor(Color.BLACK);
          g.setStroke(new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
          g.drawLine(x - 8, y, x + barWidth + 8, y);
          g.setStroke(new BasicStroke(1));
        }
        g.setColor(Color.BLACK);
        java.awt.geom.AffineTransform straight = g.getTransform();
        g.translate(LEFT + i * slot + slot / 2.0, TOP + plotHeight + 14);
        g.rotate(Math.toRadians(-35));
        g.drawString(b.label(), -g.getFontMetrics().stringWidth(b.label()), 0);
        g.setTransform(straight);
      }
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1));
      g.drawLine(LEFT, TOP, LEFT, TOP + plotHeight);
      g.drawLine(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight);
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }
}
