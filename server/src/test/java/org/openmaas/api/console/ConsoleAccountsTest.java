package org.openmaas.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.testing.ConsoleBrowser.API;
import static org.openmaas.testing.ConsoleBrowser.expect;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ConsoleBrowser;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * What members, owners and operators may do in the console, and that what they do there works on the API: a client
 * made in the console gets tokens until it is revoked, a key works until revoked, the playground's token streams and
 * the generation shows in the account's usage.
 */
class ConsoleAccountsTest {

    static final String PRODUCT = TestServer.SCRIPTED_PRODUCT;

    @AutoClose
    static final TestServer server = TestServer.scripted(ScriptedEngine.builder().build());
    static ConsoleBrowser operator;

    @BeforeAll
    static void signIn() {
        operator = ConsoleBrowser.operator(server);
    }

    /** A new cloud account, made by the operator. */
    static String newAccount() {
        return TestServer.json(expect(201, operator.post(API + "/operator/accounts",
                "{\"name\": \"team-" + UUID.randomUUID() + "\"}")).body()).get("id").asText();
    }

    static String account(String id) {
        return API + "/accounts/" + id;
    }

    @Test
    void aMemberSeesOnlyTheirAccountsAndAnotherAccountIsNotFoundAsOneThatDoesNotExist() {
        String mine = newAccount();
        String theirs = newAccount();
        ConsoleBrowser member = operator.newUser(false, mine, "member");

        JsonNode accounts = member.me().get("accounts");
        HttpResponse<String> other = member.get(account(theirs) + "/models");
        HttpResponse<String> none = member.get(account("999999999999") + "/models");

        assertThat(accounts).hasSize(1);
        assertThat(accounts.get(0).get("id").asText()).isEqualTo(mine);
        assertThat(accounts.get(0).get("role").asText()).isEqualTo("member");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(other.body()).at("/error/message").asText().replace(theirs, "X"))
                .isEqualTo(TestServer.json(none.body()).at("/error/message").asText().replace("999999999999", "X"));
        for (String path : List.of("/clients", "/api-keys", "/usage", "/members")) {
            assertThat(member.get(account(theirs) + path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(member.post(account(theirs) + "/clients", "{\"name\": \"sneaky\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void anOwnerManagesTheAccountsMembersAndAMemberMayNot() {
        String id = newAccount();
        ConsoleBrowser owner = operator.newUser(false, id, "owner");
        ConsoleBrowser member = operator.newUser(false, id, "member");

        HttpResponse<String> refused = member.post(account(id) + "/members",
                "{\"email\": \"friend@example.com\", \"role\": \"member\"}");
        HttpResponse<String> added = owner.post(account(id) + "/members",
                "{\"email\": \"colleague-" + UUID.randomUUID() + "@example.com\", \"role\": \"member\"}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode colleague = TestServer.json(added.body());
        ConsoleBrowser invited = new ConsoleBrowser(server);
        expect(200, invited.accept(colleague.get("invite_url").asText(), ConsoleBrowser.PASSWORD));
        assertThat(invited.me().at("/accounts/0/id").asText()).isEqualTo(id);
        assertThat(member.get(account(id) + "/members").body()).contains(colleague.get("email").asText());

        assertThat(member.delete(account(id) + "/members/" + colleague.get("user_id").asText()).statusCode())
                .isEqualTo(403);
        assertThat(owner.delete(account(id) + "/members/" + colleague.get("user_id").asText()).statusCode())
                .isEqualTo(204);
        assertThat(invited.get(account(id) + "/models").statusCode()).isEqualTo(404);
    }

    @Test
    void addingSomeoneWhoHasAPasswordGivesThemTheAccountWithoutALink() {
        String first = newAccount();
        String second = newAccount();
        ConsoleBrowser user = operator.newUser(false, first, "member");
        String email = user.me().at("/user/email").asText();

        JsonNode added = TestServer.json(expect(201, operator.post(account(second) + "/members",
                "{\"email\": \"" + email + "\", \"role\": \"owner\"}")).body());

        assertThat(added.has("invite_url")).isFalse();
        assertThat(added.get("role").asText()).isEqualTo("owner");
        assertThat(user.me().get("accounts")).hasSize(2);
    }

    @Test
    void theLastOwnerOfAnAccountStays() {
        String id = newAccount();
        ConsoleBrowser owner = operator.newUser(false, id, "owner");

        HttpResponse<String> refused = owner.delete(account(id) + "/members/" + owner.me().at("/user/id").asText());

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(TestServer.json(refused.body()).at("/error/message").asText()).contains("last owner");
    }

    @Test
    void theOperatorsRoutesAre403ForEveryoneElse() {
        String id = newAccount();
        ConsoleBrowser owner = operator.newUser(false, id, "owner");
        List<String> paths = List.of("/operator/accounts", "/operator/users", "/operator/products",
                "/operator/metrics", "/operator/accounts/" + id + "/entitlements", "/operator/no-such-route");

        for (String path : paths) {
            HttpResponse<String> refused = owner.get(API + path);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(TestServer.json(refused.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        }
        assertThat(owner.post(API + "/operator/users", "{\"email\": \"x@example.com\", \"operator\": true}")
                .statusCode()).isEqualTo(403);
        for (String path : paths.subList(0, 5)) {
            assertThat(operator.get(API + path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void anOperatorSeesEveryAccountAndItsProductsHealth() {
        String id = newAccount();

        JsonNode me = operator.me();
        JsonNode products = TestServer.json(expect(200, operator.get(API + "/operator/products")).body());

        assertThat(me.get("accounts").toString()).contains(id, TestServer.ACCOUNT);
        assertThat(products.at("/products/0/product_name").asText()).isEqualTo(PRODUCT);
        assertThat(products.at("/products/0/ready").asBoolean()).isTrue();
        assertThat(products.at("/products/0/engine").asText()).isEqualTo("embedded");
        assertThat(expect(200, operator.get(account(id) + "/models")).body()).contains(PRODUCT);
    }

    @Test
    void theModelsAreTheCatalogsProductsWithWhatEachSupports() {
        String id = newAccount();
        ConsoleBrowser member = operator.newUser(false, id, "member");

        JsonNode model = TestServer.json(expect(200, member.get(account(id) + "/models")).body()).at("/models/0");

        assertThat(model.get("product_name").asText()).isEqualTo(PRODUCT);
        assertThat(model.get("model_name").asText()).isEqualTo("scripted/" + PRODUCT);
        assertThat(model.get("product_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(model.get("context_length").asInt()).isEqualTo(4096);
        assertThat(model.get("engine").asText()).isEqualTo("embedded");
        assertThat(model.get("chat").asBoolean()).isTrue();
        assertThat(model.get("openai").asBoolean()).isTrue();
    }

    @Test
    void theModelsAreOnlyThoseTheAccountIsEntitledTo() {
        String id = newAccount();
        ConsoleBrowser member = operator.newUser(false, id, "member");

        expect(200, operator.put(API + "/operator/accounts/" + id + "/entitlements", "{\"products\": []}"));

        assertThat(TestServer.json(member.get(account(id) + "/models").body()).get("models")).isEmpty();
        assertThat(TestServer.json(operator.get(API + "/operator/accounts/" + id + "/entitlements").body())
                .get("all_products").asBoolean()).isFalse();
    }

    @Test
    void aClientMadeInTheConsoleGetsTokensUntilItIsRevoked() {
        String id = newAccount();
        ConsoleBrowser member = operator.newUser(false, id, "member");

        JsonNode made = TestServer.json(expect(201, member.post(account(id) + "/clients", "{\"name\": \"ci\"}")).body());
        String clientId = made.get("client_id").asText();
        String secret = made.get("client_secret").asText();
        HttpResponse<String> before = server.tokenRequest("grant_type=client_credentials", TestServer.basic(clientId, secret));
        expect(204, member.delete(account(id) + "/clients/" + clientId));
        HttpResponse<String> after = server.tokenRequest("grant_type=client_credentials", TestServer.basic(clientId, secret));

        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(after.statusCode()).isEqualTo(401);
        JsonNode listed = TestServer.json(member.get(account(id) + "/clients").body()).get("clients");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get(0).has("client_secret")).isFalse();
    }

    @Test
    void aRotatedSecretWorks() {
        String id = newAccount();
        String clientId = TestServer.json(expect(201, operator.post(account(id) + "/clients", "{\"name\": \"app\"}"))
                .body()).get("client_id").asText();

        JsonNode rotated = TestServer.json(expect(200, operator.post(account(id) + "/clients/" + clientId + "/rotate",
                null)).body());

        assertThat(rotated.get("previous_secret_expires_at").asText()).isNotBlank();
        assertThat(server.token(clientId, rotated.get("client_secret").asText())).isNotBlank();
    }

    @Test
    void anApiKeyMadeInTheConsoleWorksUntilItIsRevoked() {
        String id = newAccount();
        ConsoleBrowser member = operator.newUser(false, id, "member");

        JsonNode made = TestServer.json(expect(201, member.post(account(id) + "/api-keys", "{\"name\": \"editor\"}"))
                .body());
        String key = made.get("key").asText();
        int before = server.get("/v1/models", key).statusCode();
        expect(204, member.delete(account(id) + "/api-keys/" + made.get("id").asText()));
        int after = server.get("/v1/models", key).statusCode();

        assertThat(key).startsWith("sk-");
        assertThat(before).isEqualTo(200);
        assertThat(after).isEqualTo(401);
        JsonNode listed = TestServer.json(member.get(account(id) + "/api-keys").body()).get("api_keys");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get(0).has("key")).isFalse();
        assertThat(TestServer.json(member.get(account(id) + "/clients").body()).get("clients"))
                .as("the console's own client is not listed").isEmpty();
    }

    @Test
    void thePlaygroundsTokenStreamsAndTheGenerationShowsInTheUsage() {
        String id = newAccount();
        ConsoleBrowser member = operator.newUser(false, id, "member");
        JsonNode token = TestServer.json(expect(200, member.post(account(id) + "/playground-token", null)).body());
        JsonNode product = TestServer.json(member.get(account(id) + "/models").body()).at("/models/0");
        String body = """
                {"model": "%s", "cloudAccountId": "%s", "productName": "%s", "productId": "%s",
                 "request": {"prompt": "Once upon a time", "params": {"max_new_tokens": 3}}}"""
                .formatted(product.get("model_name").asText(), id, PRODUCT, product.get("product_id").asText());

        TestServer.Stream stream = server.stream(token.get("access_token").asText(), body);
        HttpResponse<String> chat = server.post("/v1/chat/completions", token.get("access_token").asText(),
                "{\"model\": \"" + PRODUCT + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                        + "\"max_tokens\": 2}");
        JsonNode usage = TestServer.json(expect(200, member.get(account(id) + "/usage")).body());
        HttpResponse<String> csv = expect(200, member.get(account(id) + "/usage.csv"));

        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asInt()).isEqualTo(600);
        assertThat(stream.response().statusCode()).isEqualTo(200);
        assertThat(stream.last().at("/details/generated_tokens").asInt()).isEqualTo(3);
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(usage.get("days")).hasSize(1);
        assertThat(usage.at("/days/0/product_name").asText()).isEqualTo(PRODUCT);
        assertThat(usage.at("/days/0/requests").asInt()).isEqualTo(2);
        assertThat(usage.at("/days/0/generated_tokens").asInt()).isEqualTo(5);
        assertThat(usage.at("/quota/used_this_month").asInt()).isEqualTo(5);
        assertThat(usage.at("/quota/monthly_tokens").isNull()).isTrue();
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.body().lines().toList()).containsExactly(
                "day,product_name,requests,prompt_tokens,generated_tokens",
                usage.at("/days/0/day").asText() + "," + PRODUCT + ",2," + usage.at("/days/0/prompt_tokens").asInt() + ",5");
    }

    @Test
    void usageOutsideItsDaysIsEmptyAndABadDayIsNamed() {
        String id = newAccount();

        JsonNode old = TestServer.json(expect(200, operator.get(account(id) + "/usage?from=2020-01-01&to=2020-01-31"))
                .body());
        HttpResponse<String> bad = operator.get(account(id) + "/usage?from=yesterday");

        assertThat(old.get("days")).isEmpty();
        assertThat(old.get("from").asText()).isEqualTo("2020-01-01");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(bad.body()).at("/error/message").asText())
                .isEqualTo("from must be a day as YYYY-MM-DD, got 'yesterday'");
    }

    @Test
    void theOperatorSetsAnAccountsQuotaAndTheUsagePageShowsIt() {
        String id = newAccount();

        JsonNode set = TestServer.json(expect(200, operator.put(API + "/operator/accounts/" + id + "/limits",
                "{\"monthly_tokens\": 5000}")).body());

        assertThat(set.get("monthly_tokens").asLong()).isEqualTo(5000);
        assertThat(TestServer.json(operator.get(account(id) + "/usage").body()).at("/quota/monthly_tokens").asLong())
                .isEqualTo(5000);
    }

    @Test
    void theMetricsSummaryCountsWhatThisInstanceServed() {
        List<Long> requests = new ArrayList<>();
        requests.add(TestServer.json(operator.get(API + "/operator/metrics").body()).get("requests_total").asLong());
        server.post("/v1/maas/generate", server.token(), server.body("Once", "{\"max_new_tokens\": 2}"));
        requests.add(TestServer.json(operator.get(API + "/operator/metrics").body()).get("requests_total").asLong());

        assertThat(requests.get(1) - requests.get(0)).isEqualTo(1);
    }
}
