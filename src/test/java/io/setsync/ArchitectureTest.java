package io.setsync;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchUnitRunner;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.runner.RunWith;

/**
 * The shape of the package graph (DESIGN.md, "Layout and style"): no cycles between the packages
 * under {@code io.setsync}, and the lower packages import nothing above them.
 */
@RunWith(ArchUnitRunner.class)
@AnalyzeClasses(packages = "io.setsync", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

  @ArchTest
  public static final ArchRule noPackageCycles =
      slices().matching("io.setsync.(*)..").namingSlices("$1").should().beFreeOfCycles();

  @ArchTest
  public static final ArchRule fsImportsNothingAbove = onlyItself("fs");

  @ArchTest
  public static final ArchRule deltaImportsNothingAbove = onlyItself("delta");

  @ArchTest
  public static final ArchRule optionsImportsOnlyFs =
      noClasses().that().resideInAPackage("io.setsync.options..")
          .should().dependOnClassesThat(resideInAPackage("io.setsync..")
              .and(not(resideInAnyPackage("io.setsync.options..", "io.setsync.fs.."))))
          .because("options sits just above fs");

  private static ArchRule onlyItself(String pkg) {
    String own = "io.setsync." + pkg + "..";
    return noClasses().that().resideInAPackage(own)
        .should().dependOnClassesThat(resideInAPackage("io.setsync..").and(not(resideInAPackage(own))))
        .because(pkg + " is a bottom package: it imports nothing else of setsync");
  }
}
