/* client.h: the Signals API HTTP client (libcurl) behind `signalsc publish`,
 * `unpublish`, `delete`, `sync`, `test-connection` and `plan`.
 *
 * Wire behaviour follows ../shared/reference/signals-api.md section 2:
 *   - every call goes to {api_url}/api/v1/{path}; the health check to
 *     {api_url}/health-all with no auth;
 *   - headers: Content-Type: application/json; charset=utf-8,
 *     X-Signals-Sdk-Name: signalsc <version>, Authorization: Bearer <token>;
 *   - "bdp" auth: the token comes from GET {console}/api/msc/v1/organizations/
 *     {org}/credentials/v3/token (X-API-Key-Id, X-API-Key) and is kept in
 *     memory; it is fetched again when its JWT `exp` has passed, and once
 *     more when the API answers 401 (the token may have been revoked);
 *   - "sandbox" auth: Authorization: Bearer <sandbox token>.
 *
 * Transport: TLS verification always on (no option turns it off), with the
 * CA certificates of CURL_CA_BUNDLE, else SSL_CERT_FILE and SSL_CERT_DIR,
 * when set (libcurl's built-in bundle otherwise); only https, and http to a
 * loopback host or with allow_insecure_http; no redirects followed (a redirect would carry the
 * Authorization header elsewhere); connect and total timeouts; bounded
 * retries with exponential backoff and jitter on 429 (Retry-After honoured,
 * capped), 5xx and transport errors (connection refused or reset, timeouts,
 * malformed HTTP); never on any other 4xx.
 *
 * Secrets (API key, sandbox token, access tokens, a password in a URL) are
 * never printed: --verbose shows `Authorization: Bearer [redacted]` and
 * `X-API-Key: [redacted]`, the console's answer body is never shown, every
 * URL is shown with its password redacted, messages about snowplow.yml
 * never quote it, and every message the client prints is scrubbed of the
 * secret strings it knows.
 *
 * The parsers of untrusted input (snowplow.yml, the server's answers, the
 * token) are separate functions below, callable alone (tests, fuzzing).
 *
 * Errors are queued as diagnostics (codes E094x/E095x) on the context. */
#ifndef SIGNALS_API_CLIENT_H
#define SIGNALS_API_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "signals/export.h"
#include "signals/signals.h"

/* ------------------------------------------------------------ config */

/* Settings of the client. Strings are borrowed. In the `flags` given to
 * api_config_resolve(), NULL / negative numbers mean "not given". */
typedef struct api_config {
    const char *api_url;        /* --api-url, SNOWPLOW_API_URL */
    const char *api_version;    /* attribute-groups | views (--api-version) */
    const char *auth_mode;      /* bdp | sandbox (--auth-mode, SNOWPLOW_AUTH_MODE) */
    const char *api_key;        /* --api-key, SNOWPLOW_API_KEY, console.api-key */
    const char *api_key_id;     /* --api-key-id, SNOWPLOW_API_KEY_ID, console.api-key-id */
    const char *org_id;         /* --org-id, SNOWPLOW_ORG_ID, console.org-id */
    const char *sandbox_token;  /* --sandbox-token, SNOWPLOW_SANDBOX_TOKEN */
    const char *console_url;    /* --console-url, SNOWPLOW_CONSOLE_URL, BDP_NEXT */
    const char *config_path;    /* snowplow.yml (default ~/.config/snowplow/snowplow.yml) */
    double connect_timeout;     /* seconds (default 10) */
    double timeout;             /* seconds, whole request (default 30) */
    int retries;                /* retries after the first attempt (default 3) */
    long retry_base_ms;         /* first backoff delay (default 500) */
    long retry_max_ms;          /* cap of any delay, Retry-After included (default 30000) */
    bool allow_insecure_http;   /* --allow-insecure-http: http to any host */
    bool verbose;
    bool dry_run;
    FILE *log;                  /* --verbose and dry-run output (default stderr) */
} api_config;

#define API_DEFAULT_CONSOLE "https://console.snowplowanalytics.com"
#define API_NEXT_CONSOLE "https://next.console.snowplowanalytics.com"

