package org.openmaas.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.Await;
import org.openmaas.testing.Chromium;
import org.openmaas.testing.GuideScript;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (headless chromium) against a real server on llama.cpp: people sign in, make
 * credentials that the guide's script then uses, stream from the playground and read their usage, and the browser's
 * own rules (CSRF, other sites, other accounts) hold. Each test signs up a new person through an invite link made
 * with the admin API, in a browser of its own. The pages' screenshots are written here (into docs/console with MAAS_UPDATE_SCREENSHOTS set).
 */
class ConsoleBrowserTest {

    private static final String PASSWORD = "correct horse battery staple";

    private static TestServer server;
    /** The three products (the real stories260K, a slow random model, one with a chat template) and their ids. */
    private static String stories;
    private static String slow;
    private static String chat;
    private static final Map<String, String> PRODUCT_IDS = new HashMap<>();
    private static final Map<String, String> MODEL_NAMES = new HashMap<>();

    private Chromium browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestServer.serving(List.of(TestModels.tiny().getFirst(), TestModels.slow(), TestModels.chat()));
        JsonNode models = TestServer.json(server.get("/v1/maas/models", server.token()).body()).get("models");
        for (JsonNode model : models) {
            String name = model.get("product_name").asText();
            PRODUCT_IDS.put(name, model.get("product_id").asText());
            MODEL_NAMES.put(name, model.get("model_name").asText());
            if (name.contains("slow")) {
                slow = name;
            } else if (name.contains("chat")) {
                chat = name;
            } else {
                stories = name;
            }
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void startBrowser() {
        browser = Chromium.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            assertThat(browser.scriptProblems()).as("script errors and CSP refusals on the pages").isEmpty();
            browser.close();
        }
    }

    @Test
    void aPersonSignsInWithTheKeyboardAndSeesTheModelsOfTheirAccount() {
        String email = signUp(false, "member");
        browser.clickButton("Sign out");
        browser.await(By.id("sign-in"));
        browser.screenshot("sign-in", new Dimension(900, 520));

        browser.fill("Email", email);
        browser.fill("Password", "not the password");
        browser.labelled("Password").sendKeys(Keys.ENTER);
        assertThat(browser.await(By.cssSelector("#sign-in [role=alert]")).getText()).isEqualTo("Wrong email or password.");
        browser.fill("Password", PASSWORD);
        browser.labelled("Password").sendKeys(Keys.ENTER);

        browser.await(By.xpath("//h1[.='Models']"));
        WebElement catalog = browser.await(By.cssSelector("main table"));
        assertThat(catalog.getText()).contains(stories, PRODUCT_IDS.get(stories), slow, PRODUCT_IDS.get(slow));
        browser.screenshot("models", Chromium.DESKTOP);
    }

    @Test
    void aClientCreatedOnTheCredentialsPageRunsTheGuidesScriptWithTheGlobalsThePageShowed() throws Exception {
        signUp(false, "member");
        String secret = createClient("guide-app").secret();
        String globals = browser.await(By.id("guide-globals")).getText();
        assertThat(globals).contains("CLIENT_SECRET = \"" + secret + "\"")
                .contains("CLOUD_ACCOUNT = \"" + TestServer.ACCOUNT + "\"");
        browser.screenshot("credentials", new Dimension(1200, 1300));

        String output = GuideScript.run(dir, GuideScript.withGlobals(globals));
        assertThat(output).contains("Authentication successful").contains("- Finish reason: FINISH_REASON_")
                .doesNotContain("Traceback");
    }

    @Test
    void thePlaygroundStreamsTokensWithTheirProbabilitiesAndShowsHowTheGenerationEnded() {
        signUp(false, "member");
        generateInPlayground(stories, 30);

        String finish = browser.await(By.id("finish-reason")).getText();
        assertThat(finish).matches("FINISH_REASON_(LENGTH|EOS_TOKEN)");
        List<WebElement> tokens = browser.driver().findElements(By.cssSelector("#output .token"));
        assertThat(tokens).isNotEmpty().hasSizeLessThanOrEqualTo(30);
        assertThat(tokens.getFirst().getDomAttribute("title")).contains("logprob").contains("p = ");
        assertThat(browser.driver().findElement(By.id("ttft")).getText()).endsWith(" ms");
        browser.screenshot("playground", new Dimension(1200, 2000));
    }

