/* fuzz_client.c: the API client's parsers, one at a time.
 *
 * The first byte of the input picks the parser (byte % 6; the seeds use
 * the digits '0'..'5'), the rest is its text:
 *   0  api_yml_parse: a snowplow.yml
 *   1  api_jwt_exp: a token as the console sends it
 *   2  api_jwt_exp: the rest is a JWT payload (JSON), base64url-encoded
 *      into "e30.PAYLOAD.sig" here so that mutations reach the JSON
 *   3  api_parse_retry_after (now = 1445412480) and api_backoff_ms
 *   4  api_message: an error answer's body
 *   5  api_diff: "DEPLOYED\0DESIRED", two JSON answers (server and body)
 * Properties besides the sanitizers: a delay is never negative and never
 * above its bound; a message is one line; a document differs from itself in
 * nothing (api_diff(x, x) == 0). */
#include <string.h>

#include "fuzz.h"
#include "api/client.h"
#include "api/deploy.h"

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

static void retry_after(const char *value, const uint8_t *raw, size_t n)
{
    long ms = -1;
    /* At most 9 digits of seconds are read (longer: 999999999 ms). */
    if (api_parse_retry_after(value, 1445412480, &ms) && (ms < 0 || ms > 999999999000L))
        fuzz_fail(NULL, "Retry-After delay out of [0, 999999999 s]", value);
    /* api_backoff_ms on the raw bytes: attempt, base, max, r. */
    if (n >= 7) {
        int attempt = raw[0] % 32;
        long base = (long)(raw[1] | raw[2] << 8 | raw[3] << 16);
        long max = (long)(raw[4] | raw[5] << 8 | raw[6] << 16);
        double r = n > 7 ? raw[7] / 255.0 : 0.5;
        long d = api_backoff_ms(attempt, base, max, r);
        if (d < 0 || (base > 0 && max > 0 && d > (base > max ? base : max)))
            fuzz_fail(NULL, "backoff delay out of range", NULL);
    }
}

static void message(const char *body)
{
    char *m = api_message(body);
    if (!m) fuzz_fail(NULL, "api_message returned NULL", body);
    if (strchr(m, '\n') || strchr(m, '\r')) fuzz_fail(NULL, "api_message is not one line", m);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    int which = data[0] % 6;
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
        (void)api_yml_parse(a, text, &y, err, sizeof err);
        sig_arena_free(a);
        break;
    }
    case 1: check_jwt(text); break;
    case 2: jwt_payload(text, n); break;
    case 3: retry_after(text, data + 1, n); break;
    case 4: message(text); break;
    default: diff(text, n); break;
    }
    free(text);
    return 0;
}
