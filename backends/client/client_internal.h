/* client_internal.h: what the files of the API client share (internal to
 * libsignals): the libcurl functions, loaded at run time, and small helpers.
 * Names: api_*. */
#ifndef SIGNALS_CLIENT_INTERNAL_H
#define SIGNALS_CLIENT_INTERNAL_H

#include <stdbool.h>

/* curl's GCC type-checking macros would clash with the indirection below. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <cjson/cJSON.h>

#include "signals/client.h"

/* curl's GCC type-checking macros would clash with the indirection below. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* libcurl is loaded with dlopen(3) when the first client is made, not at
 * program start: the compiler's own commands (check, compile), which run in
 * editor save hooks, then do not pay for relocating the HTTP/TLS stack
 * (about 3 ms and 12 million instructions per start; BENCHMARKS.md). The
 * calls below go through this table; the names stay curl's. */
typedef struct api_curl_table {
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
} api_curl_table;

/* The functions, once api_curl_load() succeeded (client.c). */
extern api_curl_table api_curl;

#undef curl_easy_setopt  /* curl.h may define these two as macros */
#undef curl_easy_getinfo
#define curl_global_init (*api_curl.global_init)
#define curl_easy_init (*api_curl.easy_init)
#define curl_easy_cleanup (*api_curl.easy_cleanup)
#define curl_easy_reset (*api_curl.easy_reset)
#define curl_easy_setopt (*api_curl.easy_setopt)
#define curl_easy_getinfo (*api_curl.easy_getinfo)
#define curl_easy_perform (*api_curl.easy_perform)
#define curl_easy_strerror (*api_curl.easy_strerror)
#define curl_slist_append (*api_curl.slist_append)
#define curl_slist_free_all (*api_curl.slist_free_all)
#define curl_url (*api_curl.url)
#define curl_url_set (*api_curl.url_set)
#define curl_url_get (*api_curl.url_get)
#define curl_url_cleanup (*api_curl.url_cleanup)
#define curl_free (*api_curl.free_)

/* Loads libcurl (the soname of Debian's libcurl4 packages). False when it
 * cannot be loaded or lacks a function; the handle is kept for the process. */
bool api_curl_load(void);

/* An answer's body, grown as libcurl hands it over (api_on_body, a
 * CURLOPT_WRITEFUNCTION): malloc'd, NUL-terminated; at most `max` bytes
 * (0: 64 MiB), beyond which the transfer stops with too_big set. */
typedef struct api_membuf {
    char *data;
    size_t len, cap, max;
    bool too_big;
} api_membuf;
size_t api_on_body(char *p, size_t size, size_t n, void *ud);

/* The transport settings every request of signalsc's shares: TLS
 * verification on (CA file and directory when non-NULL), no redirects,
 * http and https only, no signal handlers, and the timeouts in seconds. */
void api_curl_transport(CURL *k, const char *ca_file, const char *ca_path, double connect_timeout,
                        double timeout);

/* The environment variable `name`, NULL when unset or empty. */
const char *api_env(const char *name);

/* True when `s` has a byte that may not appear in an HTTP header value
 * (a control character, DEL). NULL: false. */
bool api_has_control(const char *s);

/* Server text for the terminal: control characters (line breaks, and the
 * ESC of terminal escape sequences a hostile server could send, ECMA-48)
 * become spaces. In place; NULL is fine. */
void api_defang(char *s);

/* A string the server sent, for the terminal (in `a`): control characters
 * become spaces. Not a string: `dflt`. */
const char *api_shown(sig_arena *a, const cJSON *s, const char *dflt);

#endif
