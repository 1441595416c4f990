/* client.c: the Signals API HTTP client (see client.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>
#include <stdbool.h>

/* curl's GCC type-checking macros would clash with the indirection below. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* libcurl is loaded with dlopen(3) when the first client is made, not at
 * program start: the compiler's own commands (check, compile), which run in
 * editor save hooks, then do not pay for relocating the HTTP/TLS stack
 * (about 3 ms and 12 million instructions per start; BENCHMARKS.md). The
 * calls below go through this table; the names stay curl's. */
static struct {
    void *handle;
    __typeof__(curl_global_init) *global_init;
    __typeof__(curl_easy_init) *easy_init;
    __typeof__(curl_easy_cleanup) *easy_cleanup;
    __typeof__(curl_easy_reset) *easy_reset;
    __typeof__(curl_easy_setopt) *easy_setopt;
    __typeof__(curl_easy_getinfo) *easy_getinfo;
    __typeof__(curl_easy_perform) *easy_perform;
    __typeof__(curl_easy_strerror) *easy_strerror;
    __typeof__(curl_slist_append) *slist_append;
    __typeof__(curl_slist_free_all) *slist_free_all;
} lc;

#undef curl_easy_setopt  /* curl.h may define these two as macros */
#undef curl_easy_getinfo
#define curl_global_init (*lc.global_init)
#define curl_easy_init (*lc.easy_init)
#define curl_easy_cleanup (*lc.easy_cleanup)
#define curl_easy_reset (*lc.easy_reset)
#define curl_easy_setopt (*lc.easy_setopt)
#define curl_easy_getinfo (*lc.easy_getinfo)
#define curl_easy_perform (*lc.easy_perform)
#define curl_easy_strerror (*lc.easy_strerror)
#define curl_slist_append (*lc.slist_append)
#define curl_slist_free_all (*lc.slist_free_all)

/* Loads libcurl (the soname of Debian's libcurl4 packages). False when it
 * cannot be loaded or lacks a function; the handle is kept for the process. */
static bool load_libcurl(void)
{
    if (lc.handle) return true;
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) return false;
    /* POSIX: a dlsym result converts to a function pointer through memcpy. */
#define LOAD(field, name)                                           \
    do {                                                            \
        void *sym = dlsym(h, name);                                 \
        if (!sym) { dlclose(h); return false; }                     \
        memcpy(&lc.field, &sym, sizeof sym);                        \
    } while (0)
    LOAD(global_init, "curl_global_init");
    LOAD(easy_init, "curl_easy_init");
    LOAD(easy_cleanup, "curl_easy_cleanup");
    LOAD(easy_reset, "curl_easy_reset");
    LOAD(easy_setopt, "curl_easy_setopt");
    LOAD(easy_getinfo, "curl_easy_getinfo");
    LOAD(easy_perform, "curl_easy_perform");
    LOAD(easy_strerror, "curl_easy_strerror");
    LOAD(slist_append, "curl_slist_append");
    LOAD(slist_free_all, "curl_slist_free_all");
#undef LOAD
    lc.handle = h;
    return true;
}

#include "api/client.h"

/* ============================================================ config */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static const char *first(const char *a, const char *b, const char *c)
{
    if (a && *a) return a;
    if (b && *b) return b;
    if (c && *c) return c;
    return NULL;
}

static char *strip_slash(sig_arena *a, const char *s)
{
    char *r = sig_arena_strdup(a, s);
    size_t n = strlen(r);
    while (n > 0 && r[n - 1] == '/') r[--n] = '\0';
    return r;
}

static bool http_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Reads a small file; NULL with errno set on failure. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
        if (n + 1 >= cap) {
            if (cap > (1u << 20)) { free(buf); buf = NULL; errno = EFBIG; break; }
            char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; }
            else buf = nb;
        }
    }
    int e = ferror(f) ? EIO : 0;
    fclose(f);
    if (buf && e) { free(buf); buf = NULL; errno = e; }
    if (buf) buf[n] = '\0';
    return buf;
}

