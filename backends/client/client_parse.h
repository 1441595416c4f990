/* client_parse.h: the API client's pure parsers and checks, internal to
 * libsignals (not exported), declared here for the unit tests and the
 * libFuzzer harness (tests/fuzz/fuzz_client.c). */
#ifndef SIGNALS_API_CLIENT_PARSE_H
#define SIGNALS_API_CLIENT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The access token in the console's answer to the token exchange: the
 * string `accessToken` of the JSON object in `body` (`len` bytes). Returns
 * it malloc'd (the caller frees it), or NULL when absent, empty, not a
 * string or holding a control character. `*json` tells whether `body` was
 * JSON at all. */
char *api_token_answer(const char *body, size_t len, bool *json);

/* The message of an API error answer (`len` bytes at `body`, may be NULL):
 * FastAPI's `detail` (a string, or a list of {loc, msg} shown as
 * "loc.path: msg; ..."), else `message`, else any other `detail` as JSON,
 * else the body itself up to its first NUL (300 bytes at most, then
 * "..."), else "(no message)". One line: control characters (line breaks,
 * the ESC of terminal escape sequences) become spaces.
 * Returns a malloc'd string, or NULL when out of memory. The caller
 * scrubs secrets (api_client_scrub) before showing it. */
char *api_error_message(const char *body, size_t len);

/* The wait before a retry from a Retry-After header as libcurl read it
 * (CURLINFO_RETRY_AFTER: seconds from now, delay-seconds or HTTP-date;
 * negative for a date in the past): `seconds` * 1000 ms, 0 when
 * `seconds` <= 0, at most `max_ms` (then `*capped` is set). Defined for
 * every int64_t (no overflow). */
long api_retry_after_ms(int64_t seconds, long max_ms, bool *capped);

/* True when `host` (as libcurl's CURLUPART_HOST gives it: IPv6 in
 * brackets) is loopback: 127.0.0.0/8 in dotted-quad form, [::1] (any
 * spelling), localhost or localhost. (any case). NULL: false. */
bool api_host_is_loopback(const char *host);

/* `text` with the password of every URL in it ("scheme://user:PASS@host")
 * replaced by "[redacted]". Returns a malloc'd string (NULL when out of
 * memory); `text` NULL is "". */
char *api_redact_urls(const char *text);

#endif
