/* client.c: the Signals API HTTP client (see client.h). */
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
    __typeof__(curl_url) *url;
    __typeof__(curl_url_set) *url_set;
    __typeof__(curl_url_get) *url_get;
    __typeof__(curl_url_cleanup) *url_cleanup;
    __typeof__(curl_free) *free_;
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
#define curl_url (*lc.url)
#define curl_url_set (*lc.url_set)
#define curl_url_get (*lc.url_get)
#define curl_url_cleanup (*lc.url_cleanup)
#define curl_free (*lc.free_)

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
    LOAD(url, "curl_url");                 /* the URL API: libcurl >= 7.62 */
    LOAD(url_set, "curl_url_set");
    LOAD(url_get, "curl_url_get");
    LOAD(url_cleanup, "curl_url_cleanup");
    LOAD(free_, "curl_free");
#undef LOAD
    lc.handle = h;
    return true;
}

#include "signals/client.h"
#include "api/client_parse.h"

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

/* Reads a small file; NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
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
    *len = n;
    return buf;
}

bool api_host_is_loopback(const char *host)
{
    if (!host) return false;
    if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0) return true;
    unsigned char a4[4];
    if (inet_pton(AF_INET, host, a4) == 1) return a4[0] == 127; /* 127.0.0.0/8, RFC 1122 3.2.1.3 */
    size_t n = strlen(host);
    if (n < 3 || n > 64 || host[0] != '[' || host[n - 1] != ']') return false;
    char buf[64];
    memcpy(buf, host + 1, n - 2);
    buf[n - 2] = '\0';
    struct in6_addr a6;
    return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Appends s[0..n) to a growing malloc'd buffer; false when out of memory. */
static bool put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t nc = *cap ? *cap : 64;
        while (nc < *len + n + 1) nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb) return false;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

char *api_redact_urls(const char *text)
{
    static const char red[] = "[redacted]";
    if (!text) text = "";
    char *out = NULL;
    size_t len = 0, cap = 0;
    const char *p = text;
    if (!put(&out, &len, &cap, "", 0)) return NULL;
    for (;;) {
        const char *sep = strstr(p, "://");
        if (!sep) break;
        const char *auth = sep + 3;
        /* The authority ends at the path, query or fragment (RFC 3986
         * section 3.2), or where the URL does in running text. */
        const char *end = auth + strcspn(auth, "/?#` \t\r\n'\"<>");
        const char *at = NULL, *colon = NULL;
        for (const char *q = auth; q < end; q++)
            if (*q == '@') at = q;
        if (at)
            for (const char *q = auth; q < at; q++)
                if (*q == ':') { colon = q; break; }
        if (colon) {
            if (!put(&out, &len, &cap, p, (size_t)(colon + 1 - p)) || !put(&out, &len, &cap, red, sizeof red - 1)) {
                free(out);
                return NULL;
            }
            p = at;
        } else {
            if (!put(&out, &len, &cap, p, (size_t)(end - p))) { free(out); return NULL; }
            p = end;
        }
    }
    if (!put(&out, &len, &cap, p, strlen(p))) { free(out); return NULL; }
    return out;
}

/* A URL for a message: its password redacted. When the text is not a
 * well-formed URL (it is being reported as such), everything between the
 * first ':' after the scheme and the last '@' may be a password. */
static const char *shown_url(sig_arena *a, const char *url)
{
    const char *sep = strstr(url, "://");
    const char *auth = sep ? sep + 3 : url;
    const char *at = strrchr(auth, '@');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon) return sig_arena_printf(a, "%.*s[redacted]%s", (int)(colon + 1 - url), url, at);
    char *r = api_redact_urls(url);
    const char *s = sig_arena_strdup(a, r ? r : "[redacted]");
    free(r);
    return s;
}

/* Checks an API or console URL with libcurl's own URL parser, the one that
 * will send the requests, so that the host checked is the host contacted
 * (https://curl.se/libcurl/c/curl_url_get.html). http is refused unless
 * the host is loopback or `allow_http`: the API key and the access tokens
 * would cross the network in clear text. */
