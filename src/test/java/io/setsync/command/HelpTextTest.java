package io.setsync.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.options.OptionRegistry;
import io.setsync.options.OptionSpec;
import java.util.List;
import org.junit.Test;

public class HelpTextTest {

  /** Whether {@code text} holds {@code part}, ignoring how lines were wrapped. */
  private static void assertContains(String text, String part) {
    String flat = text.replaceAll("\\s+", " ");
    assertTrue("expected <" + part + "> in:\n" + text, flat.contains(part));
  }

  @Test
  public void generalListsEveryCommand() {
    String text = HelpText.general();
    for (String command :
        List.of(
            "SYNCHRONIZE /src TO [node:]/dest",
            "ADD SYNCFILESET",
            "ALTER SYNCFILESET id",
            "DELETE SYNCFILESET id",
            "INFO SYNCFILESET [id] [, LOG [LAST n]]",
            "SUSPEND SYNCFILESET",
            "ACTIVATE SYNCFILESET",
            "ADD SYNCUSER",
            "INFO SYNCUSER [name]",
            "ADD BATCHID",
            "STATUS AUTOSYNC",
            "START MONITOR",
            "STOP MONITOR",
            "ENV",
            "HELP [topic]",
            "EXIT | QUIT")) {
      assertContains(text, command);
    }
    assertEquals(text, HelpText.forTopic(null));
    assertEquals(text, HelpText.forTopic("  "));
  }

  @Test
  public void everyCommandInTheGeneralListParses() {
    // the syntax lines, with placeholders filled in, are accepted by the parser
    assertTrue(CommandParser.parse("SYNCHRONIZE /src TO node:/dest") instanceof Statement.Synchronize);
    assertTrue(CommandParser.parse("INFO SYNCFILESET 1, LOG LAST 5") instanceof Statement.InfoFileSet);
  }

  @Test
  public void synchronizeListsEverySyncOptionOfTheRegistry() {
    String text = HelpText.forTopic("synchronize");
    assertContains(text, "SYNCHRONIZE /src TO [node:]/dest [, option ...]");
    for (OptionSpec spec : OptionRegistry.standard().specs()) {
      assertContains(text, spec.synopsis());
      assertContains(text, spec.description());
    }
    assertFalse(text, text.contains("INTERVAL"));
  }

  @Test
  public void fileSetHelpListsScheduleAndSyncOptions() {
    String text = HelpText.forTopic("ADD SYNCFILESET");
    assertContains(text, "INTERVAL N SECONDS|MINUTES|HOURS|DAYS");
    assertContains(text, "START hh:mm[:ss]");
    assertContains(text, "STOP hh:mm[:ss]");
    assertContains(text, "BATCHID id");
    assertContains(text, "AUTOSUSPEND");
    assertContains(text, "USER name");
    assertContains(text, "EXCLUDE GLOB");
    assertContains(text, "MAXPURGE N|N%");
    assertFalse(text, text.contains("ALTER SYNCFILESET"));
    assertContains(HelpText.forTopic("alter syncfileset"), "NO option removes an option");
  }

  @Test
  public void objectAndVerbTopicsGatherTheirForms() {
    String users = HelpText.forTopic("SYNCUSER");
    for (String verb : List.of("ADD", "ALTER", "DELETE", "INFO", "SUSPEND", "ACTIVATE")) {
      assertContains(users, verb + " SYNCUSER");
    }
    assertContains(users, "ROOT /path");
    String add = HelpText.forTopic("add");
    assertContains(add, "ADD SYNCFILESET");
    assertContains(add, "ADD SYNCUSER");
    assertContains(add, "ADD BATCHID");
    assertFalse(add, add.contains("DELETE SYNCUSER"));
    assertContains(HelpText.forTopic("quit"), "EXIT | QUIT");
    assertContains(HelpText.forTopic("Status"), "DETAIL");
  }

  @Test
  public void rolesAndRefusedSourcesHaveHelp() {
    String admin = HelpText.forTopic("ADMINISTRATOR");
    assertContains(admin, "ADD ADMINISTRATOR account");
    assertContains(admin, "DELETE ADMINISTRATOR account");
    assertContains(admin, "INFO ADMINISTRATOR [account]");
    assertContains(admin, "setsync.security.authorizer");
    String from = HelpText.forTopic("AUTOSYNC");
    assertContains(from, "DISABLE AUTOSYNC FROM node [TO node]");
    assertContains(from, "CLEAR AUTOSYNC FROM node [TO node]");
    assertContains(from, "INFO AUTOSYNC FROM [node] [TO node]");
    assertContains(from, "STATUS AUTOSYNC shows the monitor");
    assertContains(HelpText.forTopic("DISABLE AUTOSYNC"), "Without TO the destination is the node the monitor runs on");
    assertContains(HelpText.forTopic("FROM"), "DISABLE AUTOSYNC FROM");
    assertContains(HelpText.forTopic("ACCOUNT"), "The OS account whose rights the user's syncs have");
    assertContains(HelpText.forTopic("ADD SYNCUSER"), "ACCOUNT name");
    assertContains(HelpText.general(), "DISABLE AUTOSYNC FROM node [TO node]");
  }

