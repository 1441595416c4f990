/* Unit tests of the pure parts of the Signals API client
 * (backends/client/): JWT `exp` decoding, the token and
 * error answers, Retry-After, the backoff schedule, the snowplow.yml
 * reader, URL checks and redaction, the plan diff and the typed requests
 * deploy loads. The HTTP paths are tested against a fake server in
 * tests/api/test_client.py. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "signals/client.h"
#include "client/client_parse.h"
#include "signals/deploy.h"
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
    /* exp outside int64_t is no exp (a double-to-int64 conversion of it is
     * undefined behaviour): {"exp":1e300}, {"exp":-1e300},
     * {"exp":9223372036854775808}; the largest in range is kept */
    CHECK(!api_jwt_exp("e30.eyJleHAiOjFlMzAwfQ.x", &exp));
    CHECK(!api_jwt_exp("e30.eyJleHAiOi0xZTMwMH0.x", &exp));
    CHECK(!api_jwt_exp("e30.eyJleHAiOjkyMjMzNzIwMzY4NTQ3NzU4MDh9.x", &exp));
    CHECK(api_jwt_exp("e30.eyJleHAiOjkyMjMzNzIwMzY4NTQ3NzQ3ODR9.x", &exp)); /* 2^63 - 1024 */
    CHECK_INT(exp, 9223372036854774784LL);
    CHECK(api_jwt_exp("e30.eyJleHAiOi0xLjV9.x", &exp)); /* -1.5 */
    CHECK_INT(exp, -1);
}

/* ----------------------------------------------- server answers */

TEST(client_token_answer)
{
    bool json;
    char *t = api_token_answer("{\"accessToken\":\"a.b.c\"}", 23, &json);
    CHECK_STR(t, "a.b.c");
    CHECK(json);
    free(t);
    CHECK(api_token_answer("{\"accessToken\":\"\"}", 18, &json) == NULL && json);
    CHECK(api_token_answer("{\"accessToken\":5}", 17, &json) == NULL && json);
    CHECK(api_token_answer("{\"accessToken\":\"a\\r\\nX-Evil: 1\"}", 35, &json) == NULL && json);
    CHECK(api_token_answer("[1]", 3, &json) == NULL && json);
    CHECK(api_token_answer("<html>", 6, &json) == NULL && !json);
    CHECK(api_token_answer(NULL, 0, &json) == NULL && !json);
    /* the length bounds the parse: no read past it */
    t = api_token_answer("{\"accessToken\":\"a\"}garbage", 19, &json);
    CHECK_STR(t, "a");
    free(t);
}

static void check_message(const char *body, const char *want)
{
    char *m = api_error_message(body, body ? strlen(body) : 0);
    if (!m || strcmp(m, want) != 0)
        unit_fail(__FILE__, __LINE__, "api_error_message(%s) = '%s', want '%s'", body ? body : "NULL",
                  m ? m : "(null)", want);
    free(m);
}

TEST(client_error_message)
{
    check_message("{\"detail\":\"no\\nway\"}", "no way");
    check_message("{\"detail\":[{\"loc\":[\"body\",\"a\",0],\"msg\":\"bad\"},{\"x\":1}]}",
                  "body.a.0: bad; {\"x\":1}");
    check_message("{\"detail\":[{\"loc\":[1e300],\"msg\":\"m\"}]}", "1e+300: m");
    check_message("{\"message\":\"invalid API key\"}", "invalid API key");
    check_message("{\"detail\":{\"a\":1}}", "{\"a\":1}");
    check_message("plain text", "plain text");
    check_message("{\"detail\":\"red \\u001b[31mX\\u0007\\r\\t\"}", "red  [31mX   ");
    check_message("", "(no message)");
    check_message(NULL, "(no message)");
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *m = api_error_message(big, strlen(big));
    CHECK(m && strlen(m) == 303 && strcmp(m + 300, "...") == 0);
    free(m);
    /* a NUL inside the body ends the text shown */
    m = api_error_message("ab\0cd", 5);
    CHECK_STR(m, "ab");
    free(m);
}