static bool check_url(sig_ctx *ctx, const char *what, const char *how, const char *url, bool allow_http)
{
    sig_arena *a = sig_ctx_arena(ctx);
    if (!load_libcurl()) {
        sig_error(ctx, SIG_NOLOC, "E0942", "cannot load libcurl (libcurl.so.4; Debian package libcurl4)");
        return false;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    if (!ok) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "the %s `%s` is not an http(s) URL", what,
                                shown_url(a, url));
        sig_diag_help(ctx, d, "%s, for example https://signals.example.com", how);
    } else if (strcmp(scheme, "http") == 0 && !allow_http && !api_host_is_loopback(host)) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0952", "the %s `%s` is plain http to a host that is not loopback",
                                what, shown_url(a, url));
        sig_diag_note(ctx, d, SIG_NOLOC, "the API key and access tokens would cross the network unencrypted");
        sig_diag_help(ctx, d, "use https; --allow-insecure-http allows http (only on a network you trust)");
        ok = false;
    }
    if (scheme) curl_free(scheme);
    if (host) curl_free(host);
    if (u) curl_url_cleanup(u);
    return ok;
}

/* True when `s` has a byte that may not appear in an HTTP header value. */
static bool has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F) return true;
    return false;
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
    } else if (!check_url(ctx, "API URL", "--api-url or SNOWPLOW_API_URL", url, flags->allow_insecure_http)) {
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
    out->console_url = strip_slash(a, console);

    out->api_key = first(flags->api_key, env("SNOWPLOW_API_KEY"), env("SNOWPLOW_CONSOLE_API_KEY"));
    out->api_key_id = first(flags->api_key_id, env("SNOWPLOW_API_KEY_ID"), env("SNOWPLOW_CONSOLE_API_KEY_ID"));
    out->org_id = first(flags->org_id, env("SNOWPLOW_ORG_ID"), env("SNOWPLOW_CONSOLE_ORG_ID"));
    out->sandbox_token = first(flags->sandbox_token, env("SNOWPLOW_SANDBOX_TOKEN"), NULL);

    bool bdp = strcmp(mode, "bdp") == 0;
    /* The console is contacted (with the API key) only for a bdp token. */
    if (bdp && need_auth &&
        !check_url(ctx, "console URL", "--console-url or SNOWPLOW_CONSOLE_URL", console, flags->allow_insecure_http))
        ok = false;
    if (bdp && need_auth && (!out->api_key || !out->api_key_id || !out->org_id)) {
        const char *path = flags->config_path;
        if (!path) {
            const char *home = env("HOME");
            path = home ? sig_arena_printf(a, "%s/.config/snowplow/snowplow.yml", home) : NULL;
        }
        size_t len = 0;
        char *text = path ? slurp(path, &len) : NULL;
        if (path && !text && errno != ENOENT && errno != ENOTDIR) {
            sig_error(ctx, SIG_NOLOC, "E0941", "cannot read `%s`: %s", path, strerror(errno));
            ok = false;
        } else if (text) {
            api_yml y;
            char err[256];
            if (!api_yml_parse(a, text, len, &y, err, sizeof err)) {
                sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0941", "%s:%s", path, err);
                sig_diag_help(ctx, d, "signalsc reads `console:` with the string keys org-id, "
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
    /* These go into HTTP header lines: a line break would end the header
     * (and could add others). The value itself is not shown. */
    const struct { const char *value, *name; } creds[] = {
        {out->api_key, "the API key"},
        {out->api_key_id, "the API key id"},
        {out->org_id, "the organization id"},
        {out->sandbox_token, "the sandbox token"},
    };
    for (size_t i = 0; i < sizeof creds / sizeof creds[0]; i++) {
        if (has_control(creds[i].value)) {
            sig_error(ctx, SIG_NOLOC, "E0940", "%s contains a line break or another control character", creds[i].name);
            ok = false;
        }
    }

    /* Bounded so that the conversions to milliseconds (long) are defined. */
    out->connect_timeout = flags->connect_timeout > 0 ? (flags->connect_timeout < 1e6 ? flags->connect_timeout : 1e6) : 10;
    out->timeout = flags->timeout > 0 ? (flags->timeout < 1e6 ? flags->timeout : 1e6) : 30;
    out->retries = flags->retries >= 0 ? flags->retries : 3;
    out->retry_base_ms = flags->retry_base_ms >= 0 ? flags->retry_base_ms : 500;
    out->retry_max_ms = flags->retry_max_ms >= 0 ? flags->retry_max_ms : 30000;
    if (!out->log) out->log = stderr;
    return ok;
}

/* ======================================================== snowplow.yml */

/* The file is read with libyaml's document loader (https://pyyaml.org/wiki/
 * LibYAML): any YAML 1.1 the Snowplow CLI or a person writes is understood
 * (quoting styles, comments, flow style, anchors and aliases). Messages
 * never quote the file: a value may be the API key. libyaml's own problem
 * strings are fixed texts, and the byte a reader error is about is left
 * out. */

static bool yml_fail(char *err, size_t errlen, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool yml_fail(char *err, size_t errlen, yaml_mark_t m, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%zu:%zu: ", m.line + 1, m.column + 1);
    if (n < 0 || (size_t)n >= errlen) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* The mark of byte `off` of `text` (libyaml reports reader errors, such as
 * invalid UTF-8, as a byte offset). Columns count bytes here. */
static yaml_mark_t mark_at(const char *text, size_t len, size_t off)
{
    yaml_mark_t m = {0, 0, 0};
    if (off > len) off = len;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') { m.line++; m.column = 0; }
        else m.column++;
    }
    m.index = off;
    return m;
}

/* The byte at line/column of a libyaml mark (columns in characters), or
 * -1; used to tell a tab in the indentation. */
static int byte_at(const char *text, size_t len, yaml_mark_t m)
{
    size_t i = 0, line = 0;
    while (i < len && line < m.line)
        if (text[i++] == '\n') line++;
    for (size_t col = 0; i < len && col < m.column; col++) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80) i++;
    }
    return i < len ? (unsigned char)text[i] : -1;
}

static bool yml_syntax_error(const yaml_parser_t *p, const char *text, size_t len, char *err, size_t errlen)
{
    if (p->error == YAML_READER_ERROR)
        return yml_fail(err, errlen, mark_at(text, len, p->problem_offset), "not valid YAML: %s",
                        p->problem ? p->problem : "unreadable input");
    if (p->error == YAML_MEMORY_ERROR)
        return yml_fail(err, errlen, p->problem_mark, "out of memory reading YAML");
    const char *hint = byte_at(text, len, p->problem_mark) == '\t'
                           ? " (tabs may not indent YAML; use spaces)" : "";
    if (p->context)
        return yml_fail(err, errlen, p->problem_mark, "not valid YAML: %s (%s at line %zu)%s",
                        p->problem ? p->problem : "syntax error", p->context, p->context_mark.line + 1, hint);
    return yml_fail(err, errlen, p->problem_mark, "not valid YAML: %s%s",
                    p->problem ? p->problem : "syntax error", hint);
}

static bool yml_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const char *v = (const char *)n->data.scalar.value;
    size_t l = n->data.scalar.length;
    return l == 0 || (l == 1 && v[0] == '~') ||
           (l == 4 && (memcmp(v, "null", 4) == 0 || memcmp(v, "Null", 4) == 0 || memcmp(v, "NULL", 4) == 0));
}

static bool yml_key_is(const yaml_node_t *k, const char *name)
{
    return k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(name) &&
           memcmp(k->data.scalar.value, name, k->data.scalar.length) == 0;
}

static const char *yml_kind(const yaml_node_t *n)
{
    return n->type == YAML_SEQUENCE_NODE ? "a list" : n->type == YAML_MAPPING_NODE ? "a mapping" : "empty";
}

/* One of the three console values: a string scalar without control
 * characters (they would end up in an HTTP header), or null. */
static bool yml_value(sig_arena *a, const yaml_node_t *v, const char *key, const char **out, char *err,
                      size_t errlen)
{
    if (v->type != YAML_SCALAR_NODE)
        return yml_fail(err, errlen, v->start_mark, "`console.%s` must be a single value, not %s", key, yml_kind(v));
    if (yml_is_null(v)) { *out = NULL; return true; }
    if (v->tag && strcmp((const char *)v->tag, YAML_STR_TAG) != 0)
        return yml_fail(err, errlen, v->start_mark, "`console.%s` has a tag other than !!str", key);
    const unsigned char *s = v->data.scalar.value;
    for (size_t i = 0; i < v->data.scalar.length; i++)
        if (s[i] < 0x20 || s[i] == 0x7F)
            return yml_fail(err, errlen, v->start_mark,
                            "`console.%s` holds a line break or another control character (a `|` or `>` "
                            "block keeps its final line break: use `|-`, or a quoted value)", key);
    *out = sig_arena_strndup(a, (const char *)s, v->data.scalar.length);
    return true;
}

static bool yml_console(sig_arena *a, yaml_document_t *doc, const yaml_node_t *con, api_yml *out, char *err,
                        size_t errlen)
{
    static const char *const keys[3] = {"org-id", "api-key-id", "api-key"};
    const char **slots[3] = {&out->org_id, &out->api_key_id, &out->api_key};
    bool seen[3] = {false, false, false};
    if (yml_is_null(con)) return true;
    if (con->type != YAML_MAPPING_NODE)
        return yml_fail(err, errlen, con->start_mark,
                        "`console` must be a mapping (org-id, api-key-id, api-key), not %s",
                        con->type == YAML_SCALAR_NODE ? "a single value" : yml_kind(con));
    for (const yaml_node_pair_t *pr = con->data.mapping.pairs.start; pr < con->data.mapping.pairs.top; pr++) {
        const yaml_node_t *k = yaml_document_get_node(doc, pr->key);
        const yaml_node_t *v = yaml_document_get_node(doc, pr->value);
        if (!k || !v) continue;
        if (k->type != YAML_SCALAR_NODE)
            return yml_fail(err, errlen, k->start_mark, "a key under `console` must be a single value, not %s",
                            yml_kind(k));
        if (yml_key_is(k, "<<"))
            return yml_fail(err, errlen, k->start_mark, "merge keys (`<<`) are not understood under `console`");
        for (int i = 0; i < 3; i++) {
            if (!yml_key_is(k, keys[i])) continue;
            if (seen[i]) return yml_fail(err, errlen, k->start_mark, "`console.%s` appears twice", keys[i]);
            seen[i] = true;
            if (!yml_value(a, v, keys[i], slots[i], err, errlen)) return false;
        }
        /* Other keys belong to other Snowplow tools: ignored. */
    }
    return true;
}

/* libyaml's scanner walks its stack of possible simple keys, one per flow
 * level, at every token: a deeply nested file ("[[[[...") takes quadratic
 * time (40 000 levels: half a minute). A first pass over the events stops
 * at a depth no configuration file has, before the document is built; its
 * look-ahead is bounded (a simple key spans at most 1024 characters, YAML
 * 1.1 section 9.1.3), so the pass is linear. */
enum { YML_MAX_DEPTH = 64 };

static bool yml_depth_ok(const char *text, size_t len, char *err, size_t errlen)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return yml_fail(err, errlen, (yaml_mark_t){0, 0, 0}, "out of memory reading YAML");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = true;
    int depth = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            ok = yml_syntax_error(&p, text, len, err, errlen);
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
            if (++depth > YML_MAX_DEPTH)
                ok = yml_fail(err, errlen, ev.start_mark, "nested more than %d levels deep", YML_MAX_DEPTH);
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&ev);
        if (!ok || t == YAML_STREAM_END_EVENT) break;
    }
    yaml_parser_delete(&p);
    return ok;
}