  @Test
  public void optionTopics() {
    String purge = HelpText.forTopic("purge");
    assertContains(purge, "option PURGE");
    assertContains(purge, OptionRegistry.standard().find("PURGE").orElseThrow().description());
    assertContains(purge, "Accepted by: SYNCHRONIZE, ADD SYNCFILESET, ALTER SYNCFILESET");
    String start = HelpText.forTopic("START");
    assertContains(start, "START MONITOR"); // the command
    assertContains(start, "option START hh:mm[:ss]"); // and the option
    String suspend = HelpText.forTopic("SUSPEND");
    assertContains(suspend, "SUSPEND SYNCFILESET id");
    assertContains(suspend, "Keep the user's file sets inactive");
    assertContains(suspend, "Keep the batch's file sets inactive");
    String options = HelpText.forTopic("options");
    assertContains(options, "INTERVAL");
    assertContains(options, "EXCLUDEPURGE GLOB");
  }

  @Test
  public void unknownTopic() {
    assertEquals(
        "unknown help topic \"frobnicate\"; HELP lists the commands, HELP OPTIONS the options\n",
        HelpText.forTopic("frobnicate"));
    assertTrue(HelpText.forTopic("ADD NOTHING").startsWith("unknown help topic \"ADD NOTHING\""));
    assertTrue(HelpText.forTopic("ſuspend").startsWith("unknown help topic"));
  }

  @Test
  public void knowsWhichTopicsItHasHelpOn() {
    assertFalse(HelpText.knows("frobnicate"));
    assertFalse(HelpText.knows("ADD NOTHING"));
    assertTrue(HelpText.knows("purge"));
    assertTrue(HelpText.knows("ADD SYNCFILESET"));
    assertTrue("no topic: the list of commands", HelpText.knows(null));
  }

  /** Every keyword the parser reads and every option of every table has a HELP topic. */
  @Test
  public void helpKnowsEveryKeywordAndEveryOption() {
    List<String> all = new java.util.ArrayList<>(CommandParser.keywords());
    OptionRegistry.standard().specs().forEach(spec -> all.add(spec.keyword()));
    for (String keyword : all) {
      assertTrue("HELP " + keyword, HelpText.knows(keyword));
      assertTrue("HELP " + keyword.toLowerCase(java.util.Locale.ROOT), HelpText.knows(keyword.toLowerCase(java.util.Locale.ROOT)));
    }
    assertContains(HelpText.forTopic("RATE"), "option RATE N%");
    assertContains(HelpText.forTopic("maxrate"), "option MAXRATE N MB");
    assertContains(HelpText.forTopic("DETAIL"), "STATUS AUTOSYNC | SYNC [user]");
    assertContains(HelpText.forTopic("to"), "SYNCHRONIZE /src TO [node:]/dest");
    assertContains(HelpText.forTopic("RESET"), "back to what the console started with");
    assertFalse(HelpText.knows("FROBNICATE"));
  }

  /** HELP's list names every command the parser reads, and each option table's every option. */
  @Test
  public void theGeneralListNamesEveryVerb() {
    String text = HelpText.general();
    for (String verb : CommandParser.VERBS) {
      assertTrue(verb, java.util.regex.Pattern.compile("\\b" + verb + "\\b").matcher(text).find());
    }
    String options = HelpText.forTopic("OPTIONS");
    for (CommandOptions.Spec spec : CommandOptions.fileSet()) {
      assertContains(options, spec.synopsis());
    }
  }

  /**
   * README's command reference (from "The command language" to the next section) names every verb
   * the parser reads and every option of every command, as a word.
   */
  @Test
  public void readmesCommandReferenceAgreesWithTheParser() throws Exception {
    String readme = java.nio.file.Files.readString(
        java.nio.file.Path.of(System.getProperty("basedir", ".")).resolve("README.md"));
    int start = readme.indexOf("The command language (keywords");
    int end = readme.indexOf("\n## ", start);
    assertTrue("README has a command reference", start >= 0 && end > start);
    String reference = readme.substring(start, end);
    List<String> all = new java.util.ArrayList<>(CommandParser.keywords());
    OptionRegistry.standard().specs().forEach(spec -> all.add(spec.keyword()));
    List<String> missing = new java.util.ArrayList<>();
    for (String keyword : all) {
      if (!java.util.regex.Pattern.compile("(?<![A-Za-z])" + keyword + "(?![A-Za-z])").matcher(reference).find()) {
        missing.add(keyword);
      }
    }
    assertEquals("keywords the README's command reference does not name", List.of(), missing);
  }
}