/* Fills `out` from `flags`, then the environment, then the snowplow.yml
 * file (only for the three console keys, and only when one of them is still
 * missing in bdp mode), then defaults. Checks what the chosen auth mode
 * needs. `need_auth` false (test-connection's health check alone, dry runs)
 * skips the credential checks and the console URL. Strings are copied into
 * the context's arena; timeouts are capped at 10^6 seconds.
 *
 * URLs are parsed with libcurl's URL API (so libcurl is loaded here): the
 * scheme must be http or https, and http is refused (E0952) unless the host
 * is loopback (127.0.0.0/8, [::1], localhost) or allow_insecure_http is set.
 * Messages show URLs with their password redacted.
 *
 * Returns false after queuing: E0940 (missing or malformed setting, a
 * credential with a control character, which would break the HTTP header),
 * E0941 (snowplow.yml unreadable or not understood: "PATH:LINE:COL: what"),
 * E0952 (plain http to a host that is not loopback), E0942 (libcurl cannot
 * be loaded). */
SIG_API bool api_config_resolve(sig_ctx *ctx, const api_config *flags, bool need_auth, api_config *out)
    SIG_SYMBOL("sig_api_config_resolve");

/* The three `console:` keys of snowplow.yml. */
typedef struct api_yml {
    const char *org_id, *api_key_id, *api_key; /* NULL when absent or null */
} api_yml;

/* Parses the `len` bytes at `text` (any bytes; NUL-terminated or not), a
 * snowplow.yml, with libyaml: YAML 1.1 in any style (quotes, comments,
 * flow collections, anchors and aliases, a leading `---`). The top level
 * must be a mapping (or empty); its `console` key, if any, a mapping whose
 * keys org-id, api-key-id and api-key are string scalars (plain null, ~ or
 * empty: absent) without control characters. Other keys, at the top level
 * or under `console`, are ignored.
 *
 * Returns true with `out` filled (values allocated in `a`); or false with
 * `out` zeroed and "LINE:COL: what" (1-based; columns in characters) in
 * `err` (`errlen` bytes, truncated) for: invalid YAML (libyaml's message;
 * a tab in indentation is named), a top level that is not a mapping, a
 * `console` that is not a mapping, a duplicate `console` or console key, a
 * console value that is not a string (list, mapping, tag other than !!str)
 * or holds a control character (a `|` block keeps its final line break), a
 * merge key (`<<`) under console, a second YAML document, collections
 * nested more than 64 deep (libyaml's scanner is quadratic in the depth:
 * they are refused in a first, linear pass). The message never
 * quotes the file's text (a value may be the API key). */
SIG_API bool api_yml_parse(sig_arena *a, const char *text, size_t len, api_yml *out, char *err, size_t errlen)
    SIG_SYMBOL("sig_api_yml_parse");

/* -------------------------------------------------------- pure parts */

/* The `exp` claim of a JWT (RFC 7519 section 4.1.4: seconds since the
 * epoch, UTC), decoded without verifying the signature. Returns false when
 * the token is not a JWT, its payload not base64url JSON, `exp` missing or
 * not a number, or outside int64_t (NaN, +-inf, 1e300): the value is
 * range-checked before conversion. `token` NULL: false. */
SIG_API bool api_jwt_exp(const char *token, int64_t *exp)
    SIG_SYMBOL("sig_api_jwt_exp");

/* The delay before retry number `attempt` (0 for the first retry):
 * base * 2^attempt capped at max, then "equal jitter": a value in
 * [d/2, d] chosen by `r` in [0, 1). */
SIG_API long api_backoff_ms(int attempt, long base_ms, long max_ms, double r)
    SIG_SYMBOL("sig_api_backoff_ms");

/* ------------------------------------------------------------ client */

typedef struct api_client api_client;

/* A response. `json` is the parsed body (NULL when empty or not JSON). */
typedef struct api_response {
    long status;        /* HTTP status; 0 when nothing was received or in a dry run */
    char *body;         /* NUL-terminated, malloc'd */
    size_t len;
    cJSON *json;
    int retries_used;   /* retries made before this answer */
} api_response;

/* Frees the body and JSON of `r` and zeroes it. NULL: nothing. */
SIG_API void api_response_free(api_response *r)
    SIG_SYMBOL("sig_api_response_free");

