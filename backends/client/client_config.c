/* client_config.c: the API client's configuration (client.h): flags,
 * environment, snowplow.yml, URL checks. */
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

/* ============================================================ config */

const char *api_env(const char *name)
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
    if (!api_curl_load()) {
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
bool api_has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F) return true;
    return false;
}

/* The bdp credentials that flags and environment left missing, from
 * snowplow.yml (`console:` org-id, api-key-id, api-key); E0940 when some
 * are still missing (only reported when `ok`: nothing failed before),
 * E0941 when the file cannot be read or parsed. Returns `ok` and these. */
static bool bdp_credentials(sig_ctx *ctx, const api_config *flags, api_config *out, bool ok)
{
    sig_arena *a = sig_ctx_arena(ctx);
    const char *path = flags->config_path;
    if (!path) {
        const char *home = api_env("HOME");
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
    return ok;
}

bool api_config_resolve(sig_ctx *ctx, const api_config *flags, bool need_auth, api_config *out)
{
    sig_arena *a = sig_ctx_arena(ctx);
    *out = *flags;
    bool ok = true;

    const char *url = first(flags->api_url, api_env("SNOWPLOW_API_URL"), NULL);
    if (!url) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "no Signals API URL");
        sig_diag_help(ctx, d, "pass --api-url URL or set SNOWPLOW_API_URL");
        ok = false;
    } else if (!check_url(ctx, "API URL", "--api-url or SNOWPLOW_API_URL", url, flags->allow_insecure_http)) {
        ok = false;
    } else {
        out->api_url = strip_slash(a, url);
    }

    const char *mode = first(flags->auth_mode, api_env("SNOWPLOW_AUTH_MODE"), "bdp");
    if (strcmp(mode, "bdp") != 0 && strcmp(mode, "sandbox") != 0) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0940", "unknown auth mode `%s`", mode);
        sig_diag_help(ctx, d, "--auth-mode (SNOWPLOW_AUTH_MODE) takes bdp or sandbox");
        ok = false;
    }
    out->auth_mode = mode;

    const char *console = first(flags->console_url, api_env("SNOWPLOW_CONSOLE_URL"),
                                getenv("BDP_NEXT") ? API_NEXT_CONSOLE : API_DEFAULT_CONSOLE);
    out->console_url = strip_slash(a, console);

    out->api_key = first(flags->api_key, api_env("SNOWPLOW_API_KEY"), api_env("SNOWPLOW_CONSOLE_API_KEY"));
    out->api_key_id = first(flags->api_key_id, api_env("SNOWPLOW_API_KEY_ID"), api_env("SNOWPLOW_CONSOLE_API_KEY_ID"));
    out->org_id = first(flags->org_id, api_env("SNOWPLOW_ORG_ID"), api_env("SNOWPLOW_CONSOLE_ORG_ID"));
    out->sandbox_token = first(flags->sandbox_token, api_env("SNOWPLOW_SANDBOX_TOKEN"), NULL);

    bool bdp = strcmp(mode, "bdp") == 0;
    /* The console is contacted (with the API key) only for a bdp token. */
    if (bdp && need_auth &&
        !check_url(ctx, "console URL", "--console-url or SNOWPLOW_CONSOLE_URL", console, flags->allow_insecure_http))
        ok = false;
    if (bdp && need_auth && (!out->api_key || !out->api_key_id || !out->org_id))
        ok = bdp_credentials(ctx, flags, out, ok);
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
        if (api_has_control(creds[i].value)) {
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

