/* fuzz_client.c: the API client's parsers of untrusted input, one at a time.
 *
 * The first byte of the input picks the parser (byte % 8; the seeds use
 * the digits '0'..'7'), the rest is its input:
 *   0  api_yml_parse: a snowplow.yml (any bytes)
 *   1  api_jwt_exp: a token as the console sends it
 *   2  api_jwt_exp: the rest is a JWT payload (JSON), base64url-encoded
 *      into "e30.PAYLOAD.sig" here so that mutations reach the JSON
 *   3  api_retry_after_ms and api_backoff_ms on numbers taken from the bytes
 *   4  api_error_message: an error answer's body (any bytes)
 *   5  api_diff: "DEPLOYED\0DESIRED", two JSON answers (server and body)
 *   6  api_token_answer: the console's answer to the token exchange
 *   7  api_host_is_loopback and api_redact_urls on a host or URL text
 * Properties besides the sanitizers: a delay is in [0, cap]; neither a
 * message nor a token holds a control character (one line, no terminal
 * escape, no header injection); a document (without repeated keys)
 * differs from itself in nothing. */
#include <string.h>

#include "fuzz.h"
#include "signals/client.h"
#include "client/client_parse.h"
#include "signals/deploy.h"

static void check_jwt(const char *token)
{
    int64_t exp = 0;
    (void)api_jwt_exp(token, &exp);
}

static void jwt_payload(const char *payload, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *tok = malloc(4 + (n + 2) / 3 * 4 + 5);
    if (!tok) return;
    size_t k = 0;
    memcpy(tok, "e30.", 4);
    k = 4;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)payload[i] << 16;
        if (i + 1 < n) v |= (unsigned char)payload[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)payload[i + 2];
        tok[k++] = b64[(v >> 18) & 63];
        tok[k++] = b64[(v >> 12) & 63];
        if (i + 1 < n) tok[k++] = b64[(v >> 6) & 63];
        if (i + 2 < n) tok[k++] = b64[v & 63];
    }
    memcpy(tok + k, ".sig", 5);
    check_jwt(tok);
    free(tok);
}

/* Little-endian bytes as an unsigned number (n <= 8). */
static uint64_t le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--) v = v << 8 | p[i - 1];
    return v;
}

static void retry_after(const uint8_t *raw, size_t n)
{
    uint8_t b[21] = {0};
    memcpy(b, raw, n < sizeof b ? n : sizeof b);
    int64_t seconds = (int64_t)le(b, 8);
    long max_ms = (long)(le(b + 8, 4) & 0x7fffffff);
    bool capped = false;
    long ms = api_retry_after_ms(seconds, max_ms, &capped);
    if (ms < 0 || ms > max_ms) fuzz_fail(NULL, "Retry-After delay out of [0, max_ms]", NULL);
    /* api_backoff_ms: attempt, base, max, r in [0, 1) */
    long base = (long)(le(b + 12, 3)), max = (long)(le(b + 15, 3));
    double r = b[18] / 256.0;
    long d = api_backoff_ms(b[19] % 64, base, max, r);
    if (d < 0 || (base > 0 && d > (base > max ? base : max)))
        fuzz_fail(NULL, "backoff delay out of range", NULL);
}

static void message(const char *body, size_t n)
{
    char *m = api_error_message(body, n);
    if (!m) fuzz_fail(NULL, "api_error_message returned NULL", body);
    /* One line, and no terminal escape: no control character at all. */
    for (const char *p = m; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            fuzz_fail(NULL, "api_error_message holds a control character", m);
    free(m);
}

/* Whether an object in `v` repeats a key. The diff looks keys up by name
 * (cJSON: first wins), so such a document differs from itself; RFC 8259
 * leaves the meaning of repeated names open and the api backend never
 * writes them, so the self-diff property skips those documents. */
static bool repeats_key(const cJSON *v)
{
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (cJSON_IsObject(v))
            for (const cJSON *d = c->next; d; d = d->next)
                if (strcmp(c->string, d->string) == 0) return true;
        if (repeats_key(c)) return true;
    }
    return false;
}

static void diff(const char *text, size_t n)
{
    size_t cut = strlen(text);
    cJSON *deployed = cJSON_ParseWithLength(text, cut);
    cJSON *desired = cut < n ? cJSON_ParseWithLength(text + cut + 1, n - cut - 1) : NULL;
    sig_arena *a = sig_arena_new();
    api_change *ch = NULL;
    size_t nch = 0;
    if (deployed && desired) api_diff(a, deployed, desired, &ch, &nch);
    if (deployed && !repeats_key(deployed)) {
        size_t before = nch;
        if (api_diff(a, deployed, deployed, &ch, &nch) != 0 || nch != before)
            fuzz_fail(NULL, "api_diff finds differences between a document and itself", text);
    }
    sig_arena_free(a);
    cJSON_Delete(deployed);
    cJSON_Delete(desired);
}

static void token(const char *body, size_t n)
{
    bool json = false;
    char *t = api_token_answer(body, n, &json);
    if (t) {
        if (!*t) fuzz_fail(NULL, "api_token_answer returned an empty token", body);
        for (const char *p = t; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                fuzz_fail(NULL, "the token holds a control character (header injection)", t);
    }
    free(t);
}

static void url(const char *text)
{
    (void)api_host_is_loopback(text);
    char *r = api_redact_urls(text);
    if (!r) fuzz_fail(NULL, "api_redact_urls returned NULL", text);
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    int which = data[0] % 8;
    size_t n = size - 1;
    char *text = malloc(n + 1);
    if (!text) return 0;
    memcpy(text, data + 1, n);
    text[n] = '\0';
    switch (which) {
    case 0: {
        sig_arena *a = sig_arena_new();
        api_yml y;
        char err[256];
        (void)api_yml_parse(a, text, n, &y, err, sizeof err);
        sig_arena_free(a);
        break;
    }
    case 1: check_jwt(text); break;
    case 2: jwt_payload(text, n); break;
    case 3: retry_after(data + 1, n); break;
    case 4: message(text, n); break;
    case 5: diff(text, n); break;
    case 6: token(text, n); break;
    default: url(text); break;
    }
    free(text);
    return 0;
}
