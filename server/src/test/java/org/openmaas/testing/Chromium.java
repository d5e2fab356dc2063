package org.openmaas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium, driven through its chromedriver, with a fresh profile of its own: a real browser for
 * the console's tests. Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (scripts/chromium.sh
 * installs them) the calling test is skipped on a developer's machine and fails under CI ({@code CI} set).
 */
public final class Chromium implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * Where screenshots go: the build's folder, so a test run leaves the repository as it was; docs/console (the
     * README shows them) when {@code MAAS_UPDATE_SCREENSHOTS} is set.
     */
    public static final Path SCREENSHOTS = System.getenv("MAAS_UPDATE_SCREENSHOTS") != null
            ? Path.of(System.getProperty("openmaas.projectRoot", "..")).resolve("docs").resolve("console")
            : Path.of("target", "console-screenshots");
    /** How long a page may take to show what a test waits for: generous, as a shared machine under load is slow. */
    public static final Duration PATIENCE = Duration.ofSeconds(120);

    public static final Dimension DESKTOP = new Dimension(1200, 860);
    public static final Dimension PHONE = new Dimension(390, 800);

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = CHROMIUM + " or " + CHROMEDRIVER + " is missing: the console's browser tests need Debian's "
                    + "chromium and chromium-driver (scripts/chromium.sh installs them; ./dev test runs it)";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        try {
            Path profile = Files.createTempDirectory("maas-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                    "--user-data-dir=" + profile,
                    "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight());
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            return new Chromium(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /**
     * Lets the page receive at most {@code bytesPerSecond} (DevTools' network throttling) until {@link #unthrottle()}:
     * a stream then lasts as long as its bytes take to arrive, however fast the server made them.
     */
    public void throttleDownloads(int bytesPerSecond) {
        driver.setNetworkConditions(new ChromiumNetworkConditions().setDownloadThroughput(bytesPerSecond)
                .setUploadThroughput(-1));
    }

    public void unthrottle() {
        driver.deleteNetworkConditions();
    }

    /** The element once it is on the page and visible; fails the test after {@link #PATIENCE}. */
    public WebElement await(By locator) {
        return until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** What {@code condition} returns once it is truthy; fails after {@link #PATIENCE} showing what the page said. */
    public <T> T until(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, PATIENCE).until(condition);
        } catch (TimeoutException e) {
            String page;
            try {
                page = driver.findElement(By.tagName("body")).getText();
            } catch (WebDriverException unreadable) {
                page = "(unreadable: " + unreadable.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "\nthe page said:\n" + page, e);
        }
    }

    /** Types into the labelled control whose label reads {@code label} (as a person finds it), after clearing it. */
    public void fill(String label, String text) {
        WebElement input = labelled(label);
        input.clear();
        input.sendKeys(text);
    }

    /** The control that the visible label {@code label} belongs to. */
    public WebElement labelled(String label) {
        WebElement labelElement = await(By.xpath("//label[normalize-space(text())='" + label + "']"));
        return driver.findElement(By.id(labelElement.getAttribute("for")));
    }

    public void click(By locator) {
        until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    public void clickButton(String text) {
        click(By.xpath("//button[normalize-space(.)='" + text + "']"));
    }

    /** Saves what the window shows from the page's top as {@code name}.png in {@link #SCREENSHOTS}, at {@code size}. */
    public void screenshot(String name, Dimension size) {
        driver.manage().window().setSize(size);
        driver.executeScript("document.activeElement.blur(); window.scrollTo(0, 0);");
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(DESKTOP);
        }
    }

    /**
     * The page's script errors and Content-Security-Policy refusals since the last call: a page that breaks its own
     * policy (an inline style or script) or throws shows up here, not only as something missing on screen.
     */
    public List<String> scriptProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .toList();
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover profile in the temp folder is harmless
        }
    }
}
