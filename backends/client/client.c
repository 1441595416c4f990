/* client.c: the Signals API HTTP client (see client.h): libcurl, the token
 * flow, retries. */
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

api_curl_table api_curl;

bool api_curl_load(void)
{
    if (api_curl.handle) return true;
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) return false;
    /* POSIX: a dlsym result converts to a function pointer through memcpy. */
#define LOAD(field, name)                                           \
    do {                                                            \
        void *sym = dlsym(h, name);                                 \
        if (!sym) { dlclose(h); return false; }                     \
        memcpy(&api_curl.field, &sym, sizeof sym);                        \
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
    api_curl.handle = h;
    return true;
}

#include "signals/client.h"

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
    if (!api_curl_load()) return NULL;
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
    c->ca_file = api_env("CURL_CA_BUNDLE");
    if (!c->ca_file) {
        c->ca_path = api_env("SSL_CERT_DIR");
        c->ca_file = api_env("SSL_CERT_FILE");
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

void api_curl_transport(CURL *k, const char *ca_file, const char *ca_path, double connect_timeout,
                        double timeout)
{
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file) curl_easy_setopt(k, CURLOPT_CAINFO, ca_file);
    if (ca_path) curl_easy_setopt(k, CURLOPT_CAPATH, ca_path);
    curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(k, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, (long)(connect_timeout * 1000));
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
}

size_t api_on_body(char *p, size_t size, size_t n, void *ud)
{
    api_membuf *b = ud;
    size_t add = size * n, max = b->max ? b->max : (64u << 20);
    if (b->len + add > max) { b->too_big = true; return 0; }
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + add + 1) cap *= 2;
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
                        auth_kind auth, long *status, api_membuf *mb, hdrs *h, char *errbuf)
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
    api_curl_transport(k, c->ca_file, c->ca_path, c->cfg.connect_timeout, c->cfg.timeout);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, api_on_body);
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

typedef enum loop_result { LOOP_ANSWER, LOOP_FAILED } loop_result;

/* Sends with retries on 429, 5xx and transport errors. On LOOP_ANSWER,
 * `resp` holds the final answer (which may still be 429/5xx when retries
 * ran out: `exhausted` is then set). */
static loop_result attempt_loop(api_client *c, const char *method, const char *url, const char *body,
                                auth_kind auth, const char *what, api_response *resp, bool *exhausted)
{
    *exhausted = false;
    for (int attempt = 0;; attempt++) {
        api_membuf mb = {0};
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
            api_defang(s);
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
                    api_defang(sm);
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

