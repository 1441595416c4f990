/* atomic.c: Snowplow's atomic columns that a property may name: the 131 of
 * the Signals API's AtomicProperty enum (signals-api.md 5.1), in the API's
 * order, plus load_tstamp, which the API list lacks but the warehouse has.
 * Each with the Field type its values have in the warehouse. The list is
 * SDK 0.4.10's: 0.4.9 renamed `refr_device_tstamp` to the warehouse
 * column's name, `refr_dvce_tstamp` (the checker still reads the old name,
 * with a warning). */
#include <stdio.h>
#include <string.h>

#include "signals/model.h"

const sig_atomic_column sig_atomic_columns[] = {
    {"app_id", {SIG_STRING, false}},
    {"platform", {SIG_STRING, false}},
    {"etl_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"collector_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"dvce_created_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"event", {SIG_STRING, false}},
    {"event_id", {SIG_STRING, false}},
    {"txn_id", {SIG_INT32, false}},
    {"name_tracker", {SIG_STRING, false}},
    {"v_tracker", {SIG_STRING, false}},
    {"v_collector", {SIG_STRING, false}},
    {"v_etl", {SIG_STRING, false}},
    {"user_id", {SIG_STRING, false}},
    {"user_ipaddress", {SIG_STRING, false}},
    {"user_fingerprint", {SIG_STRING, false}},
    {"domain_userid", {SIG_STRING, false}},
    {"domain_sessionidx", {SIG_INT32, false}},
    {"network_userid", {SIG_STRING, false}},
    {"geo_country", {SIG_STRING, false}},
    {"geo_region", {SIG_STRING, false}},
    {"geo_city", {SIG_STRING, false}},
    {"geo_zipcode", {SIG_STRING, false}},
    {"geo_latitude", {SIG_DOUBLE, false}},
    {"geo_longitude", {SIG_DOUBLE, false}},
    {"geo_region_name", {SIG_STRING, false}},
    {"ip_isp", {SIG_STRING, false}},
    {"ip_organization", {SIG_STRING, false}},
    {"ip_domain", {SIG_STRING, false}},
    {"ip_netspeed", {SIG_STRING, false}},
    {"page_url", {SIG_STRING, false}},
    {"page_title", {SIG_STRING, false}},
    {"page_referrer", {SIG_STRING, false}},
    {"page_urlscheme", {SIG_STRING, false}},
    {"page_urlhost", {SIG_STRING, false}},
    {"page_urlport", {SIG_INT32, false}},
    {"page_urlpath", {SIG_STRING, false}},
    {"page_urlquery", {SIG_STRING, false}},
    {"page_urlfragment", {SIG_STRING, false}},
    {"refr_urlscheme", {SIG_STRING, false}},
    {"refr_urlhost", {SIG_STRING, false}},
    {"refr_urlport", {SIG_INT32, false}},
    {"refr_urlpath", {SIG_STRING, false}},
    {"refr_urlquery", {SIG_STRING, false}},
    {"refr_urlfragment", {SIG_STRING, false}},
    {"refr_medium", {SIG_STRING, false}},
    {"refr_source", {SIG_STRING, false}},
    {"refr_term", {SIG_STRING, false}},
    {"mkt_medium", {SIG_STRING, false}},
    {"mkt_source", {SIG_STRING, false}},
    {"mkt_term", {SIG_STRING, false}},
    {"mkt_content", {SIG_STRING, false}},
    {"mkt_campaign", {SIG_STRING, false}},
    {"contexts", {SIG_STRING, false}},
    {"se_category", {SIG_STRING, false}},
    {"se_action", {SIG_STRING, false}},
    {"se_label", {SIG_STRING, false}},
    {"se_property", {SIG_STRING, false}},
    {"se_value", {SIG_DOUBLE, false}},
    {"unstruct_event", {SIG_STRING, false}},
    {"tr_orderid", {SIG_STRING, false}},
    {"tr_affiliation", {SIG_STRING, false}},
    {"tr_total", {SIG_DOUBLE, false}},
    {"tr_tax", {SIG_DOUBLE, false}},
    {"tr_shipping", {SIG_DOUBLE, false}},
    {"tr_city", {SIG_STRING, false}},
    {"tr_state", {SIG_STRING, false}},
    {"tr_country", {SIG_STRING, false}},
    {"ti_orderid", {SIG_STRING, false}},
    {"ti_sku", {SIG_STRING, false}},
    {"ti_name", {SIG_STRING, false}},
    {"ti_category", {SIG_STRING, false}},
    {"ti_price", {SIG_DOUBLE, false}},
    {"ti_quantity", {SIG_INT32, false}},
    {"pp_xoffset_min", {SIG_INT32, false}},
    {"pp_xoffset_max", {SIG_INT32, false}},
    {"pp_yoffset_min", {SIG_INT32, false}},
    {"pp_yoffset_max", {SIG_INT32, false}},
    {"useragent", {SIG_STRING, false}},
    {"br_name", {SIG_STRING, false}},
    {"br_family", {SIG_STRING, false}},
    {"br_version", {SIG_STRING, false}},
    {"br_type", {SIG_STRING, false}},
    {"br_renderengine", {SIG_STRING, false}},
    {"br_lang", {SIG_STRING, false}},
    {"br_features_pdf", {SIG_BOOL, false}},
    {"br_features_flash", {SIG_BOOL, false}},
    {"br_features_java", {SIG_BOOL, false}},
    {"br_features_director", {SIG_BOOL, false}},
    {"br_features_quicktime", {SIG_BOOL, false}},
    {"br_features_realplayer", {SIG_BOOL, false}},
    {"br_features_windowsmedia", {SIG_BOOL, false}},
    {"br_features_gears", {SIG_BOOL, false}},
    {"br_features_silverlight", {SIG_BOOL, false}},
    {"br_cookies", {SIG_BOOL, false}},
    {"br_colordepth", {SIG_STRING, false}},
    {"br_viewwidth", {SIG_INT32, false}},
    {"br_viewheight", {SIG_INT32, false}},
    {"os_name", {SIG_STRING, false}},
    {"os_family", {SIG_STRING, false}},
    {"os_manufacturer", {SIG_STRING, false}},
    {"os_timezone", {SIG_STRING, false}},
    {"dvce_type", {SIG_STRING, false}},
    {"dvce_ismobile", {SIG_BOOL, false}},
    {"dvce_screenwidth", {SIG_INT32, false}},
    {"dvce_screenheight", {SIG_INT32, false}},
    {"doc_charset", {SIG_STRING, false}},
    {"doc_width", {SIG_INT32, false}},
    {"doc_height", {SIG_INT32, false}},
    {"tr_currency", {SIG_STRING, false}},
    {"tr_total_base", {SIG_DOUBLE, false}},
    {"tr_tax_base", {SIG_DOUBLE, false}},
    {"tr_shipping_base", {SIG_DOUBLE, false}},
    {"ti_currency", {SIG_STRING, false}},
    {"ti_price_base", {SIG_DOUBLE, false}},
    {"base_currency", {SIG_STRING, false}},
    {"geo_timezone", {SIG_STRING, false}},
    {"mkt_clickid", {SIG_STRING, false}},
    {"mkt_network", {SIG_STRING, false}},
    {"etl_tags", {SIG_STRING, false}},
    {"dvce_sent_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"refr_domain_userid", {SIG_STRING, false}},
    {"refr_dvce_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"derived_contexts", {SIG_STRING, false}},
    {"domain_sessionid", {SIG_STRING, false}},
    {"derived_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"event_vendor", {SIG_STRING, false}},
    {"event_name", {SIG_STRING, false}},
    {"event_format", {SIG_STRING, false}},
    {"event_version", {SIG_STRING, false}},
    {"event_fingerprint", {SIG_STRING, false}},
    {"true_tstamp", {SIG_UNIX_TIMESTAMP, false}},
    {"load_tstamp", {SIG_UNIX_TIMESTAMP, false}},
};

const size_t sig_atomic_column_count =
    sizeof sig_atomic_columns / sizeof sig_atomic_columns[0];

const char *const sig_atomic_names[] = {
    "app_id",
    "platform",
    "etl_tstamp",
    "collector_tstamp",
    "dvce_created_tstamp",
    "event",
    "event_id",
    "txn_id",
    "name_tracker",
    "v_tracker",
    "v_collector",
    "v_etl",
    "user_id",
    "user_ipaddress",
    "user_fingerprint",
    "domain_userid",
    "domain_sessionidx",
    "network_userid",
    "geo_country",
    "geo_region",
    "geo_city",
    "geo_zipcode",
    "geo_latitude",
    "geo_longitude",
    "geo_region_name",
    "ip_isp",
    "ip_organization",
    "ip_domain",
    "ip_netspeed",
    "page_url",
    "page_title",
    "page_referrer",
    "page_urlscheme",
    "page_urlhost",
    "page_urlport",
    "page_urlpath",
    "page_urlquery",
    "page_urlfragment",
    "refr_urlscheme",
    "refr_urlhost",
    "refr_urlport",
    "refr_urlpath",
    "refr_urlquery",
    "refr_urlfragment",
    "refr_medium",
    "refr_source",
    "refr_term",
    "mkt_medium",
    "mkt_source",
    "mkt_term",
    "mkt_content",
    "mkt_campaign",
    "contexts",
    "se_category",
    "se_action",
    "se_label",
    "se_property",
    "se_value",
    "unstruct_event",
    "tr_orderid",
    "tr_affiliation",
    "tr_total",
    "tr_tax",
    "tr_shipping",
    "tr_city",
    "tr_state",
    "tr_country",
    "ti_orderid",
    "ti_sku",
    "ti_name",
    "ti_category",
    "ti_price",
    "ti_quantity",
    "pp_xoffset_min",
    "pp_xoffset_max",
    "pp_yoffset_min",
    "pp_yoffset_max",
    "useragent",
    "br_name",
    "br_family",
    "br_version",
    "br_type",
    "br_renderengine",
    "br_lang",
    "br_features_pdf",
    "br_features_flash",
    "br_features_java",
    "br_features_director",
    "br_features_quicktime",
    "br_features_realplayer",
    "br_features_windowsmedia",
    "br_features_gears",
    "br_features_silverlight",
    "br_cookies",
    "br_colordepth",
    "br_viewwidth",
    "br_viewheight",
    "os_name",
    "os_family",
    "os_manufacturer",
    "os_timezone",
    "dvce_type",
    "dvce_ismobile",
    "dvce_screenwidth",
    "dvce_screenheight",
    "doc_charset",
    "doc_width",
    "doc_height",
    "tr_currency",
    "tr_total_base",
    "tr_tax_base",
    "tr_shipping_base",
    "ti_currency",
    "ti_price_base",
    "base_currency",
    "geo_timezone",
    "mkt_clickid",
    "mkt_network",
    "etl_tags",
    "dvce_sent_tstamp",
    "refr_domain_userid",
    "refr_dvce_tstamp",
    "derived_contexts",
    "domain_sessionid",
    "derived_tstamp",
    "event_vendor",
    "event_name",
    "event_format",
    "event_version",
    "event_fingerprint",
    "true_tstamp",
    "load_tstamp",
    NULL
};

const sig_atomic_column *sig_atomic_lookup(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sig_atomic_column_count; i++)
        if (strcmp(sig_atomic_columns[i].name, name) == 0)
            return &sig_atomic_columns[i];
    return NULL;
}

/* ------------------------------------------------ built-in attribute keys */

const sig_builtin_key sig_builtin_keys[] = {
    {"domain_userid", "domain_userid", "The domain user ID for the user."},
    {"domain_sessionid", "domain_sessionid", "The domain session ID for the session."},
    {"user_id", "user_id", "The user ID for the user."},
    {"network_userid", "network_userid", "The network user ID for the user."},
    {"user", "domain_userid", "Deprecated: Use domain_userid instead."},
    {"session", "domain_sessionid", "Deprecated: Use domain_sessionid instead."},
};
const size_t sig_builtin_key_count = sizeof sig_builtin_keys / sizeof sig_builtin_keys[0];

const sig_builtin_key *sig_builtin_key_lookup(const char *name)
{
    for (size_t i = 0; name && i < sig_builtin_key_count; i++)
        if (strcmp(sig_builtin_keys[i].name, name) == 0) return &sig_builtin_keys[i];
    return NULL;
}

/* ------------------------------------------------ warehouse column names */

const char *const sig_known_vendors[] = {
    "com.snowplowanalytics.snowplow.ecommerce", "com.snowplowanalytics.snowplow.media",
    "com.snowplowanalytics.snowplow.enrichments", "com.snowplowanalytics.snowplow",
    "com.snowplowanalytics.mobile", "com.snowplowanalytics.console",
    "com.snowplowanalytics.iglu", "com.snowplowanalytics",
    "com.google.analytics.enhanced-ecommerce", "com.google.analytics.measurement-protocol",
    "com.google.analytics", "com.google.ga4", "nl.basjes", "org.w3", "com.iab.snowplow",
    "com.youtube", "dev.amp.snowplow", "org.ietf", "com.mparticle.snowplow",
    "io.snowplow.foundation", NULL};

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* sig_snake_case() into `out` (room for 2 * strlen(s) bytes); returns the
 * length written. */
static size_t put_snake(char *out, const char *s)
{
    size_t n = 0;
    for (const char *p = s; p && *p; p++) {
        if (is_upper(*p) && p > s && p[-1] != '_' && !is_upper(p[-1])) out[n++] = '_';
        out[n++] = is_upper(*p) ? (char)(*p - 'A' + 'a') : *p;
    }
    return n;
}

char *sig_snake_case(sig_arena *arena, const char *s)
{
    if (!s) return NULL;
    char *out = sig_arena_alloc(arena, 2 * strlen(s) + 1);
    out[put_snake(out, s)] = '\0';
    return out;
}

char *sig_warehouse_stem(sig_arena *arena, const char *vendor, const char *name)
{
    size_t vl = vendor ? strlen(vendor) : 0, nl = name ? strlen(name) : 0;
    char *out = sig_arena_alloc(arena, vl + 2 * nl + 2);
    size_t n = 0;
    for (const char *p = vendor; p && *p; p++)
        out[n++] = is_upper(*p) ? (char)(*p - 'A' + 'a') : *p;
    out[n++] = '_';
    n += put_snake(out + n, name);
    for (size_t i = 0; i < n; i++)
        if (out[i] == '.' || out[i] == '-') out[i] = '_';
    out[n] = '\0';
    return out;
}

bool sig_warehouse_column_parse(const char *text, size_t len, sig_warehouse_column *out)
{
    static const struct { const char *prefix; size_t len; bool is_event; } kinds[] = {
        {"unstruct_event_", 15, true},
        {"contexts_", 9, false},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t off = kinds[k].len;
        if (len <= off || strncmp(text, kinds[k].prefix, off) != 0) continue;
        size_t j = len;
        while (j > off && text[j - 1] >= '0' && text[j - 1] <= '9') j--;
        /* 1 to 9 digits after a '_' that follows a non-empty stem */
        if (j == len || len - j > 9 || j <= off + 1 || text[j - 1] != '_') return false;
        int model = 0;
        for (size_t i = j; i < len; i++) model = model * 10 + (text[i] - '0');
        *out = (sig_warehouse_column){kinds[k].is_event, text + off, j - 1 - off, model};
        return true;
    }
    return false;
}

char *sig_schema_column(sig_arena *arena, const char *prefix, const sig_schema_ref *ref)
{
    if (!ref || !ref->has_version || ref->model < 1 || !ref->vendor || !ref->name) return NULL;
    return sig_arena_printf(arena, "%s%s_%d", prefix, sig_warehouse_stem(arena, ref->vendor, ref->name),
                            ref->model);
}
