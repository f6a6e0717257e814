package io.setsync.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The timings of one tool in one scenario over the rounds, and their median. */
final class Samples {

  private final List<Double> seconds = new ArrayList<>();

  void add(double value) {
    seconds.add(value);
  }

  List<Double> values() {
    return List.copyOf(seconds);
  }

  boolean isEmpty() {
    return seconds.isEmpty();
  }

  double median() {
    List<Double> sorted = new ArrayList<>(seconds);
    Collections.sort(sorted);
    int n = sorted.size();
    if (n == 0) return Double.NaN;
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
