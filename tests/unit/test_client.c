/* Unit tests of the pure parts of the Signals API client
 * (backends/api/client.c, deploy.c): JWT `exp` decoding, Retry-After
 * parsing, the backoff schedule, the snowplow.yml reader and the plan
 * diff. The HTTP paths are tested against a fake server in
 * tests/api/test_client.py. */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "api/client.h"
#include "api/deploy.h"
#include "signals/signals.h"
#include "unit.h"

/* ------------------------------------------------------------- JWT */

TEST(client_jwt_exp)
{
    int64_t exp = 0;
    /* {"alg":"HS256","typ":"JWT"} . {"sub":"o","exp":1700000000} . sig */
    CHECK(api_jwt_exp("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                      "eyJzdWIiOiJvIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln", &exp));
    CHECK_INT(exp, 1700000000);
    /* base64url with '-' / '_' and no padding: {"exp":1,"x":"??>"} */
    CHECK(api_jwt_exp("e30.eyJleHAiOjEsIngiOiI_Pz4ifQ.x", &exp));
    CHECK_INT(exp, 1);
    /* no exp, not a JWT, payload not JSON, exp not a number */
    CHECK(!api_jwt_exp("e30.e30.x", &exp));
    CHECK(!api_jwt_exp("not-a-jwt", &exp));
    CHECK(!api_jwt_exp("a.b", &exp));
    CHECK(!api_jwt_exp("e30.bm90IGpzb24.x", &exp));
    CHECK(!api_jwt_exp("e30.eyJleHAiOiJzb29uIn0.x", &exp));
    CHECK(!api_jwt_exp("e30.!!!.x", &exp));
    CHECK(!api_jwt_exp(NULL, &exp));
    /* {"exp":1e300}: no int64_t holds it (found by tests/fuzz/fuzz_client) */
    CHECK(!api_jwt_exp("e30.eyJleHAiOjFlMzAwfQ.x", &exp));
}

/* ------------------------------------------------------ Retry-After */

TEST(client_retry_after)
{
    long ms = -1;
    time_t now = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */
    CHECK(api_parse_retry_after("120", now, &ms));
    CHECK_INT(ms, 120000);
    CHECK(api_parse_retry_after(" 0 ", now, &ms));
    CHECK_INT(ms, 0);
    CHECK(api_parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now, &ms));
    CHECK_INT(ms, 30000);
    CHECK(api_parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now, &ms));
    CHECK_INT(ms, 60000);
    CHECK(api_parse_retry_after("Wed Oct 21 07:28:05 2015", now, &ms));
    CHECK_INT(ms, 5000);
    CHECK(api_parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now, &ms)); /* past */
    CHECK_INT(ms, 0);
    CHECK(api_parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 0, &ms));
    CHECK_INT(ms, 0);
    CHECK(api_parse_retry_after("Sat, 29 Feb 2020 00:00:01 GMT", 1582934400, &ms));
    CHECK_INT(ms, 1000);
    CHECK(!api_parse_retry_after("", now, &ms));
    CHECK(!api_parse_retry_after("soon", now, &ms));
    CHECK(!api_parse_retry_after("-5", now, &ms));
    CHECK(!api_parse_retry_after("1.5", now, &ms));
    CHECK(!api_parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", now, &ms));
    CHECK(!api_parse_retry_after("Wed, 21 Oct 2015 07:28:00 CET", now, &ms));
    CHECK(!api_parse_retry_after(NULL, now, &ms));
}

/* ---------------------------------------------------------- backoff */

TEST(client_backoff_schedule)
{
    /* r = 0.999..: the top of [d/2, d]; r = 0: the bottom */
    CHECK_INT(api_backoff_ms(0, 500, 30000, 0.0), 250);
    CHECK_INT(api_backoff_ms(0, 500, 30000, 0.9999999), 499);
    CHECK_INT(api_backoff_ms(1, 500, 30000, 0.0), 500);
    CHECK_INT(api_backoff_ms(2, 500, 30000, 0.0), 1000);
    CHECK_INT(api_backoff_ms(3, 500, 30000, 0.5), 3000);
    /* capped */
    CHECK_INT(api_backoff_ms(10, 500, 30000, 0.0), 15000);
    CHECK(api_backoff_ms(60, 500, 30000, 0.9999999) <= 30000);
    CHECK(api_backoff_ms(1000, 500, 30000, 0.5) >= 15000);
    /* monotone bounds for every attempt */
    for (int a = 0; a < 20; a++) {
        long lo = api_backoff_ms(a, 100, 5000, 0.0), hi = api_backoff_ms(a, 100, 5000, 0.9999999);
        CHECK(lo <= hi && hi <= 5000 && lo >= 50);
    }
    CHECK_INT(api_backoff_ms(3, 0, 30000, 0.5), 0);
    CHECK_INT(api_backoff_ms(2, 1, 30000, 0.0), 2);
}