bool api_config_resolve(sig_ctx *ctx, const api_config *flags, bool need_auth, api_config *out)
{
    sig_arena *a = sig_ctx_arena(ctx);
    *out = *flags;
    bool ok = true;

    const char *url = first(flags->api_url, env("SNOWPLOW_API_URL"), NULL);
    if (!url) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "no Signals API URL");
        sig_diag_help(ctx, d, "pass --api-url URL or set SNOWPLOW_API_URL");
        ok = false;
    } else if (!http_url(url)) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "the API URL `%s` is not an http(s) URL", url);
        sig_diag_help(ctx, d, "for example --api-url https://signals.example.com");
        ok = false;
    } else {
        out->api_url = strip_slash(a, url);
    }

    const char *mode = first(flags->auth_mode, env("SNOWPLOW_AUTH_MODE"), "bdp");
    if (strcmp(mode, "bdp") != 0 && strcmp(mode, "sandbox") != 0) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "unknown auth mode `%s`", mode);
        sig_diag_help(ctx, d, "--auth-mode (SNOWPLOW_AUTH_MODE) takes bdp or sandbox");
        ok = false;
    }
    out->auth_mode = mode;

    const char *console = first(flags->console_url, env("SNOWPLOW_CONSOLE_URL"),
                                getenv("BDP_NEXT") ? API_NEXT_CONSOLE : API_DEFAULT_CONSOLE);
    if (!http_url(console)) {
        sig_error(ctx, SIG_NOLOC, "E0940", "the console URL `%s` is not an http(s) URL", console);
        ok = false;
    }
    out->console_url = strip_slash(a, console);

    out->api_key = first(flags->api_key, env("SNOWPLOW_API_KEY"), env("SNOWPLOW_CONSOLE_API_KEY"));
    out->api_key_id = first(flags->api_key_id, env("SNOWPLOW_API_KEY_ID"), env("SNOWPLOW_CONSOLE_API_KEY_ID"));
    out->org_id = first(flags->org_id, env("SNOWPLOW_ORG_ID"), env("SNOWPLOW_CONSOLE_ORG_ID"));
    out->sandbox_token = first(flags->sandbox_token, env("SNOWPLOW_SANDBOX_TOKEN"), NULL);

    bool bdp = strcmp(mode, "bdp") == 0;
    if (bdp && need_auth && (!out->api_key || !out->api_key_id || !out->org_id)) {
        const char *path = flags->config_path;
        if (!path) {
            const char *home = env("HOME");
            path = home ? sig_arena_printf(a, "%s/.config/snowplow/snowplow.yml", home) : NULL;
        }
        char *text = path ? slurp(path) : NULL;
        if (path && !text && errno != ENOENT && errno != ENOTDIR) {
            sig_error(ctx, SIG_NOLOC, "E0941", "cannot read `%s`: %s", path, strerror(errno));
            ok = false;
        } else if (text) {
            api_yml y;
            char err[256];
            if (!api_yml_parse(a, text, &y, err, sizeof err)) {
                sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0941", "%s: %s", path, err);
                sig_diag_help(ctx, d, "signalsc reads only `console:` with the scalar keys org-id, "
                                      "api-key-id and api-key from this file");
                ok = false;
            } else {
                if (!out->api_key) out->api_key = y.api_key;
                if (!out->api_key_id) out->api_key_id = y.api_key_id;
                if (!out->org_id) out->org_id = y.org_id;
            }
            free(text);
        }
        if (ok && (!out->api_key || !out->api_key_id || !out->org_id)) {
            sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940",
                                    "auth mode bdp needs an API key, its id and the organization id; missing:%s%s%s",
                                    out->api_key ? "" : " API key",
                                    out->api_key_id ? "" : " API key id",
                                    out->org_id ? "" : " organization id");
            sig_diag_help(ctx, d, "pass --api-key/--api-key-id/--org-id, set SNOWPLOW_API_KEY, "
                                  "SNOWPLOW_API_KEY_ID, SNOWPLOW_ORG_ID, or write them under `console:` "
                                  "(api-key, api-key-id, org-id) in ~/.config/snowplow/snowplow.yml");
            ok = false;
        }
    }
    if (!bdp && need_auth && !out->sandbox_token) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "auth mode sandbox needs a sandbox token");
        sig_diag_help(ctx, d, "pass --sandbox-token or set SNOWPLOW_SANDBOX_TOKEN");
        ok = false;
    }

    out->connect_timeout = flags->connect_timeout > 0 ? flags->connect_timeout : 10;
    out->timeout = flags->timeout > 0 ? flags->timeout : 30;
    out->retries = flags->retries >= 0 ? flags->retries : 3;
    out->retry_base_ms = flags->retry_base_ms >= 0 ? flags->retry_base_ms : 500;
    out->retry_max_ms = flags->retry_max_ms >= 0 ? flags->retry_max_ms : 30000;
    if (!out->log) out->log = stderr;
    return ok;
}

/* ======================================================== snowplow.yml */

static bool yml_fail(char *err, size_t errlen, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool yml_fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "line %d: ", line);
    if (n < 0 || (size_t)n >= errlen) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* Parses the scalar at `p` (to end of line `end`). *val = NULL for an empty
 * or null value. Returns false with err set. */