/* ------------------------------------------------------ Retry-After */

TEST(client_retry_after)
{
    bool capped = true;
    CHECK_INT(api_retry_after_ms(120, 300000, &capped), 120000);
    CHECK(!capped);
    CHECK_INT(api_retry_after_ms(0, 30000, &capped), 0);
    CHECK(!capped);
    CHECK_INT(api_retry_after_ms(-3600, 30000, &capped), 0); /* a date in the past */
    CHECK(!capped);
    CHECK_INT(api_retry_after_ms(30, 30000, &capped), 30000);
    CHECK(!capped);
    CHECK_INT(api_retry_after_ms(31, 30000, &capped), 30000);
    CHECK(capped);
    CHECK_INT(api_retry_after_ms(1, 50, &capped), 50);
    CHECK(capped);
    /* no overflow for any value the server may send */
    CHECK_INT(api_retry_after_ms(INT64_MAX, 30000, &capped), 30000);
    CHECK(capped);
    CHECK_INT(api_retry_after_ms(INT64_MIN, 30000, &capped), 0);
    CHECK_INT(api_retry_after_ms(5, -1, &capped), 0);
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
    return api_yml_parse(a, text, strlen(text), y, err, 256);
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
    CHECK(yml(a, "console:\n  org-id: 'null'\n", &y, err));
    CHECK_STR(y.org_id, "null");
    CHECK(yml(a, "", &y, err));
    CHECK(yml(a, "# only a comment\n", &y, err));
    CHECK(yml(a, "console:\n", &y, err));
    CHECK(yml(a, "\xEF\xBB\xBF" "console:\n  org-id: o\n", &y, err));
    CHECK_STR(y.org_id, "o");
    /* YAML the hand-written subset refused: flow style, anchors and
     * aliases, tags, block scalars without their final line break, numbers */
    CHECK(yml(a, "console: {org-id: x, api-key: \"k\"}\n", &y, err));
    CHECK_STR(y.org_id, "x");
    CHECK_STR(y.api_key, "k");
    CHECK(yml(a, "defaults: &d\n  org-id: shared\n  api-key: k2\nconsole: *d\n", &y, err));
    CHECK_STR(y.org_id, "shared");
    CHECK_STR(y.api_key, "k2");
    CHECK(yml(a, "console:\n  org-id: &o 42\n  api-key-id: *o\n  api-key: !!str |-\n    long key\n", &y, err));
    CHECK_STR(y.org_id, "42");
    CHECK_STR(y.api_key_id, "42");
    CHECK_STR(y.api_key, "long key");
    CHECK(yml(a, "console:\n  api-key: \"tab\\there\"\n", &y, err) == false); /* control character */
    CHECK(yml(a, "console:\n\n  # c\n  api-key:    spaced   \n", &y, err));
    CHECK_STR(y.api_key, "spaced");

    static const struct { const char *text, *msg; } bad[] = {
        {"console:\n\torg-id: x\n", "2:1: not valid YAML"},
        {"console:\n\torg-id: x\n", "tabs may not indent"},
        {"console:\n  org-id: [a]\n", "2:11: `console.org-id` must be a single value, not a list"},
        {"console:\n  org-id:\n    deep: x\n", "3:5: `console.org-id` must be a single value, not a mapping"},
        {"console:\n  org-id: \"x\n", "not valid YAML"},
        {"console:\n  org-id: 'x\n", "not valid YAML"},
        {"console:\n  org-id: x\n  org-id: y\n", "3:3: `console.org-id` appears twice"},
        {"console:\n  org-id: x\nconsole:\n", "3:1: `console` appears twice"},
        {"console:\n  org-id: x\n   api-key: y\n", "3:11: not valid YAML"},
        {"console: x\n", "1:10: `console` must be a mapping"},
        {"console: [a]\n", "`console` must be a mapping (org-id, api-key-id, api-key), not a list"},
        {"  org-id: x\n  x\n", "not valid YAML"},
        {"- a\n", "1:1: expected `key:` lines"},
        {"just text\n", "1:1: expected `key:` lines"},
        {"console:\n  - org-id\n", "2:3: `console` must be a mapping"},
        {"console:\n  org-id: a: b\n", "2:12: not valid YAML: mapping values are not allowed"},
        {"console:\n  org-id: \"\\q\"\n", "not valid YAML: found unknown escape character"},
        {"console:\n  org-id: \"x\" y\n", "not valid YAML"},
        {"console:\n  org-id: *nope\n", "2:11: not valid YAML"},
        {"console:\n  org-id: !!int 5\n", "`console.org-id` has a tag other than !!str"},
        {"console:\n  api-key: |\n    k\n", "2:12: `console.api-key` holds a line break"},
        {"console:\n  api-key: \"a\\nb\"\n", "`console.api-key` holds a line break"},
        {"console:\n  api-key: \"a\\0b\"\n", "`console.api-key` holds a line break"},
        {"console:\n  <<: {org-id: x}\n", "2:3: merge keys"},
        {"console:\n  ? [a]\n  : x\n", "2:5: a key under `console` must be a single value"},
        {"console:\n  org-id: x\n---\nconsole: {}\n", "4:1: a second YAML document"},
        {"console:\n  org-id: x\n---\n[\n", "not valid YAML"},
        {"console:\n  org-id: \xff\n", "2:11: not valid YAML: invalid leading UTF-8 octet"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        bool ok = yml(a, bad[i].text, &y, err);
        if (ok || !strstr(err, bad[i].msg))
            unit_fail(__FILE__, __LINE__, "case %zu: ok=%d err='%s', want '%s'", i, ok, err, bad[i].msg);
        if (!ok && (y.org_id || y.api_key || y.api_key_id))
            unit_fail(__FILE__, __LINE__, "case %zu: values kept after an error", i);
    }
    /* deep nesting is refused early: libyaml's scanner is quadratic in it
     * (this took minutes before the depth pass) */
    {
        size_t n = 400000;
        char *deep = malloc(2 * n + 16);
        memcpy(deep, "console: ", 9);
        memset(deep + 9, '[', n);
        memset(deep + 9 + n, ']', n);
        CHECK(!api_yml_parse(a, deep, 9 + 2 * n, &y, err, sizeof err));
        CHECK(strstr(err, "nested more than 64 levels deep") != NULL);
        /* block mappings, one more space of indentation per level */
        size_t k = 0;
        for (size_t i = 0; i < 2000; i++) {
            memset(deep + k, ' ', i);
            memcpy(deep + k + i, "a:\n", 3);
            k += i + 3;
            if (k > n) break;
        }
        CHECK(!api_yml_parse(a, deep, k, &y, err, sizeof err));
        CHECK(strstr(err, "nested more than 64 levels deep") != NULL);
        free(deep);
    }
    /* 64 levels are fine */
    {
        char ok64[200] = "x: ";
        memset(ok64 + 3, '[', 63);
        memset(ok64 + 66, ']', 63);
        CHECK(api_yml_parse(a, ok64, strlen(ok64), &y, err, sizeof err));
    }
    /* a NUL byte in the text: libyaml refuses it (the length is what counts) */
    CHECK(!api_yml_parse(a, "console:\n  api-key: a\0b\n", 23, &y, err, sizeof err));
    CHECK(strstr(err, "2:") == err);
    /* the message never quotes the file, whatever the error */
    static const char *const leaky[] = {
        "console:\n  api-key: [TOPSECRET]\n", "console:\n  api-key: &a TOPSECRET\n  api-key: *a\n",
        "console:\n  api-key: \"TOPSECRET\n", "console:\n  api-key: TOP: SECRET\n",
        "console:\n  api-key: |\n    TOPSECRET\n", "console:\n  api-key: !!binary TOPSECRET\n",
        "console:\n\tapi-key: TOPSECRET\n", "console:\n  api-key: TOPSECRET\n \tx: y\n",
        "console:\n  api-key: \"TOP\\qSECRET\"\n", "TOPSECRET\n", "- TOPSECRET\n",
    };
    for (size_t i = 0; i < sizeof leaky / sizeof leaky[0]; i++) {
        err[0] = '\0';
        bool ok = yml(a, leaky[i], &y, err);
        if (ok || !err[0] || strstr(err, "TOP") || strstr(err, "SECRET"))
            unit_fail(__FILE__, __LINE__, "leak case %zu: ok=%d err='%s'", i, ok, err);
    }
    /* a message longer than the buffer is cut, never overflowed */
    char small[8];
    CHECK(!api_yml_parse(a, "- a\n", 4, &y, small, sizeof small));
    CHECK(strlen(small) < sizeof small);
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

/* ------------------------------------------------- URLs and secrets */

TEST(client_loopback_hosts)
{
    CHECK(api_host_is_loopback("127.0.0.1"));
    CHECK(api_host_is_loopback("127.255.3.4"));
    CHECK(api_host_is_loopback("localhost"));
    CHECK(api_host_is_loopback("LocalHost."));
    CHECK(api_host_is_loopback("[::1]"));
    CHECK(api_host_is_loopback("[0:0:0:0:0:0:0:1]"));
    CHECK(!api_host_is_loopback("128.0.0.1"));
    CHECK(!api_host_is_loopback("10.0.0.1"));
    CHECK(!api_host_is_loopback("::1"));        /* libcurl keeps the brackets */
    CHECK(!api_host_is_loopback("[::2]"));
    CHECK(!api_host_is_loopback("[::ffff:8.8.8.8]"));
    CHECK(!api_host_is_loopback("localhost.example.com"));
    CHECK(!api_host_is_loopback("127.0.0.1.nip.io"));
    CHECK(!api_host_is_loopback(""));
    CHECK(!api_host_is_loopback(NULL));
}

static void check_redact(const char *in, const char *want)
{
    char *r = api_redact_urls(in);
    if (!r || strcmp(r, want) != 0)
        unit_fail(__FILE__, __LINE__, "api_redact_urls('%s') = '%s', want '%s'", in, r ? r : "(null)", want);
    free(r);
}

TEST(client_redact_urls)
{
    check_redact("https://u:pw@h.example/api", "https://u:[redacted]@h.example/api");
    check_redact("GET http://u:p@ss@h:8080/x failed; see https://a:b@c",
                 "GET http://u:[redacted]@h:8080/x failed; see https://a:[redacted]@c");
    check_redact("https://user@h/x", "https://user@h/x");
    check_redact("https://h/p?x=a:b@c", "https://h/p?x=a:b@c");
    check_redact("`https://u:s3@h`", "`https://u:[redacted]@h`");
    check_redact("no url here: a:b@c", "no url here: a:b@c");
    check_redact("://:x@", "://:[redacted]@");
    check_redact("", "");
    check_redact(NULL, "");
}

static const char *first_code(sig_ctx *ctx)
{
    const sig_diag *d = sig_diags_first(ctx);
    return d ? d->code : "(none)";
}

/* The message of every diagnostic, joined, for leak checks. */
static void check_no_leak(sig_ctx *ctx, const char *secret, const char *secret2)
{
    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    sig_diags_render(ctx, f, SIG_DIAG_TEXT, false);
    fclose(f);
    if (!buf[0]) unit_fail(__FILE__, __LINE__, "no diagnostic");
    if (strstr(buf, secret) || (secret2 && strstr(buf, secret2)))
        unit_fail(__FILE__, __LINE__, "'%s' printed: %s", secret, buf);
}

TEST(client_config_http_and_secrets)
{
    api_config base = {.auth_mode = "sandbox", .sandbox_token = "tok", .connect_timeout = -1,
                       .timeout = -1, .retries = -1, .retry_base_ms = -1, .retry_max_ms = -1};
    api_config out, f;
    static const char *const loop[] = {"http://127.0.0.1:8080", "http://localhost/", "http://[::1]:9/x",
                                       "http://127.8.9.1", "HTTP://LOCALHOST:1", "https://signals.example.com"};
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
        sig_ctx *ctx = sig_ctx_new();
        f = base;
        f.api_url = loop[i];
        if (!api_config_resolve(ctx, &f, true, &out))
            unit_fail(__FILE__, __LINE__, "%s refused: %s", loop[i], first_code(ctx));
        sig_ctx_free(ctx);
    }
    /* http to another host: E0952, unless allowed; the host libcurl would
     * contact is the one checked (userinfo, not the host, says 127.0.0.1) */
    static const char *const remote[] = {"http://signals.example.com", "http://127.0.0.1@evil.example/",
                                         "http://10.0.0.1:8080", "http://[::2]/", "http://localhost.evil.example"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        sig_ctx *ctx = sig_ctx_new();
        f = base;
        f.api_url = remote[i];
        if (api_config_resolve(ctx, &f, true, &out) || strcmp(first_code(ctx), "E0952") != 0)
            unit_fail(__FILE__, __LINE__, "%s not refused with E0952: %s", remote[i], first_code(ctx));
        sig_ctx_free(ctx);
        ctx = sig_ctx_new();
        f.allow_insecure_http = true;
        if (!api_config_resolve(ctx, &f, true, &out))
            unit_fail(__FILE__, __LINE__, "%s refused with --allow-insecure-http", remote[i]);
        sig_ctx_free(ctx);
    }
    /* the console URL, in bdp mode only */
    sig_ctx *ctx = sig_ctx_new();
    f = base;
    f.api_url = "https://signals.example.com";
    f.console_url = "http://console.example.com";
    CHECK(api_config_resolve(ctx, &f, true, &out)); /* sandbox: the console is not used */
    f.auth_mode = "bdp";
    f.api_key = "k-SECRET";
    f.api_key_id = "id";
    f.org_id = "org";
    CHECK(!api_config_resolve(ctx, &f, true, &out));
    CHECK_STR(first_code(ctx), "E0952");
    sig_ctx_free(ctx);
    /* a password in the URL is never shown, the URL well-formed or not */
    static const char *const pw[] = {"http://user:hunter2XY@signals.example.com", "ftp://user:hunter2XY@h",
                                     "user:hunter2XY@h", "https://user:hunter2XY@h/x y",
                                     "http://user:hunt/er2XY@signals.example.com"};
    for (size_t i = 0; i < sizeof pw / sizeof pw[0]; i++) {
        ctx = sig_ctx_new();
        f = base;
        f.api_url = pw[i];
        CHECK(!api_config_resolve(ctx, &f, true, &out));
        check_no_leak(ctx, "hunt", "er2XY");
        sig_ctx_free(ctx);
    }
    /* credentials with a line break (HTTP header injection) */
    ctx = sig_ctx_new();
    f = base;
    f.api_url = "https://signals.example.com";
    f.sandbox_token = "tok\r\nX-Evil: 1";
    CHECK(!api_config_resolve(ctx, &f, true, &out));
    CHECK_STR(first_code(ctx), "E0940");
    check_no_leak(ctx, "X-Evil", NULL);
    sig_ctx_free(ctx);
    /* absurd timeouts are capped (milliseconds must fit a long) */
    ctx = sig_ctx_new();
    f = base;
    f.api_url = "https://signals.example.com";
    f.timeout = 1e300;
    CHECK(api_config_resolve(ctx, &f, true, &out));
    CHECK(out.timeout == 1e6);
    sig_ctx_free(ctx);
}

TEST(client_scrub)
{
    sig_ctx *ctx = sig_ctx_new();
    api_config cfg = {.api_url = "https://u:pw-SECRET@signals.example.com", .console_url = "https://c.example.com",
                      .auth_mode = "sandbox", .sandbox_token = "sandbox-SECRET", .api_key = "key-SECRET",
                      .connect_timeout = 1, .timeout = 1, .log = stderr};
    api_client *c = api_client_new(ctx, &cfg);
    CHECK(c != NULL);
    if (c) {
        char *s = api_client_scrub(c, "GET https://u:pw-SECRET@signals.example.com/x key-SECRET sandbox-SECRET "
                                      "pw-SECRET");
        CHECK_STR(s, "GET https://u:[redacted]@signals.example.com/x [redacted] [redacted] [redacted]");
        free(s);
    }
    api_client_free(c);
    sig_ctx_free(ctx);
}

/* ------------------------------------------------- typed requests */

static const char req_spec[] =
    "event pv = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "entity shopper { key user_id owner \"a@b.c\" }\n"
    "view v1 v2 { entity shopper owner \"a@b.c\"\n"
    "  attribute n: int64 = counter() from pv }\n"
    "service s { views v1 v2 owner \"a@b.c\" }\n";

/* The api backend's requests are typed (kind, name, version, paths) and
 * each body is its file byte for byte; deploy takes them as they are. */
TEST(client_deploy_loads_typed_requests)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "req.signals", req_spec, sizeof req_spec - 1);
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_api_requests r;
    CHECK(sig_api_compile(ctx, m, NULL, &out, &r));
    CHECK(!r.views);
    CHECK_INT(r.n, 3);
    static const struct { sig_api_kind kind; const char *name; int version; const char *path, *item; } want[] = {
        {SIG_API_KEY, "shopper", 0, "registry/attribute_keys/", "registry/attribute_keys/shopper"},
        {SIG_API_GROUP, "v1", 2, "registry/attribute_groups/", "registry/attribute_groups/v1/versions/2"},
        {SIG_API_SERVICE, "s", 0, "registry/services/", "registry/services/s"},
    };
    for (size_t i = 0; i < r.n && i < 3; i++) {
        const sig_api_request *q = &r.items[i];
        CHECK_INT(q->kind, want[i].kind);
        CHECK_STR(q->name, want[i].name);
        CHECK_INT(q->version, want[i].version);
        CHECK_STR(q->method, "POST");
        CHECK_STR(q->path, want[i].path);
        CHECK_STR(q->item_path, want[i].item);
        const sig_output_file *f = sig_output_find(&out, q->file);
        CHECK(f && f->len == q->body_len && memcmp(f->data, q->body, f->len) == 0);
    }
    api_deploy d;
    CHECK(api_deploy_load(ctx, &r, &d));
    CHECK_INT(d.n, 3);
    CHECK_INT(d.objs[1].kind, API_OBJ_GROUP);
    CHECK_STR(d.objs[1].name, "v1");
    CHECK_INT(d.objs[1].version, 2);
    CHECK_STR(d.objs[1].item_path, "registry/attribute_groups/v1/versions/2");
    CHECK(cJSON_IsObject(d.objs[1].body));
    api_deploy_free(&d);

    /* The View era ends with feature_store/apply, which is no object. */
    sig_output out2;
    sig_output_init(&out2, sig_ctx_arena(ctx));
    CHECK(sig_api_compile(ctx, m, "views", &out2, &r));
    CHECK(r.views);
    CHECK_INT(r.n, 4);
    CHECK_INT(r.items[3].kind, SIG_API_APPLY);
    CHECK_STR(r.items[3].path, "feature_store/apply");
    CHECK(r.items[3].body == NULL && r.items[3].item_path == NULL);
    CHECK_STR(r.items[0].item_path, "registry/entities/shopper");
    CHECK(api_deploy_load(ctx, &r, &d));
    CHECK_INT(d.n, 3);
    CHECK(d.views);
    api_deploy_free(&d);

    /* An unknown target is the compiler's E0902. */
    size_t before = sig_error_count(ctx);
    CHECK(!sig_api_compile(ctx, m, "viewz", &out2, &r));
    CHECK(sig_error_count(ctx) > before);
    sig_ctx_free(ctx);
}
