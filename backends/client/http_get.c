/* http_get.c: one plain GET through the client's run-time-loaded libcurl
 * (see sig_http_get in client.h), for fetchers other than the Signals API
 * client, such as `signalsc schemas pull`. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signals/client.h"
#include "client/client_internal.h"

static void set_options(CURL *k, const char *url, struct curl_slist *hl, double connect_timeout,
                        double timeout, api_membuf *cb, char *errbuf)
{
    curl_easy_setopt(k, CURLOPT_URL, url);
    if (hl) curl_easy_setopt(k, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
    const char *ca = api_env("CURL_CA_BUNDLE");
    if (!ca) ca = api_env("SSL_CERT_FILE");
    api_curl_transport(k, ca, NULL, connect_timeout, timeout);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, api_on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, cb);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(k, CURLOPT_USERAGENT, "signalsc/" SIGNALS_VERSION);
}

int sig_http_get(const char *url, const char *const *headers, double connect_timeout,
                 double timeout, size_t max_bytes, sig_http_answer *out)
{
    memset(out, 0, sizeof *out);
    if (!api_curl_load()) {
        snprintf(out->error, sizeof out->error, "libcurl (libcurl.so.4) cannot be loaded");
        return -1;
    }
    CURL *k = curl_easy_init();
    if (!k) { snprintf(out->error, sizeof out->error, "libcurl failed to start"); return -1; }
    struct curl_slist *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++) hl = curl_slist_append(hl, headers[i]);
    api_membuf cb = {.max = max_bytes ? max_bytes : 1};
    char errbuf[CURL_ERROR_SIZE] = "";
    set_options(k, url, hl, connect_timeout, timeout, &cb, errbuf);
    CURLcode rc = curl_easy_perform(k);
    curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(k);
    out->body = cb.data;
    out->len = cb.len;
    if (rc != CURLE_OK) {
        snprintf(out->error, sizeof out->error, "%s", cb.too_big ? "the answer is too large"
                 : errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return -2;
    }
    return 0;
}