static bool yml_scalar(sig_arena *a, const char *p, const char *end, const char **val, int line,
                       char *err, size_t errlen)
{
    while (p < end && *p == ' ') p++;
    *val = NULL;
    if (p == end || *p == '#') return true;
    sig_buf b = {.arena = a};
    if (*p == '"' || *p == '\'') {
        char q = *p++;
        bool closed = false;
        while (p < end) {
            char c = *p++;
            if (q == '\'' && c == '\'') {
                if (p < end && *p == '\'') { sig_buf_putc(&b, '\''); p++; continue; }
                closed = true;
                break;
            }
            if (q == '"' && c == '"') { closed = true; break; }
            if (q == '"' && c == '\\') {
                if (p == end) break;
                char e = *p++;
                switch (e) {
                case '\\': case '"': case '/': sig_buf_putc(&b, e); break;
                case 'n': sig_buf_putc(&b, '\n'); break;
                case 't': sig_buf_putc(&b, '\t'); break;
                default:
                    return yml_fail(err, errlen, line, "escape `\\%c` is not understood", e);
                }
                continue;
            }
            sig_buf_putc(&b, c);
        }
        if (!closed)
            return yml_fail(err, errlen, line, "unterminated %s-quoted value (multi-line values are not understood)",
                            q == '"' ? "double" : "single");
        while (p < end && *p == ' ') p++;
        if (p < end && *p != '#')
            return yml_fail(err, errlen, line, "unexpected text after the quoted value");
        *val = sig_arena_strdup(a, sig_buf_str(&b));
        return true;
    }
    if (strchr("[{&*!|>%@`", *p) || (*p == '-' && (p + 1 == end || p[1] == ' ')) || *p == '?')
        return yml_fail(err, errlen, line,
                        "`%.*s` is not understood: only plain or quoted scalar values are read",
                        (int)(end - p), p);
    const char *s = p;
    while (p < end && !(*p == '#' && p[-1] == ' ')) {
        if (*p == ':' && (p + 1 == end || p[1] == ' '))
            return yml_fail(err, errlen, line, "a value may not contain `: ` (quote it)");
        p++;
    }
    const char *e = p;
    while (e > s && e[-1] == ' ') e--;
    const char *v = sig_arena_strndup(a, s, (size_t)(e - s));
    if (strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0)
        return true;
    *val = v;
    return true;
}

/* Splits "key: rest" at the first ": " or a final ':'. */
static bool yml_key(const char *p, const char *end, const char **key_end, const char **rest)
{
    for (const char *q = p; q < end; q++) {
        if (*q == ':' && (q + 1 == end || q[1] == ' ')) {
            *key_end = q;
            *rest = q + 1;
            return q > p;
        }
        if (*q == '#' && q > p && q[-1] == ' ') return false;
    }
    return false;
}

bool api_yml_parse(sig_arena *a, const char *text, api_yml *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    bool in_console = false, in_other = false, seen_console = false, any = false;
    bool seen[3] = {false, false, false};
    static const char *const keys[3] = {"org-id", "api-key-id", "api-key"};
    long console_indent = -1;
    int line = 0;
    const char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
    while (*p) {
        line++;
        const char *end = strchr(p, '\n');
        const char *next = end ? end + 1 : p + strlen(p);
        if (!end) end = next;
        if (end > p && end[-1] == '\r') end--;
        const char *q = p;
        while (q < end && *q == ' ') q++;
        if (q < end && *q == '\t')
            return yml_fail(err, errlen, line, "tabs are not allowed in indentation");
        long indent = q - p;
        const char *e = end;
        while (e > q && (e[-1] == ' ' || e[-1] == '\t')) e--;
        p = next;
        if (q == e || *q == '#') continue;
        if (indent == 0 && e - q == 3 && strncmp(q, "---", 3) == 0 && !any) continue;
        if (indent == 0 && e - q == 3 && strncmp(q, "...", 3) == 0) break;
        any = true;
        const char *kend, *rest;
        if (indent == 0) {
            in_console = in_other = false;
            if (*q == '"' || *q == '\'' || *q == '-' || *q == '[' || *q == '{' || !yml_key(q, e, &kend, &rest))
                return yml_fail(err, errlen, line, "expected `key:` at the top level, found `%.*s`",
                                (int)(e - q), q);
            if ((size_t)(kend - q) == 7 && strncmp(q, "console", 7) == 0) {
                if (seen_console) return yml_fail(err, errlen, line, "`console` appears twice");
                seen_console = true;
                const char *r = rest;
                while (r < e && *r == ' ') r++;
                if (r < e && *r != '#')
                    return yml_fail(err, errlen, line,
                                    "`console:` must be followed by indented keys (org-id, api-key-id, api-key), "
                                    "not `%.*s`", (int)(e - r), r);
                in_console = true;
                console_indent = -1;
            } else {
                in_other = true; /* another tool's section: skipped with its block */
            }
            continue;
        }
        if (in_other) continue;
        if (!in_console)
            return yml_fail(err, errlen, line, "indented line outside of any key");
        if (console_indent < 0) console_indent = indent;
        if (indent != console_indent)
            return yml_fail(err, errlen, line,
                            "unexpected indentation under `console` (nested values are not understood)");
        if (*q == '-' || *q == '"' || *q == '\'' || !yml_key(q, e, &kend, &rest))
            return yml_fail(err, errlen, line, "expected `key: value` under `console`, found `%.*s`",
                            (int)(e - q), q);
        const char *val;
        if (!yml_scalar(a, rest, e, &val, line, err, errlen)) return false;
        for (int k = 0; k < 3; k++) {
            if (strlen(keys[k]) != (size_t)(kend - q) || strncmp(keys[k], q, (size_t)(kend - q)) != 0) continue;
            if (seen[k]) return yml_fail(err, errlen, line, "`console.%s` appears twice", keys[k]);
            seen[k] = true;
            if (k == 0) out->org_id = val;
            else if (k == 1) out->api_key_id = val;
            else out->api_key = val;
        }
        /* Other console keys (other Snowplow tools') are ignored. */
    }
    return true;
}

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
    /* An exp no int64_t holds (1e300) counts as none: converting it is
     * undefined behaviour. */
    bool ok = cJSON_IsNumber(e) && e->valuedouble > -9e18 && e->valuedouble < 9e18;
    if (ok) *exp = (int64_t)e->valuedouble;
    cJSON_Delete(j);
    return ok;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_index(const char *m)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strcmp(months[i], m) == 0) return i + 1;
    return 0;
}