/* A client for a configuration resolved by api_config_resolve() (the
 * strings are borrowed: they must outlive the client). Loads libcurl on
 * first use. Reads CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR (libcurl
 * does not: https://curl.se/docs/sslcerts.html) as the curl tool does:
 * CURL_CA_BUNDLE is the CA bundle (CURLOPT_CAINFO); without it,
 * SSL_CERT_FILE is (CURLOPT_CAINFO) and SSL_CERT_DIR the directory
 * (CURLOPT_CAPATH); empty values are ignored; --verbose logs which is used.
 * Returns NULL when libcurl cannot be loaded or initialised, or out of
 * memory (no diagnostic queued). Free with api_client_free(). */
SIG_API api_client *api_client_new(sig_ctx *ctx, const api_config *cfg)
    SIG_SYMBOL("sig_api_client_new");

/* Frees the client, its token and libcurl handle. NULL: nothing. */
SIG_API void api_client_free(api_client *c)
    SIG_SYMBOL("sig_api_client_free");

/* Outcome of a request that got an HTTP answer. */
enum {
    API_SENT = 0,      /* an answer, whatever the status: see resp->status */
    API_FAILED = -1,   /* no usable answer (diagnostic queued) */
    API_DRY = -2,      /* dry run: printed, not sent */
};

/* Sends `method` to {api_url}/api/v1/{path} with the JSON `body` (NULL:
 * none), with authentication, retries and timeouts. Returns API_SENT with
 * the answer in `resp` (status 2xx or a 4xx the caller handles: 400, 404,
 * ...), API_FAILED after queuing a diagnostic (transport error, retries
 * exhausted, 401 after a fresh token, 403, 422, a 2xx whose body is not
 * JSON), or API_DRY. `expect` lists statuses (0-terminated) the caller
 * handles itself; any other non-2xx status becomes a diagnostic. */
SIG_API int api_call(api_client *c, const char *method, const char *path, const char *body,
             const long *expect, api_response *resp) SIG_SYMBOL("sig_api_call");

/* GET {api_url}/health-all without auth. Same return values. */
SIG_API int api_health(api_client *c, api_response *resp) SIG_SYMBOL("sig_api_health");

/* True in a dry run (--dry-run). */
SIG_API bool api_client_dry_run(const api_client *c) SIG_SYMBOL("sig_api_client_dry_run");

/* Requests actually sent (attempts included), for tests and messages. */
SIG_API unsigned api_client_requests(const api_client *c) SIG_SYMBOL("sig_api_client_requests");

/* `s` with URL passwords redacted (api_redact_urls) and every secret the
 * client knows (API key, sandbox token, access token, URL passwords; those
 * of 4 bytes or more) replaced by "[redacted]". Returns a malloc'd string,
 * NULL when out of memory. */
SIG_API char *api_client_scrub(const api_client *c, const char *s)
    SIG_SYMBOL("sig_api_client_scrub");

/* ------------------------------------------------- plain HTTP GET */

/* The answer of sig_http_get(). */
typedef struct sig_http_answer {
    long status;       /* HTTP status; 0 when no answer came */
    char *body;        /* malloc'd, NUL-terminated; free() it; NULL if none */
    size_t len;
    char error[256];   /* why there is no answer (libcurl's text) */
} sig_http_answer;

/* One GET of `url` through the same run-time-loaded libcurl as the client,
 * for other fetchers (the Iglu schema pull): TLS verification on (CA
 * certificates of CURL_CA_BUNDLE or SSL_CERT_FILE when set), http and https
 * only, no redirects, no retries, no proxy signal handlers. `headers` is
 * NULL or a NULL-terminated list of "Name: value" lines. Timeouts in
 * seconds (> 0). Bodies over `max_bytes` are cut off (error set). Returns
 * 0 when an HTTP answer came (any status), -1 when libcurl cannot be
 * loaded, -2 on a transport error (refused, timeout, ...: out->error). The
 * caller frees out->body in every case. */
SIG_API int sig_http_get(const char *url, const char *const *headers, double connect_timeout,
                         double timeout, size_t max_bytes, sig_http_answer *out);

#endif
