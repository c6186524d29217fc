package io.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian chromium driven through chromedriver, both from the system: nothing is
 * downloaded (Selenium Manager never runs, the driver's path is given). Without them the tests skip
 * with a notice, unless {@code CAIRN_REQUIRE_BROWSER=1}, where they fail.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(env("CAIRN_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("CAIRN_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** The browser, or a skipped test (a failed one when CAIRN_REQUIRE_BROWSER=1) without it. */
  static Browser startOrSkip() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!present) {
      String notice =
          "Browser tests need chromium and chromedriver at "
              + CHROMIUM
              + " and "
              + DRIVER
              + " (apt-get install -y chromium chromium-driver)";
      if ("1".equals(System.getenv("CAIRN_REQUIRE_BROWSER"))) {
        throw new AssertionError(notice + "; CAIRN_REQUIRE_BROWSER=1 makes this a failure");
      }
      System.out.println("SKIPPED: " + notice);
      Assumptions.abort(notice);
    }
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,900",
        "--force-prefers-reduced-motion");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    return new Browser(new ChromeDriver(service, options));
  }

  /** Loads the page afresh (a hash change alone would leave the last page's content to match). */
  void open(String url) {
    driver.get("about:blank");
    driver.get(url);
  }

  WebElement waitFor(String css) {
    return new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  void waitForText(String css, String text) {
    new WebDriverWait(driver, Duration.ofSeconds(15))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /**
   * Fails on any error the page wrote to the console, and on any failed load but the API answers
   * the test provoked on purpose (the browser logs each 4xx answer to fetch, e.g. a refused filter,
   * as "Failed to load resource" with the URL first).
   */
  void assertNoConsoleErrors(String page, String... expectedFailedCalls) {
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .filter(e -> !provoked(e.getMessage(), expectedFailedCalls))
            .toList();
    assertThat(severe).as("console errors on the " + page + " page").isEmpty();
  }

  private static boolean provoked(String message, String... calls) {
    for (String call : calls) {
      if (message.contains(call) && message.contains("Failed to load resource")) {
        return true;
      }
    }
    return false;
  }

  /** Writes target/ui-screenshots/{name}.png of the whole page, not only the visible part. */
  void screenshot(String name) {
    Dimension window = driver.manage().window().getSize();
    Object height = driver.executeScript("return document.documentElement.scrollHeight");
    int full =
        Math.min(4000, ((Number) height).intValue() + (window.getHeight() - viewportHeight()));
    try {
      if (full > window.getHeight()) {
        driver.manage().window().setSize(new Dimension(window.getWidth(), full));
      }
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  private int viewportHeight() {
    return ((Number) driver.executeScript("return window.innerHeight")).intValue();
  }

  /** Makes the page see the system's dark (or light) colour scheme preference. */
  void colorScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