bool api_parse_retry_after(const char *value, time_t now, long *delay_ms)
{
    if (!value) return false;
    while (*value == ' ' || *value == '\t') value++;
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r' || value[n - 1] == '\n')) n--;
    if (n == 0) return false;
    bool digits = true;
    for (size_t i = 0; i < n; i++) digits &= isdigit((unsigned char)value[i]) != 0;
    if (digits) {
        if (n > 9) { *delay_ms = 999999999L; return true; }
        long s = strtol(value, NULL, 10);
        *delay_ms = s * 1000L;
        return true;
    }
    char buf[64];
    if (n >= sizeof buf) return false;
    memcpy(buf, value, n);
    buf[n] = '\0';
    char wd[16], mon[4], tz[4];
    int d, y, hh, mm, ss;
    int got = -1;
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(buf, "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wd, &d, mon, &y, &hh, &mm, &ss, tz) == 8 &&
        strcmp(tz, "GMT") == 0)
        got = 1;
    /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
    else if (sscanf(buf, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %3s", wd, &d, mon, &y, &hh, &mm, &ss, tz) == 8 &&
             strcmp(tz, "GMT") == 0) {
        y += y < 70 ? 2000 : 1900;
        got = 1;
    }
    /* asctime: Sun Nov  6 08:49:37 1994 */
    else if (sscanf(buf, "%3s %3s %d %2d:%2d:%2d %4d", wd, mon, &d, &hh, &mm, &ss, &y) == 7)
        got = 1;
    if (got < 0) return false;
    int m = month_index(mon);
    if (!m || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0) return false;
    int64_t t = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    int64_t diff = t - (int64_t)now;
    if (diff < 0) diff = 0;
    if (diff > 999999) diff = 999999;
    *delay_ms = (long)diff * 1000L;
    return true;
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

/* ============================================================ client */

struct api_client {
    sig_ctx *ctx;
    api_config cfg;
    CURL *curl;
    char *token;          /* bdp access token (malloc'd) */
    bool token_has_exp;
    int64_t token_exp;
    unsigned requests;
    unsigned token_fetches;
    uint64_t rng;
    const char *secrets[4];
};

void api_response_free(api_response *r)
{
    if (!r) return;
    free(r->body);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

api_client *api_client_new(sig_ctx *ctx, const api_config *cfg)
{
    static bool global_init;
    if (!load_libcurl()) return NULL;
    if (!global_init) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_init = true;
    }
    api_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ctx = ctx;
    c->cfg = *cfg;
    c->curl = curl_easy_init();
    if (!c->curl) { free(c); return NULL; }
    c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ull;
    size_t k = 0;
    if (cfg->api_key) c->secrets[k++] = cfg->api_key;
    if (cfg->sandbox_token) c->secrets[k++] = cfg->sandbox_token;
    return c;
}

void api_client_free(api_client *c)
{
    if (!c) return;
    curl_easy_cleanup(c->curl);
    free(c->token);
    free(c);
}

unsigned api_client_requests(const api_client *c) { return c->requests; }

bool api_client_dry_run(const api_client *c) { return c->cfg.dry_run; }

char *api_client_scrub(const api_client *c, const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    memcpy(out, s, n + 1);
    const char *secrets[5];
    size_t k = 0;
    for (size_t i = 0; i < 4; i++)
        if (c->secrets[i]) secrets[k++] = c->secrets[i];
    if (c->token) secrets[k++] = c->token;
    for (size_t i = 0; i < k; i++) {
        size_t sl = strlen(secrets[i]);
        if (sl < 4) continue;
        char *hit;
        while ((hit = strstr(out, secrets[i])) != NULL) {
            static const char red[] = "[redacted]";
            size_t before = (size_t)(hit - out), after = strlen(hit + sl);
            char *nb = malloc(before + sizeof red - 1 + after + 1);
            if (!nb) { free(out); return NULL; }
            memcpy(nb, out, before);
            memcpy(nb + before, red, sizeof red - 1);
            memcpy(nb + before + sizeof red - 1, hit + sl, after + 1);
            free(out);
            out = nb;
        }
    }
    return out;
}

/* Prints to the log, scrubbed. */
__attribute__((format(printf, 2, 3)))
static void logf_(api_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[2048];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    char *s = api_client_scrub(c, tmp);
    fputs(s ? s : "", c->cfg.log);
    free(s);
}

static double rng01(api_client *c)
{
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    return (double)(c->rng >> 11) / 9007199254740992.0;
}

static void sleep_ms(long ms)
{
    if (ms <= 0) return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

typedef struct membuf {
    char *data;
    size_t len, cap;
    bool too_big;
} membuf;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    membuf *b = ud;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + add + 1) cap *= 2;
        if (cap > (64u << 20)) { b->too_big = true; return 0; }
        char *nd = realloc(b->data, cap);
        if (!nd) return 0;
        b->data = nd;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

typedef struct hdrs {
    char retry_after[64];
} hdrs;

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    hdrs *h = ud;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        size_t v = len - (sizeof name - 1);
        if (v >= sizeof h->retry_after) v = sizeof h->retry_after - 1;
        memcpy(h->retry_after, p + sizeof name - 1, v);
        h->retry_after[v] = '\0';
    }
    return len;
}