    @Test
    void thePlaygroundShowsTokensWhileTheGenerationRunsAndStopEndsIt() {
        signUp(false, "member");
        // A random model generates 1500 tokens in seconds, or draws its end early; at 1 KB/s the stream's few
        // hundred bytes a token keep it running in the page for minutes, however fast this machine is.
        openPage("Playground");
        browser.throttleDownloads(1024);
        try {
            generateInPlayground(slow, 1500);

            browser.until(d -> d.findElements(By.cssSelector("#output .token")).size() >= 3);
            assertThat(browser.driver().findElements(By.id("finish-reason"))).as("no end shown yet").isEmpty();
            browser.clickButton("Stop");

            assertThat(browser.await(By.id("finish-reason")).getText()).startsWith("stopped here");
        } finally {
            browser.unthrottle();
        }
    }

    @Test
    void thePlaygroundsPythonCodeRunsAsCopied() throws Exception {
        signUp(false, "member");
        TestServer.Client client = createClient("copied-python");
        String code = copiedCode("python", client.id());

        String output = runCopied(List.of("python3", "-c", code), Map.of("CLIENT_SECRET", client.secret()), "");

        assertThat(TestServer.json(output.strip().lines().toList().getLast())
                .path("result").path("response").path("details").path("finish_reason").asText())
                .startsWith("FINISH_REASON_");
    }

    @Test
    void thePlaygroundsCurlCommandsRunAsCopied() throws Exception {
        signUp(false, "member");
        TestServer.Client client = createClient("copied-curl");
        String code = copiedCode("curl", client.id());

        String output = runCopied(List.of("bash", "-c", code), Map.of(), client.secret() + "\n");

        assertThat(output).contains("\"generated_text\"").contains("FINISH_REASON_");
    }

    @Test
    void theChatModeStreamsAnAnswerAndKeepsTheConversation() {
        signUp(false, "member");
        openPage("Playground");
        new Select(browser.labelled("Product")).selectByValue(chat);
        browser.click(By.cssSelector("input[name=mode][value=chat]"));
        browser.fill("Your message", "Hello!");
        browser.fill("Max new tokens", "8");
        browser.clickButton("Generate");

        assertThat(browser.await(By.id("finish-reason")).getText()).isIn("length", "stop");
        assertThat(browser.driver().findElements(By.cssSelector(".transcript li")))
                .extracting(WebElement::getText).first().isEqualTo("Hello!");
        assertThat(browser.driver().findElements(By.cssSelector("#output .token"))).isNotEmpty();
    }

    @Test
    void anApiKeyRevokedOnTheCredentialsPageStopsWorking() throws Exception {
        signUp(false, "member");
        openPage("Credentials");
        browser.await(By.name("key-name")).sendKeys("tool");
        browser.clickButton("Create key");
        String key = browser.await(By.id("secret-value")).getDomProperty("value");
        assertThat(key).startsWith("sk-");
        assertThat(server.get("/v1/models", key).statusCode()).isEqualTo(200);

        browser.clickButton("I have copied it");
        browser.click(By.cssSelector("button[aria-label='Revoke key tool']"));
        browser.until(ExpectedConditions.alertIsPresent()).accept();
        browser.await(By.xpath("//*[@role='status' and .='API key tool was revoked.']"));

        Await.until(() -> server.get("/v1/models", key).statusCode() == 401);
    }