bool api_yml_parse(sig_arena *a, const char *text, size_t len, api_yml *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen) err[0] = '\0';
    if (!yml_depth_ok(text, len, err, errlen)) return false;
    yaml_parser_t p;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p))
        return yml_fail(err, errlen, (yaml_mark_t){0, 0, 0}, "out of memory reading YAML");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        yml_syntax_error(&p, text, len, err, errlen);
        yaml_parser_delete(&p);
        return false;
    }
    bool ok = true;
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && !yml_is_null(root) && root->type != YAML_MAPPING_NODE) {
        ok = yml_fail(err, errlen, root->start_mark, "expected `key:` lines (a mapping) at the top level, not %s",
                      root->type == YAML_SCALAR_NODE ? "a single value" : yml_kind(root));
    } else if (root && root->type == YAML_MAPPING_NODE) {
        const yaml_node_t *con = NULL;
        for (const yaml_node_pair_t *pr = root->data.mapping.pairs.start; ok && pr < root->data.mapping.pairs.top;
             pr++) {
            const yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            if (!yml_key_is(k, "console")) continue;
            if (con) ok = yml_fail(err, errlen, k->start_mark, "`console` appears twice");
            con = yaml_document_get_node(&doc, pr->value);
        }
        if (ok && con) ok = yml_console(a, &doc, con, out, err, errlen);
    }
    bool had_root = root != NULL;
    yaml_document_delete(&doc);
    /* A second document: the file is not the one-document config expected
     * (and a syntax error after the first must still be reported). */
    if (ok && had_root) {
        if (!yaml_parser_load(&p, &doc)) {
            ok = yml_syntax_error(&p, text, len, err, errlen);
        } else {
            const yaml_node_t *r2 = yaml_document_get_root_node(&doc);
            if (r2) ok = yml_fail(err, errlen, r2->start_mark, "a second YAML document is not understood");
            yaml_document_delete(&doc);
        }
    }
    if (!ok) memset(out, 0, sizeof *out);
    yaml_parser_delete(&p);
    return ok;
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
    const char *secrets[4];   /* API key, sandbox token, URL passwords */
    char *url_passwords[2];   /* of the API and console URLs (curl_free) */
    const char *ca_file;      /* CURLOPT_CAINFO, from the environment */
    const char *ca_path;      /* CURLOPT_CAPATH */
};