typedef enum auth_kind { AUTH_NONE, AUTH_API, AUTH_CONSOLE } auth_kind;

/* One attempt. Returns the curl code; fills status, body and Retry-After. */
static CURLcode perform(api_client *c, const char *method, const char *url, const char *body,
                        auth_kind auth, long *status, membuf *mb, hdrs *h, char *errbuf)
{
    CURL *k = c->curl;
    curl_easy_reset(k);
    struct curl_slist *hl = NULL;
    char line[4096];
    hl = curl_slist_append(hl, "Content-Type: application/json; charset=utf-8");
    hl = curl_slist_append(hl, "Accept: application/json");
    hl = curl_slist_append(hl, "X-Signals-Sdk-Name: signalsc " SIGNALS_VERSION);
    if (auth == AUTH_API) {
        const char *tok = strcmp(c->cfg.auth_mode, "sandbox") == 0 ? c->cfg.sandbox_token : c->token;
        snprintf(line, sizeof line, "Authorization: Bearer %s", tok ? tok : "");
        hl = curl_slist_append(hl, line);
    } else if (auth == AUTH_CONSOLE) {
        snprintf(line, sizeof line, "X-API-Key-Id: %s", c->cfg.api_key_id);
        hl = curl_slist_append(hl, line);
        snprintf(line, sizeof line, "X-API-Key: %s", c->cfg.api_key);
        hl = curl_slist_append(hl, line);
    }
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "GET") == 0) curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
    if (body) {
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, 0L);
    }
    if (strcmp(method, "DELETE") == 0 || strcmp(method, "GET") == 0) {
        /* no body */
    }
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(k, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->cfg.connect_timeout * 1000));
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)(c->cfg.timeout * 1000));
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, mb);
    curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(k, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(k, CURLOPT_USERAGENT, "signalsc/" SIGNALS_VERSION);
    errbuf[0] = '\0';
    c->requests++;
    CURLcode rc = curl_easy_perform(k);
    *status = 0;
    curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hl);
    return rc;
}

