/* client_parse.c: the API client's pure parsers of untrusted input
 * (client_parse.h, client.h): JWT exp, Retry-After, backoff, token and error
 * answers. */
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdbool.h>

#include <yaml.h>

#include "client/client_internal.h"
#include "client/client_parse.h"

/* ========================================================= pure parts */

static int b64url_val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
}

bool api_jwt_exp(const char *token, int64_t *exp)
{
    if (!token) return false;
    const char *d1 = strchr(token, '.');
    if (!d1) return false;
    const char *d2 = strchr(d1 + 1, '.');
    if (!d2) return false;
    size_t n = (size_t)(d2 - d1 - 1);
    char *raw = malloc(n + 1);
    if (!raw) return false;
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    for (const char *p = d1 + 1; p < d2; p++) {
        if (*p == '=') break;
        int v = b64url_val((unsigned char)*p);
        if (v < 0) { free(raw); return false; }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw[k++] = (char)((acc >> bits) & 0xFF);
        }
    }
    raw[k] = '\0';
    cJSON *j = cJSON_ParseWithLength(raw, k);
    free(raw);
    const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "exp") : NULL;
    /* The server chooses `exp`: converting a double outside int64_t's range
     * (or NaN) is undefined behaviour (C11 6.3.1.4), so such a value is no
     * usable `exp`. 2^63 is exactly representable as a double. */
    bool ok = cJSON_IsNumber(e) && isfinite(e->valuedouble) && e->valuedouble >= -9223372036854775808.0 &&
              e->valuedouble < 9223372036854775808.0;
    if (ok) *exp = (int64_t)e->valuedouble;
    cJSON_Delete(j);
    return ok;
}

long api_retry_after_ms(int64_t seconds, long max_ms, bool *capped)
{
    *capped = false;
    if (max_ms < 0) max_ms = 0;
    if (seconds <= 0) return 0;
    /* Compared before multiplying: seconds * 1000 may overflow. Within the
     * bound, seconds * 1000 <= max_ms. */
    if (seconds > (int64_t)(max_ms / 1000)) {
        *capped = true;
        return max_ms;
    }
    return (long)(seconds * 1000);
}

long api_backoff_ms(int attempt, long base_ms, long max_ms, double r)
{
    if (base_ms <= 0) return 0;
    long d = base_ms;
    for (int i = 0; i < attempt && d < max_ms; i++) d *= 2;
    if (d > max_ms) d = max_ms;
    if (r < 0) r = 0;
    if (r >= 1) r = 0.999999;
    long half = d / 2;
    return half + (long)((double)(d - half) * r);
}


/* Server text for the terminal: control characters (line breaks, and the
 * ESC of terminal escape sequences a hostile server could send, ECMA-48)
 * become spaces. In place; NULL is fine. */
void api_defang(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F) *s = ' ';
}

char *api_token_answer(const char *body, size_t len, bool *json)
{
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    *json = j != NULL;
    const cJSON *t = j ? cJSON_GetObjectItemCaseSensitive(j, "accessToken") : NULL;
    char *tok = NULL;
    /* Goes into an Authorization header: no control characters. */
    if (cJSON_IsString(t) && t->valuestring[0] && !api_has_control(t->valuestring)) tok = strdup(t->valuestring);
    cJSON_Delete(j);
    return tok;
}

char *api_error_message(const char *body, size_t len)
{
    sig_arena *a = sig_arena_new();
    sig_buf b = {.arena = a};
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *d = j ? cJSON_GetObjectItemCaseSensitive(j, "detail") : NULL;
    if (!d && j) d = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(d)) {
        sig_buf_puts(&b, d->valuestring);
    } else if (cJSON_IsArray(d)) {
        const cJSON *it;
        bool firstit = true;
        cJSON_ArrayForEach(it, d) {
            if (!firstit) sig_buf_puts(&b, "; ");
            firstit = false;
            const cJSON *loc = cJSON_GetObjectItemCaseSensitive(it, "loc");
            const cJSON *msg = cJSON_GetObjectItemCaseSensitive(it, "msg");
            if (cJSON_IsArray(loc)) {
                const cJSON *l;
                bool fl = true;
                cJSON_ArrayForEach(l, loc) {
                    if (!fl) sig_buf_putc(&b, '.');
                    fl = false;
                    if (cJSON_IsString(l)) sig_buf_puts(&b, l->valuestring);
                    else if (cJSON_IsNumber(l)) sig_buf_printf(&b, "%.15g", l->valuedouble);
                }
                sig_buf_puts(&b, ": ");
            }
            if (cJSON_IsString(msg)) sig_buf_puts(&b, msg->valuestring);
            else {
                char *t = cJSON_PrintUnformatted(it);
                sig_buf_puts(&b, t ? t : "?");
                free(t);
            }
        }
    } else if (d) {
        char *t = cJSON_PrintUnformatted(d);
        sig_buf_puts(&b, t ? t : "?");
        free(t);
    } else if (body && len) {
        size_t n = strnlen(body, len);
        sig_buf_append(&b, body, n > 300 ? 300 : n);
        if (n > 300) sig_buf_puts(&b, "...");
    } else {
        sig_buf_puts(&b, "(no message)");
    }
    cJSON_Delete(j);
    char *r = strdup(sig_buf_str(&b));
    sig_arena_free(a);
    api_defang(r);
    return r;
}