    @Test
    void usageShowsAGenerationMadeInThePlayground() {
        signUp(false, "member");
        openPage("Usage");
        int before = requestsToday();

        generateInPlayground(stories, 10);
        browser.await(By.id("finish-reason"));
        openPage("Usage");

        assertThat(requestsToday()).isEqualTo(before + 1);
        String csv = (String) ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(document.getElementById('usage-csv').href).then(r => r.text()).then(done);""");
        assertThat(csv).contains(stories);
    }

    @Test
    void aFormOnAnotherSiteCannotMakeAClient() throws Exception {
        signUp(false, "member");
        HttpServer otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String target = server.uri("/console/api/accounts/" + TestServer.ACCOUNT + "/clients").toString();
        byte[] page = ("""
                <!doctype html><form method="post" action="%s" enctype="text/plain">
                <input name='{"name": "forged", "x": "' value='"}'></form>
                <script>document.forms[0].submit()</script>""".formatted(target)).getBytes(StandardCharsets.UTF_8);
        otherSite.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        otherSite.start();
        try {
            // localhost is another site than 127.0.0.1: the browser treats the page as a stranger's.
            browser.open("http://localhost:" + otherSite.getAddress().getPort() + "/");
            browser.until(d -> d.getCurrentUrl().startsWith(target));
            assertThat(browser.driver().findElement(By.tagName("body")).getText()).contains("\"error\"");
        } finally {
            otherSite.stop(0);
        }

        browser.open(server.uri("/console/#/credentials").toString());
        browser.await(By.xpath("//h2[.='API clients']"));
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).doesNotContain("forged");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedEvenFromTheConsolesOwnPage() {
        signUp(false, "member");

        Map<?, ?> answer = (Map<?, ?>) fetch("POST", "/console/api/accounts/" + TestServer.ACCOUNT + "/clients",
                "{\"name\": \"no-token\"}");

        assertThat(answer.get("status")).isEqualTo(403L);
        assertThat(answer.get("body").toString()).contains("\"code\":\"csrf\"");
    }

    @Test
    void aMemberOfOneAccountCannotSeeAnother() {
        String other = server.newAccount();
        signUp(false, "member");

        List<String> offered = new Select(browser.await(By.id("account"))).getOptions().stream()
                .map(o -> o.getDomProperty("value")).toList();
        Map<?, ?> models = (Map<?, ?>) fetch("GET", "/console/api/accounts/" + other + "/models", null);

        assertThat(offered).containsExactly(TestServer.ACCOUNT);
        assertThat(models.get("status")).isEqualTo(404L);
    }

    @Test
    void anOperatorSetsAnAccountsQuotaAndProductsAndItsUsageShowsThem() {
        TestServer.Client client = server.newClient("inference");
        signUp(true, "owner");
        openPage("Operator");
        assertThat(browser.await(By.id("metrics")).getText()).contains("Generated tokens/s");
        assertThat(browser.await(By.xpath("//h2[.='Products']/following-sibling::*[1]")).getText()).contains("ready");
        String row = "//tr[td/code[.='" + client.account() + "']]";
        browser.click(By.xpath(row + "//button[.='Edit']"));
        browser.fill("Monthly generated tokens", "400");
        WebElement everyProduct = browser.await(By.name("all-products"));
        if (!everyProduct.isSelected()) {
            everyProduct.click();
        }
        browser.clickButton("Save");
        browser.await(By.xpath(row + "/td[.='400']"));
        browser.screenshot("operator", new Dimension(1200, 1500));

        generate(client, stories, 60);
        generate(client, stories, 60);
        generate(client, chat, 40);
        new Select(browser.await(By.id("account"))).selectByValue(client.account());
        openPage("Usage");

        assertThat(browser.await(By.cssSelector("#quota figcaption")).getText()).contains(" of 400 tokens this month");
        assertThat(browser.driver().findElements(By.cssSelector("figure.chart"))).hasSize(3);
        browser.screenshot("usage", new Dimension(1200, 1500));
    }

    @Test
    void everyPageHasLabelledControlsAndFitsAPhone() {
        signUp(true, "owner");
        for (String page : List.of("Models", "Playground", "Credentials", "Usage", "Members", "Operator")) {
            openPage(page);
            assertThat(unlabelledControls()).as("controls without a label on " + page).isEmpty();
            browser.driver().manage().window().setSize(Chromium.PHONE);
            assertThat(overflowsSideways()).as(page + " scrolls sideways on a phone").isFalse();
            browser.driver().manage().window().setSize(Chromium.DESKTOP);
        }
        openPage("Members");
        browser.screenshot("members", Chromium.DESKTOP);
        openPage("Playground");
        browser.screenshot("playground-phone", Chromium.PHONE);
    }

    /** A new person, invited through the admin API as an operator at a terminal would, who accepts in the browser. */
    private String signUp(boolean operator, String role) {
        String email = "person-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> invited = server.post("/v1/admin/users", server.token(), """
                {"email": "%s", "operator": %s, "account": "%s", "role": "%s"}"""
                .formatted(email, operator, TestServer.ACCOUNT, role));
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
        browser.open(server.uri(TestServer.json(invited.body()).get("invite_url").asText()).toString());
        browser.fill("Password", PASSWORD);
        browser.fill("Password again", PASSWORD);
        browser.clickButton("Set password and sign in");
        browser.await(By.cssSelector("nav[aria-label=Pages]"));
        return email;
    }

    /** A generation through the API by {@code client}, in its own account. */
    private static void generate(TestServer.Client client, String product, int maxNewTokens) {
        TestServer.Stream stream = server.stream(server.token(client.id(), client.secret()), """
                {"model": "%s", "productName": "%s", "productId": "%s", "cloudAccountId": "%s",
                 "request": {"prompt": "Once upon a time", "params": {"max_new_tokens": %d}}}"""
                .formatted(MODEL_NAMES.get(product), product, PRODUCT_IDS.get(product), client.account(), maxNewTokens));
        assertThat(stream.response().statusCode()).as(stream.response().body()).isEqualTo(200);
    }

    /** Starts a generation of at most {@code maxNewTokens} on {@code product} from the playground. */
    private void generateInPlayground(String product, int maxNewTokens) {
        openPage("Playground");
        new Select(browser.labelled("Product")).selectByValue(product);
        browser.fill("Max new tokens", Integer.toString(maxNewTokens));
        browser.clickButton("Generate");
    }

    /** A client made on the Credentials page: its id and the secret the page showed once. */
    private TestServer.Client createClient(String name) {
        openPage("Credentials");
        browser.await(By.name("client-name")).sendKeys(name);
        browser.clickButton("Create client");
        String secret = browser.await(By.id("secret-value")).getDomProperty("value");
        return new TestServer.Client(TestServer.ACCOUNT, browser.await(By.id("secret-client-id")).getText(), secret);
    }

    /** The playground's "copy as" code for a short generation on the stories product, for {@code clientId}. */
    private String copiedCode(String format, String clientId) {
        openPage("Playground");
        new Select(browser.labelled("Product")).selectByValue(stories);
        browser.fill("Max new tokens", "12");
        new Select(browser.labelled("Format")).selectByValue(format);
        new Select(browser.labelled("API client")).selectByValue(clientId);
        return browser.await(By.cssSelector("pre.snippet")).getDomProperty("textContent");
    }

    /** Runs copied code as a person would paste it into a terminal; fails unless it exits 0 in two minutes. */
    private String runCopied(List<String> command, Map<String, String> env, String input) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("copied.out").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the code finishes").isTrue();
        String output = Files.readString(dir.resolve("copied.out"));
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private void openPage(String title) {
        browser.click(By.xpath("//nav//a[.='" + title + "']"));
        browser.await(By.xpath("//main//h1[.='" + title + "']"));
        browser.until(d -> d.findElements(By.xpath("//main/p[.='Loading…']")).isEmpty());
    }

    /** The requests of today's row for the stories product in the usage table (0 without one). */
    private int requestsToday() {
        browser.until(d -> !d.findElements(By.id("no-usage")).isEmpty() || !d.findElements(By.cssSelector("main table")).isEmpty());
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        return browser.driver().findElements(By.cssSelector("main table tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")))
                .filter(cells -> cells.get(0).getText().equals(today) && cells.get(1).getText().equals(stories))
                .mapToInt(cells -> Integer.parseInt(cells.get(2).getText().replace(",", "")))
                .sum();
    }

    /** A fetch from the console's own page, as its scripts make them: {status, body}. */
    private Object fetch(String method, String path, String jsonBody) {
        return ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const [method, path, body, done] = arguments;
                fetch(path, {method, body: body === null ? undefined : body,
                             headers: body === null ? {} : {'Content-Type': 'application/json'}})
                    .then(async r => done({status: r.status, body: await r.text()}));""", method, path, jsonBody);
    }

    /** Form controls that neither a label nor aria-label names. */
    @SuppressWarnings("unchecked")
    private List<String> unlabelledControls() {
        return (List<String>) ((JavascriptExecutor) browser.driver()).executeScript("""
                return [...document.querySelectorAll('input, select, textarea')]
                    .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                    .map(el => el.outerHTML);""");
    }

    private boolean overflowsSideways() {
        return (Boolean) ((JavascriptExecutor) browser.driver()).executeScript(
                "return document.documentElement.scrollWidth > window.innerWidth;");
    }
}