static void log_request(api_client *c, const char *method, const char *url, const char *body,
                        auth_kind auth, bool dry)
{
    if (!c->cfg.verbose && !dry) return;
    logf_(c, "%s %s %s\n", dry ? "[dry run]" : ">", method, url);
    logf_(c, "  Content-Type: application/json; charset=utf-8\n");
    logf_(c, "  X-Signals-Sdk-Name: signalsc %s\n", SIGNALS_VERSION);
    if (auth == AUTH_API) logf_(c, "  Authorization: Bearer [redacted]\n");
    if (auth == AUTH_CONSOLE) {
        logf_(c, "  X-API-Key-Id: %s\n", c->cfg.api_key_id ? c->cfg.api_key_id : "");
        logf_(c, "  X-API-Key: [redacted]\n");
    }
    if (body && dry) {
        char *s = api_client_scrub(c, body);
        fputs("  ", c->cfg.log);
        for (const char *p = s ? s : ""; *p; p++) {
            fputc(*p, c->cfg.log);
            if (*p == '\n' && p[1]) fputs("  ", c->cfg.log);
        }
        if (!s || !*s || s[strlen(s) - 1] != '\n') fputc('\n', c->cfg.log);
        free(s);
    } else if (body) {
        logf_(c, "  (body: %zu bytes)\n", strlen(body));
    }
}

static bool retryable_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
        return true;
    default:
        return false;
    }
}

/* Declared in client.h (for the fuzz harness); documented there. */
char *api_message(const char *body)
{
    sig_arena *a = sig_arena_new();
    sig_buf b = {.arena = a};
    cJSON *j = body ? cJSON_Parse(body) : NULL;
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
                    else if (cJSON_IsNumber(l)) sig_buf_printf(&b, "%d", l->valueint);
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
    } else if (body && *body) {
        size_t n = strlen(body);
        sig_buf_append(&b, body, n > 300 ? 300 : n);
        if (n > 300) sig_buf_puts(&b, "...");
    } else {
        sig_buf_puts(&b, "(no message)");
    }
    cJSON_Delete(j);
    char *r = strdup(sig_buf_str(&b));
    sig_arena_free(a);
    /* one line */
    for (char *p = r; p && *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return r;
}

typedef enum loop_result { LOOP_ANSWER, LOOP_FAILED } loop_result;

/* Sends with retries on 429, 5xx and transport errors. On LOOP_ANSWER,
 * `resp` holds the final answer (which may still be 429/5xx when retries
 * ran out: `exhausted` is then set). */
static loop_result attempt_loop(api_client *c, const char *method, const char *url, const char *body,
                                auth_kind auth, const char *what, api_response *resp, bool *exhausted)
{
    *exhausted = false;
    for (int attempt = 0;; attempt++) {
        membuf mb = {0};
        hdrs h = {{0}};
        char errbuf[CURL_ERROR_SIZE];
        long status = 0;
        log_request(c, method, url, body, auth, false);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CURLcode rc = perform(c, method, url, body, auth, &status, &mb, &h, errbuf);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long took = (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
        bool can_retry = attempt < c->cfg.retries;
        if (rc != CURLE_OK) {
            free(mb.data);
            const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
            if (c->cfg.verbose) {
                if (rc == CURLE_OPERATION_TIMEDOUT)
                    logf_(c, "< no answer: timed out after %ld ms (%s)\n", took, why);
                else
                    logf_(c, "< no answer: %s\n", why);
            }
            if (retryable_curl(rc) && can_retry) {
                long d = api_backoff_ms(attempt, c->cfg.retry_base_ms, c->cfg.retry_max_ms, rng01(c));
                logf_(c, "signalsc: %s %s: %s; retrying in %ld ms (attempt %d of %d)\n", method, url, why, d,
                      attempt + 2, c->cfg.retries + 1);
                sleep_ms(d);
                continue;
            }
            char *m = api_client_scrub(c, why);
            sig_diag *dg;
            if (rc == CURLE_OPERATION_TIMEDOUT)
                dg = sig_error(c->ctx, SIG_NOLOC, "E0942", "%s: %s %s timed out (%s)", what, method, url, m ? m : "");
            else
                dg = sig_error(c->ctx, SIG_NOLOC, "E0942", "%s: %s %s failed: %s", what, method, url, m ? m : "");
            free(m);
            if (retryable_curl(rc))
                sig_diag_note(c->ctx, dg, SIG_NOLOC, "gave up after %d attempt%s", attempt + 1, attempt ? "s" : "");
            if (rc == CURLE_OPERATION_TIMEDOUT)
                sig_diag_help(c->ctx, dg, "timeouts: --connect-timeout %g s, --timeout %g s",
                              c->cfg.connect_timeout, c->cfg.timeout);
            if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                rc == CURLE_SSL_CONNECT_ERROR)
                sig_diag_help(c->ctx, dg, "TLS certificates are always verified; install the CA "
                                          "certificate (CURL_CA_BUNDLE / SSL_CERT_FILE) if the server uses a private CA");
            return LOOP_FAILED;
        }
        if (!c->cfg.verbose) {
            /* quiet */
        } else if (auth == AUTH_CONSOLE && status >= 200 && status < 300) {
            logf_(c, "< %ld (%ld ms; body not shown: it carries the access token)\n", status, took);
        } else if (mb.len && (status < 200 || status >= 300)) {
            logf_(c, "< %ld (%ld ms)\n", status, took);
            char *s = api_client_scrub(c, mb.data);
            logf_(c, "  %.1000s\n", s ? s : "");
            free(s);
        } else {
            logf_(c, "< %ld (%ld ms)\n", status, took);
        }
        bool retry_status = status == 429 || status >= 500;
        if (retry_status && can_retry) {
            long d = api_backoff_ms(attempt, c->cfg.retry_base_ms, c->cfg.retry_max_ms, rng01(c));
            long ra;
            const char *how = "backoff";
            if ((status == 429 || status == 503) && h.retry_after[0] &&
                api_parse_retry_after(h.retry_after, time(NULL), &ra)) {
                d = ra > c->cfg.retry_max_ms ? c->cfg.retry_max_ms : ra;
                how = ra > c->cfg.retry_max_ms ? "Retry-After, capped" : "Retry-After";
            }
            logf_(c, "signalsc: %s %s: %ld; retrying in %ld ms (%s; attempt %d of %d)\n", method, url, status, d,
                  how, attempt + 2, c->cfg.retries + 1);
            free(mb.data);
            sleep_ms(d);
            continue;
        }
        *exhausted = retry_status;
        resp->status = status;
        resp->body = mb.data ? mb.data : strdup("");
        resp->len = mb.len;
        resp->json = NULL;
        resp->retries_used = attempt;
        return LOOP_ANSWER;
    }
}

