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
 * Transport: TLS verification always on (no option turns it off); only
 * http and https; no redirects followed (a redirect would carry the
 * Authorization header elsewhere); connect and total timeouts; bounded
 * retries with exponential backoff and jitter on 429 (Retry-After honoured,
 * capped), 5xx and transport errors (connection refused or reset, timeouts,
 * malformed HTTP); never on any other 4xx.
 *
 * Secrets (API key, sandbox token, access tokens) are never printed:
 * --verbose shows `Authorization: Bearer [redacted]` and `X-API-Key:
 * [redacted]`, the console's answer body is never shown, and every message
 * the client prints is scrubbed of the secret strings it knows.
 *
 * Errors are queued as diagnostics (codes E094x/E095x) on the context. */
#ifndef SIGNALS_API_CLIENT_H
#define SIGNALS_API_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

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
 * skips the credential checks. Strings are copied into the context's arena.
 * Returns false after queuing E0940 / E0941. */
bool api_config_resolve(sig_ctx *ctx, const api_config *flags, bool need_auth, api_config *out);

/* The three `console:` keys of snowplow.yml. */
typedef struct api_yml {
    const char *org_id, *api_key_id, *api_key; /* NULL when absent */
} api_yml;

/* Parses the text of a snowplow.yml: a strict subset of YAML, enough for
 * `console:` with scalar `org-id`, `api-key-id` and `api-key` (plain,
 * 'single' or "double" quoted; `#` comments; `---` first). Other top-level
 * keys and their indented blocks are skipped; anything else not understood
 * (tabs, flow or block collections or multi-line scalars under `console`,
 * anchors, tags, duplicate keys, bad indentation, unterminated quotes) is an
 * error: returns false and writes "line N: what" to `err` (`errlen` bytes).
 * Values are allocated in `a`. */
bool api_yml_parse(sig_arena *a, const char *text, api_yml *out, char *err, size_t errlen);

/* -------------------------------------------------------- pure parts */

/* The `exp` claim of a JWT, decoded without verifying the signature.
 * Returns false when the token is not a JWT or has no numeric `exp`. */
bool api_jwt_exp(const char *token, int64_t *exp);

/* A Retry-After value: delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"; also the RFC 850 and asctime forms),
 * relative to `now`. A date in the past gives 0. Returns false if `value`
 * is neither. */
bool api_parse_retry_after(const char *value, time_t now, long *delay_ms);

/* The delay before retry number `attempt` (0 for the first retry):
 * base * 2^attempt capped at max, then "equal jitter": a value in
 * [d/2, d] chosen by `r` in [0, 1). */
long api_backoff_ms(int attempt, long base_ms, long max_ms, double r);

/* The message of an error answer body: FastAPI's `detail` (a string, or a
 * list of {loc, msg}), `message`, or the text itself (shortened to 300
 * bytes), on one line; "(no message)" for NULL or "". malloc'd. Internal:
 * exposed so that tests/fuzz/fuzz_client.c can call it alone. */
char *api_message(const char *body);

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

void api_response_free(api_response *r);

api_client *api_client_new(sig_ctx *ctx, const api_config *cfg);
void api_client_free(api_client *c);

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
int api_call(api_client *c, const char *method, const char *path, const char *body,
             const long *expect, api_response *resp);

/* GET {api_url}/health-all without auth. Same return values. */
int api_health(api_client *c, api_response *resp);

/* True in a dry run (--dry-run). */
bool api_client_dry_run(const api_client *c);

/* Requests actually sent (attempts included), for tests and messages. */
unsigned api_client_requests(const api_client *c);

/* Replaces every secret the client knows in `s` by "[redacted]"; returns a
 * malloc'd string. */
char *api_client_scrub(const api_client *c, const char *s);

#endif