/* ----------------------------------------------------- snowplow.yml */

static bool yml(sig_arena *a, const char *text, api_yml *y, char *err)
{
    return api_yml_parse(a, text, y, err, 256);
}

TEST(client_yml_reader)
{
    sig_arena *a = sig_arena_new();
    api_yml y;
    char err[256];
    CHECK(yml(a, "---\n# snowplow-cli\nconsole:\n  org-id: 5f3c-org   # the org\n"
                 "  api-key-id: 'k''id'\n  api-key: \"s3cr\\\"et\"\nother:\n  nested:\n    - x\n",
              &y, err));
    CHECK_STR(y.org_id, "5f3c-org");
    CHECK_STR(y.api_key_id, "k'id");
    CHECK_STR(y.api_key, "s3cr\"et");

    CHECK(yml(a, "console:\r\n    api-key: abc#def\r\n    host: x\r\n", &y, err));
    CHECK_STR(y.api_key, "abc#def");
    CHECK(y.org_id == NULL && y.api_key_id == NULL);

    CHECK(yml(a, "console:\n  org-id: ~\n  api-key-id:\n  api-key: null\n", &y, err));
    CHECK(y.org_id == NULL && y.api_key_id == NULL && y.api_key == NULL);
    CHECK(yml(a, "", &y, err));
    CHECK(yml(a, "\xEF\xBB\xBF" "console:\n  org-id: o\n", &y, err));
    CHECK_STR(y.org_id, "o");

    static const struct { const char *text, *msg; } bad[] = {
        {"console:\n\torg-id: x\n", "line 2: tabs"},
        {"console:\n  org-id: [a]\n", "line 2: `[a]` is not understood"},
        {"console:\n  org-id: |\n    x\n", "line 2: `|` is not understood"},
        {"console:\n  org-id: &a x\n", "line 2: `&a x`"},
        {"console:\n  org-id: \"x\n", "line 2: unterminated double-quoted"},
        {"console:\n  org-id: 'x\n", "line 2: unterminated single-quoted"},
        {"console:\n  org-id: x\n  org-id: y\n", "line 3: `console.org-id` appears twice"},
        {"console:\n  org-id: x\nconsole:\n", "line 3: `console` appears twice"},
        {"console:\n  org-id:\n    deep: x\n", "line 3: unexpected indentation"},
        {"console:\n  org-id: x\n   api-key: y\n", "line 3: unexpected indentation"},
        {"console: {org-id: x}\n", "line 1: `console:` must be followed"},
        {"  org-id: x\n", "line 1: indented line outside"},
        {"- a\n", "line 1: expected `key:`"},
        {"console:\n  - org-id\n", "line 2: expected `key: value`"},
        {"console:\n  org-id: a: b\n", "line 2: a value may not contain"},
        {"console:\n  org-id: \"\\q\"\n", "line 2: escape `\\q`"},
        {"console:\n  org-id: \"x\" y\n", "line 2: unexpected text"},
        {"just text\n", "line 1: expected `key:`"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        bool ok = yml(a, bad[i].text, &y, err);
        if (ok || !strstr(err, bad[i].msg))
            unit_fail(__FILE__, __LINE__, "case %zu: ok=%d err='%s', want '%s'", i, ok, err, bad[i].msg);
    }
    sig_arena_free(a);
}

/* ------------------------------------------------------------ diff */

static size_t diff(sig_arena *a, const char *old, const char *neu, api_change **ch)
{
    cJSON *o = cJSON_Parse(old), *n = cJSON_Parse(neu);
    size_t count = 0;
    *ch = NULL;
    api_diff(a, o, n, ch, &count);
    cJSON_Delete(o);
    cJSON_Delete(n);
    return count;
}

TEST(client_diff)
{
    sig_arena *a = sig_arena_new();
    api_change *ch;
    /* identical, numbers by value, null == absent, computed keys ignored */
    CHECK_INT(diff(a, "{\"a\":1,\"b\":[1,2],\"c\":null,\"feast_name\":\"g_v1\",\"full_name\":\"x\"}",
                   "{\"a\":1.0,\"b\":[1,2],\"d\":null}", &ch), 0);
    CHECK_INT(diff(a, "{\"a\":{\"x\":1,\"batch_source\":{\"n\":1}}}", "{\"a\":{\"x\":1}}", &ch), 0);
    /* a changed scalar, an added and a removed key */
    CHECK_INT(diff(a, "{\"ttl\":\"P30D\",\"description\":\"old\",\"is_published\":true}",
                   "{\"ttl\":\"P14D\",\"owner\":\"o@x\",\"is_published\":true}", &ch), 3);
    CHECK_STR(ch[0].path, "/ttl");
    CHECK_STR(ch[0].old_json, "\"P30D\"");
    CHECK_STR(ch[0].new_json, "\"P14D\"");
    CHECK_STR(ch[1].path, "/owner");
    CHECK(ch[1].old_json == NULL);
    CHECK_STR(ch[1].new_json, "\"o@x\"");
    CHECK_STR(ch[2].path, "/description");
    CHECK_STR(ch[2].old_json, "\"old\"");
    CHECK(ch[2].new_json == NULL);
    /* arrays element by element, nested pointers, escaping of ~ and / */
    CHECK_INT(diff(a, "{\"attributes\":[{\"name\":\"a\",\"period\":\"P1D\"},{\"name\":\"b\"}]}",
                   "{\"attributes\":[{\"name\":\"a\",\"period\":\"P2D\"}]}", &ch), 2);
    CHECK_STR(ch[0].path, "/attributes/0/period");
    CHECK_STR(ch[1].path, "/attributes/1");
    CHECK_STR(ch[1].old_json, "{\"name\":\"b\"}");
    CHECK(ch[1].new_json == NULL);
    CHECK_INT(diff(a, "{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}", &ch), 1);
    CHECK_STR(ch[0].path, "/a~1b/c~0d");
    /* type changes and the whole document */
    CHECK_INT(diff(a, "{\"v\":\"1\"}", "{\"v\":1}", &ch), 1);
    CHECK_INT(diff(a, "{\"v\":[1]}", "{\"v\":{\"x\":1}}", &ch), 1);
    CHECK_STR(ch[0].old_json, "[1]");
    CHECK_INT(diff(a, "[1]", "{}", &ch), 1);
    CHECK_STR(ch[0].path, "/");
    /* a desired key the deployed object lacks is a change even if computed-looking */
    CHECK_INT(diff(a, "{}", "{\"batch_source\":{\"name\":\"s\"}}", &ch), 1);
    sig_arena_free(a);
}

/* ------------------------------------------------------------ config */

TEST(client_config_flags_and_defaults)
{
    sig_ctx *ctx = sig_ctx_new();
    api_config flags = {.api_url = "https://signals.example.com//", .auth_mode = "sandbox",
                        .sandbox_token = "tok", .console_url = "http://127.0.0.1:9/",
                        .connect_timeout = -1, .timeout = -1, .retries = -1, .retry_base_ms = -1,
                        .retry_max_ms = -1};
    api_config out;
    CHECK(api_config_resolve(ctx, &flags, true, &out));
    CHECK_STR(out.api_url, "https://signals.example.com");
    CHECK_STR(out.console_url, "http://127.0.0.1:9");
    CHECK(out.connect_timeout == 10 && out.timeout == 30);
    CHECK_INT(out.retries, 3);
    CHECK_INT(out.retry_base_ms, 500);
    CHECK_INT(out.retry_max_ms, 30000);
    CHECK_INT((long)sig_error_count(ctx), 0);
    flags.auth_mode = "kerberos";
    CHECK(!api_config_resolve(ctx, &flags, true, &out));
    CHECK_STR(sig_diags_first(ctx)->code, "E0940");
    sig_ctx_free(ctx);
}