static bool token_expired(const api_client *c)
{
    if (!c->token) return true;
    if (!c->token_has_exp) return false;
    return (int64_t)time(NULL) >= c->token_exp;
}

/* Fetches a fresh access token from the console. */
static bool fetch_token(api_client *c)
{
    free(c->token);
    c->token = NULL;
    char *url = NULL;
    sig_arena *a = sig_ctx_arena(c->ctx);
    url = sig_arena_printf(a, "%s/api/msc/v1/organizations/%s/credentials/v3/token", c->cfg.console_url,
                           c->cfg.org_id);
    api_response r = {0};
    bool exhausted;
    c->token_fetches++;
    if (attempt_loop(c, "GET", url, NULL, AUTH_CONSOLE, "token exchange", &r, &exhausted) != LOOP_ANSWER)
        return false;
    bool ok = false;
    if (r.status == 200 || r.status == 201) {
        cJSON *j = cJSON_Parse(r.body);
        const cJSON *t = j ? cJSON_GetObjectItemCaseSensitive(j, "accessToken") : NULL;
        if (t && cJSON_IsString(t) && t->valuestring && t->valuestring[0]) {
            c->token = strdup(t->valuestring);
            c->token_has_exp = api_jwt_exp(c->token, &c->token_exp);
            ok = true;
        } else {
            sig_diag *d = sig_error(c->ctx, SIG_NOLOC, "E0948",
                                    "token exchange: the console's answer has no `accessToken`%s",
                                    j ? "" : " (not JSON)");
            sig_diag_note(c->ctx, d, SIG_NOLOC, "GET %s", url);
        }
        cJSON_Delete(j);
    } else {
        char *m = api_message(r.body);
        char *sm = api_client_scrub(c, m);
        sig_diag *d = sig_error(c->ctx, SIG_NOLOC, "E0943",
                                "token exchange failed: the console answered %ld: %s", r.status, sm ? sm : "");
        sig_diag_note(c->ctx, d, SIG_NOLOC, "GET %s", url);
        if (r.status == 401 || r.status == 403 || r.status == 404)
            sig_diag_help(c->ctx, d, "check the API key, its id and the organization id (Snowplow Console, "
                                     "Settings > API keys); SNOWPLOW_CONSOLE_URL or BDP_NEXT change the console host");
        free(m);
        free(sm);
    }
    api_response_free(&r);
    return ok;
}

static bool in_list(long s, const long *list)
{
    for (; list && *list; list++)
        if (*list == s) return true;
    return false;
}