void api_response_free(api_response *r)
{
    if (!r) return;
    free(r->body);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

static void logf_(api_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
    /* A password in a URL (https://user:pass@host) is a secret too: it is
     * redacted wherever the URL is shown, and on its own. */
    const char *urls[2] = {cfg->api_url, cfg->console_url};
    for (size_t i = 0; i < 2; i++) {
        CURLU *u = urls[i] ? curl_url() : NULL;
        char *pw = NULL;
        if (u && curl_url_set(u, CURLUPART_URL, urls[i], 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK && pw && *pw)
            c->secrets[k++] = c->url_passwords[i] = pw;
        else if (pw)
            curl_free(pw);
        if (u) curl_url_cleanup(u);
    }
    /* libcurl itself reads none of these variables (only the curl tool
     * does: https://curl.se/docs/sslcerts.html); they are honoured the way
     * the tool does: CURL_CA_BUNDLE, else SSL_CERT_DIR and SSL_CERT_FILE. */
    const char *from_file = "CURL_CA_BUNDLE";
    c->ca_file = env("CURL_CA_BUNDLE");
    if (!c->ca_file) {
        c->ca_path = env("SSL_CERT_DIR");
        c->ca_file = env("SSL_CERT_FILE");
        from_file = "SSL_CERT_FILE";
    }
    if (c->cfg.verbose && c->ca_file) logf_(c, "  TLS: CA certificates from %s (%s)\n", c->ca_file, from_file);
    if (c->cfg.verbose && c->ca_path) logf_(c, "  TLS: CA certificate directory %s (SSL_CERT_DIR)\n", c->ca_path);
    return c;
}

void api_client_free(api_client *c)
{
    if (!c) return;
    curl_easy_cleanup(c->curl);
    for (size_t i = 0; i < 2; i++)
        if (c->url_passwords[i]) curl_free(c->url_passwords[i]);
    free(c->token);
    free(c);
}

unsigned api_client_requests(const api_client *c) { return c->requests; }

bool api_client_dry_run(const api_client *c) { return c->cfg.dry_run; }

char *api_client_scrub(const api_client *c, const char *s)
{
    char *out = api_redact_urls(s);
    if (!out) return NULL;
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

/* `s` scrubbed (api_client_scrub), in the context's arena. */
static const char *shown_scrubbed(api_client *c, const char *s)
{
    char *m = api_client_scrub(c, s);
    const char *r = sig_arena_strdup(sig_ctx_arena(c->ctx), m ? m : "[redacted]");
    free(m);
    return r;
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
    bool retry_after;   /* the answer has a Retry-After (libcurl reads its value) */
} hdrs;

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    hdrs *h = ud;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) h->retry_after = true;
    return len;
}

typedef enum auth_kind { AUTH_NONE, AUTH_API, AUTH_CONSOLE } auth_kind;

/* One attempt. Returns the curl code; fills status, body and whether a
 * Retry-After came. */
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
    if (c->ca_file) curl_easy_setopt(k, CURLOPT_CAINFO, c->ca_file);
    if (c->ca_path) curl_easy_setopt(k, CURLOPT_CAPATH, c->ca_path);
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

/* Server text for the terminal: control characters (line breaks, and the
 * ESC of terminal escape sequences a hostile server could send, ECMA-48)
 * become spaces. In place; NULL is fine. */
static void defang(char *s)
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
    if (cJSON_IsString(t) && t->valuestring[0] && !has_control(t->valuestring)) tok = strdup(t->valuestring);
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
    defang(r);
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
        hdrs h = {false};
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
            const char *su = shown_scrubbed(c, url);
            sig_diag *dg;
            if (rc == CURLE_OPERATION_TIMEDOUT)
                dg = sig_error(c->ctx, SIG_NOLOC, "E0942", "%s: %s %s timed out (%s)", what, method, su, m ? m : "");
            else
                dg = sig_error(c->ctx, SIG_NOLOC, "E0942", "%s: %s %s failed: %s", what, method, su, m ? m : "");
            free(m);
            if (retryable_curl(rc))
                sig_diag_note(c->ctx, dg, SIG_NOLOC, "gave up after %d attempt%s", attempt + 1, attempt ? "s" : "");
            if (rc == CURLE_OPERATION_TIMEDOUT)
                sig_diag_help(c->ctx, dg, "timeouts: --connect-timeout %g s, --timeout %g s",
                              c->cfg.connect_timeout, c->cfg.timeout);
            if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                rc == CURLE_SSL_CONNECT_ERROR)
                sig_diag_help(c->ctx, dg, "TLS certificates are always verified; if the server uses a private CA, "
                                          "point SSL_CERT_FILE (or CURL_CA_BUNDLE) at its certificate, or "
                                          "SSL_CERT_DIR at a directory of them (hashed: openssl rehash)");
            return LOOP_FAILED;
        }
        if (!c->cfg.verbose) {
            /* quiet */
        } else if (auth == AUTH_CONSOLE && status >= 200 && status < 300) {
            logf_(c, "< %ld (%ld ms; body not shown: it carries the access token)\n", status, took);
        } else if (mb.len && (status < 200 || status >= 300)) {
            logf_(c, "< %ld (%ld ms)\n", status, took);
            char *s = api_client_scrub(c, mb.data);
            defang(s);
            logf_(c, "  %.1000s\n", s ? s : "");
            free(s);
        } else {
            logf_(c, "< %ld (%ld ms)\n", status, took);
        }
        bool retry_status = status == 429 || status >= 500;
        if (retry_status && can_retry) {
            long d = api_backoff_ms(attempt, c->cfg.retry_base_ms, c->cfg.retry_max_ms, rng01(c));
            const char *how = "backoff";
            /* libcurl parses Retry-After itself, delay-seconds or HTTP-date
             * (CURLINFO_RETRY_AFTER, libcurl >= 7.66: seconds from now;
             * 0 when unreadable, negative for a date in the past). */
            curl_off_t ra_s = 0;
            bool capped;
            if ((status == 429 || status == 503) && h.retry_after &&
                curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &ra_s) == CURLE_OK) {
                d = api_retry_after_ms((int64_t)ra_s, c->cfg.retry_max_ms, &capped);
                how = capped ? "Retry-After, capped" : "Retry-After";
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
    const char *shown = shown_scrubbed(c, url);
    api_response r = {0};
    bool exhausted;
    c->token_fetches++;
    if (attempt_loop(c, "GET", url, NULL, AUTH_CONSOLE, "token exchange", &r, &exhausted) != LOOP_ANSWER)
        return false;
    bool ok = false;
    if (r.status == 200 || r.status == 201) {
        bool json;
        c->token = api_token_answer(r.body, r.len, &json);
        if (c->token) {
            c->token_has_exp = api_jwt_exp(c->token, &c->token_exp);
            ok = true;
        } else {
            sig_diag *d = sig_error(c->ctx, SIG_NOLOC, "E0948",
                                    "token exchange: the console's answer has no `accessToken`%s",
                                    json ? "" : " (not JSON)");
            sig_diag_note(c->ctx, d, SIG_NOLOC, "GET %s", shown);
        }
    } else {
        char *m = api_error_message(r.body, r.len);
        char *sm = api_client_scrub(c, m);
        sig_diag *d = sig_error(c->ctx, SIG_NOLOC, "E0943",
                                "token exchange failed: the console answered %ld: %s", r.status, sm ? sm : "");
        sig_diag_note(c->ctx, d, SIG_NOLOC, "GET %s", shown);
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
    char *m = api_error_message(r->body, r->len);
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
                    defang(sm);
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

/* ============================================================ plain GET */

typedef struct capped {
    membuf mb;
    size_t max;
} capped;

static size_t on_capped(char *p, size_t size, size_t n, void *ud)
{
    capped *c = ud;
    if (c->mb.len + size * n > c->max) { c->mb.too_big = true; return 0; }
    return on_body(p, size, n, &c->mb);
}

int sig_http_get(const char *url, const char *const *headers, double connect_timeout,
                 double timeout, size_t max_bytes, sig_http_answer *out)
{
    memset(out, 0, sizeof *out);
    if (!load_libcurl()) {
        snprintf(out->error, sizeof out->error, "libcurl (libcurl.so.4) cannot be loaded");
        return -1;
    }
    CURL *k = curl_easy_init();
    if (!k) { snprintf(out->error, sizeof out->error, "libcurl failed to start"); return -1; }
    struct curl_slist *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++) hl = curl_slist_append(hl, headers[i]);
    capped cb = {.max = max_bytes};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(k, CURLOPT_URL, url);
    if (hl) curl_easy_setopt(k, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 2L);
    const char *ca = env("CURL_CA_BUNDLE");
    if (!ca) ca = env("SSL_CERT_FILE");
    if (ca) curl_easy_setopt(k, CURLOPT_CAINFO, ca);
    curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(k, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, (long)(connect_timeout * 1000));
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_capped);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, &cb);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(k, CURLOPT_USERAGENT, "signalsc/" SIGNALS_VERSION);
    CURLcode rc = curl_easy_perform(k);
    curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(k);
    out->body = cb.mb.data;
    out->len = cb.mb.len;
    if (rc != CURLE_OK) {
        snprintf(out->error, sizeof out->error, "%s", cb.mb.too_big ? "the answer is too large"
                 : errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return -2;
    }
    return 0;
}
