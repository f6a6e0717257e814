package io.setsync;

public final class Main {
  public static void main(String[] args) {
  }
}