static void status_error(api_client *c, const char *method, const char *path, const api_response *r,
                         bool exhausted)
{
    char *m = api_message(r->body);
    char *sm = api_client_scrub(c, m);
    free(m);
    const char *msg = sm ? sm : "";
    long s = r->status;
    sig_diag *d;
    if (s == 401) {
        d = sig_error(c->ctx, SIG_NOLOC, "E0943", "%s %s: 401 Unauthorized: %s", method, path, msg);
        sig_diag_help(c->ctx, d, strcmp(c->cfg.auth_mode, "sandbox") == 0
                                     ? "check the sandbox token (--sandbox-token, SNOWPLOW_SANDBOX_TOKEN)"
                                     : "the API refused a freshly fetched token: check that the API key "
                                       "belongs to the organization that owns this Signals deployment");
    } else if (s == 403) {
        d = sig_error(c->ctx, SIG_NOLOC, "E0944", "%s %s: 403 Forbidden: %s", method, path, msg);
        sig_diag_help(c->ctx, d, "the credentials are valid but may not do this; check the API key's permissions");
    } else if (s == 404) {
        d = sig_error(c->ctx, SIG_NOLOC, "E0945", "%s %s: 404 Not Found: %s", method, path, msg);
        sig_diag_help(c->ctx, d, "check --api-url and --api-version (attribute-groups or views)");
    } else if (s == 422) {
        d = sig_error(c->ctx, SIG_NOLOC, "E0946", "%s %s: 422 the API rejected the body: %s", method, path, msg);
    } else if (s == 429 || s >= 500) {
        d = sig_error(c->ctx, SIG_NOLOC, "E0947", "%s %s: %ld from the API%s: %s", method, path, s,
                      exhausted ? " after every retry" : "", msg);
        if (exhausted)
            sig_diag_note(c->ctx, d, SIG_NOLOC, "%d attempts made (--retries %d)", c->cfg.retries + 1,
                          c->cfg.retries);
    } else {
        d = sig_error(c->ctx, SIG_NOLOC, "E0946", "%s %s: %ld from the API: %s", method, path, s, msg);
    }
    free(sm);
}

int api_call(api_client *c, const char *method, const char *path, const char *body, const long *expect,
             api_response *resp)
{
    memset(resp, 0, sizeof *resp);
    sig_arena *a = sig_ctx_arena(c->ctx);
    const char *url = sig_arena_printf(a, "%s/api/v1/%s", c->cfg.api_url, path);
    if (c->cfg.dry_run) {
        log_request(c, method, url, body, AUTH_API, true);
        return API_DRY;
    }
    bool bdp = strcmp(c->cfg.auth_mode, "bdp") == 0;
    bool refreshed = false;
    for (;;) {
        if (bdp && token_expired(c)) {
            if (c->token && c->cfg.verbose) logf_(c, "  the access token has expired: fetching a new one\n");
            if (!fetch_token(c)) return API_FAILED;
            refreshed = true;
        }
        bool exhausted;
        if (attempt_loop(c, method, url, body, AUTH_API, sig_arena_printf(a, "%s %s", method, path), resp,
                         &exhausted) != LOOP_ANSWER)
            return API_FAILED;
        long s = resp->status;
        if (s == 401 && bdp && !refreshed) {
            if (c->cfg.verbose) logf_(c, "  401: fetching a new access token and trying once more\n");
            api_response_free(resp);
            free(c->token);
            c->token = NULL;
            refreshed = true;
            if (!fetch_token(c)) return API_FAILED;
            continue;
        }
        if (s >= 200 && s < 300) {
            if (resp->len) {
                resp->json = cJSON_ParseWithLength(resp->body, resp->len);
                if (!resp->json) {
                    char *sm = api_client_scrub(c, resp->body);
                    sig_diag *d = sig_error(c->ctx, SIG_NOLOC, "E0948",
                                            "%s %s: the API answered %ld with a body that is not JSON", method,
                                            path, s);
                    sig_diag_note(c->ctx, d, SIG_NOLOC, "the answer begins: %.120s", sm ? sm : "");
                    free(sm);
                    api_response_free(resp);
                    return API_FAILED;
                }
            }
            return API_SENT;
        }
        if (in_list(s, expect)) {
            if (resp->len) resp->json = cJSON_ParseWithLength(resp->body, resp->len);
            return API_SENT;
        }
        status_error(c, method, path, resp, exhausted);
        api_response_free(resp);
        return API_FAILED;
    }
}

int api_health(api_client *c, api_response *resp)
{
    memset(resp, 0, sizeof *resp);
    const char *url = sig_arena_printf(sig_ctx_arena(c->ctx), "%s/health-all", c->cfg.api_url);
    if (c->cfg.dry_run) {
        log_request(c, "GET", url, NULL, AUTH_NONE, true);
        return API_DRY;
    }
    bool exhausted;
    if (attempt_loop(c, "GET", url, NULL, AUTH_NONE, "health check", resp, &exhausted) != LOOP_ANSWER)
        return API_FAILED;
    if (resp->len) resp->json = cJSON_ParseWithLength(resp->body, resp->len);
    return API_SENT;
}
