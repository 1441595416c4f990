/* Unit tests of the dbt backend (backends/dbt): a hand-built model with all
 * eight aggregations, every criteria operator, windowed and lifetime
 * attributes, a default, context and event properties; the generated
 * project's key parts, determinism, escaping and the backend's errors. */
#include <stdlib.h>

#include "backend.h"
#include "dbt/sqlgen.h"
#include "signals/signals.h"
#include "unit.h"

/* ------------------------------------------------------------ the model */

static const sig_event ev_page_view = {
    "page_view",
    {"com.snowplowanalytics.snowplow", "page_view", "jsonschema", true, 1, 0, 0,
     "iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0"},
    .loc = {0}};
static const sig_event ev_add_to_cart = {
    "add_to_cart",
    {"com.acme", "add_to_cart", "jsonschema", true, 1, -1, -1,
     "iglu:com.acme/add_to_cart/jsonschema/1-*-*"},
    .loc = {0}};
static const sig_event ev_custom = {
    "custom", {"com.acme", "custom", NULL, false, -1, -1, -1, "iglu:com.acme/custom"}, .loc = {0}};
static const sig_context ctx_product = {
    "product",
    {"com.acme", "product", "jsonschema", true, 1, 0, 0, "iglu:com.acme/product/jsonschema/1-0-0"},
    {0}};

static const sig_path_step st_price[] = {{SIG_STEP_FIELD, "price", 0}};
static const sig_path_step st_category[] = {{SIG_STEP_FIELD, "category", 0}};
static const sig_path_step st_total[] = {{SIG_STEP_FIELD, "total", 0}};
static const sig_path_step st_flag[] = {{SIG_STEP_FIELD, "flags", 0}, {SIG_STEP_INDEX, NULL, 2}};

#define ATOMIC(col, scalar)                                                          \
    {SIG_PROP_ATOMIC, col, NULL, NULL, 0, NULL, 0, NULL, col, true, {scalar, false}, \
     col, .loc = {0}}
#define CTXPROP(steps, path, text)                                                       \
    {SIG_PROP_ENTITY, NULL, NULL, &ctx_product, 0, steps, sizeof steps / sizeof steps[0], \
     path, "contexts_com_acme_product_1", false, {SIG_STRING, false}, text, .loc = {0}}

static const sig_property p_domain_userid = ATOMIC("domain_userid", SIG_STRING);
static const sig_property p_mkt_source = ATOMIC("mkt_source", SIG_STRING);
static const sig_property p_page_url = ATOMIC("page_url", SIG_STRING);
static const sig_property p_price = CTXPROP(st_price, "$.price", "product.price");
static const sig_property p_category = CTXPROP(st_category, "$.category", "product.category");
static const sig_property p_flag = CTXPROP(st_flag, "$.flags[2]", "product.flags[2]");
static const sig_property p_total = {
    SIG_PROP_EVENT, NULL, &ev_add_to_cart, NULL, 0, st_total, 1, "$.total",
    "unstruct_event_com_acme_add_to_cart_1", false, {SIG_STRING, false},
    "add_to_cart.total", .loc = {0}};

#define LSTR(s) {SIG_LIT_STRING, s, 0, 0, false, NULL, 0, {0}}
#define LINT(v) {SIG_LIT_INT, #v, v, (double)v, false, NULL, 0, {0}}
#define LDEC(s, v) {SIG_LIT_DECIMAL, s, 0, v, false, NULL, 0, {0}}
#define LBOOL(v) {SIG_LIT_BOOL, NULL, 0, 0, v, NULL, 0, {0}}

static const sig_literal cat_items[] = {LSTR("shoes"), LSTR("hats")};

static const sig_criterion crit_like[] = {
    {p_page_url, SIG_OP_LIKE, LSTR("%pricing%"), {0}},
};
static const sig_criterion crit_sum[] = {
    {p_price, SIG_OP_GT, LINT(0), {0}},
    {p_price, SIG_OP_LE, LDEC("1000.50", 1000.5), {0}},
};
static const sig_criterion crit_min[] = {
    {p_mkt_source, SIG_OP_NE, LSTR("it's {{ me }}"), {0}},
};
static const sig_criterion crit_max[] = {
    {p_category, SIG_OP_IN, {SIG_LIT_LIST, NULL, 0, 0, false, cat_items, 2, {0}}, {0}},
};
static const sig_criterion crit_mean_all[] = {
    {p_price, SIG_OP_GE, LINT(1), {0}},
};
static const sig_criterion crit_mean_any[] = {
    {p_flag, SIG_OP_EQ, LBOOL(true), {0}},
    {p_price, SIG_OP_LT, LINT(5), {0}},
};

static const sig_event *const evs_pv[] = {&ev_page_view};
static const sig_event *const evs_cart[] = {&ev_add_to_cart};
static const sig_event *const evs_both[] = {&ev_add_to_cart, &ev_custom};

static const sig_literal def_zero = LINT(-1);

#define ATTR(n, sc, li, agg, evs, prop, crit_all, nall, crit_any, nany, period, def)     \
    {n, NULL, {sc, li}, false, agg, evs, sizeof evs / sizeof evs[0], prop,                \
     {crit_all, nall, crit_any, nany}, period, def, NULL, 0, .loc = {0}}

static sig_attribute a_page_views =
    ATTR("pricing_views", SIG_INT64, false, SIG_AGG_COUNTER, evs_pv, NULL, crit_like, 1, NULL, 0,
         7 * 86400, NULL);
static sig_attribute a_total =
    ATTR("cart_total", SIG_DOUBLE, false, SIG_AGG_SUM, evs_cart, &p_price, crit_sum, 2, NULL, 0,
         0, NULL);
static sig_attribute a_min =
    ATTR("min_price", SIG_DOUBLE, false, SIG_AGG_MIN, evs_cart, &p_price, crit_min, 1, NULL, 0,
         30 * 86400, NULL);
static sig_attribute a_max =
    ATTR("Max_Price", SIG_FLOAT, false, SIG_AGG_MAX, evs_cart, &p_price, crit_max, 1, NULL, 0, 0,
         NULL);
static sig_attribute a_mean =
    ATTR("mean_price", SIG_DOUBLE, false, SIG_AGG_MEAN, evs_both, &p_price, crit_mean_all, 1,
         crit_mean_any, 2, 0, NULL);
static sig_attribute a_first =
    ATTR("first_source", SIG_STRING, false, SIG_AGG_FIRST, evs_pv, &p_mkt_source, NULL, 0, NULL,
         0, 0, NULL);
static sig_attribute a_last =
    ATTR("last_total", SIG_INT64, false, SIG_AGG_LAST, evs_cart, &p_total, NULL, 0, NULL, 0, 0,
         &def_zero);
static sig_attribute a_list =
    ATTR("categories", SIG_STRING, true, SIG_AGG_UNIQUE_LIST, evs_cart, &p_category, NULL, 0,
         NULL, 0, 30 * 86400, NULL);

static const sig_attribute *const view_attrs[] = {
    &a_page_views, &a_total, &a_min, &a_max, &a_mean, &a_first, &a_last, &a_list,
};

static const sig_attribute_key key_duid = {
    "domain_userid", NULL, NULL, NULL, -1, true, false, &p_domain_userid, .loc = {0}};

static sig_view view_shop = {
    .name = "shop", .version = 2, .key = &key_duid, .ttl_seconds = -1, .online = false,
    .offline_set = true, .offline = true, .attributes = view_attrs,
    .nattributes = sizeof view_attrs / sizeof view_attrs[0],
};

static const sig_view *const model_views[] = {&view_shop};

static sig_model make_model(void)
{
    sig_model m = {0};
    m.views = model_views;
    m.nviews = 1;
    return m;
}

/* ------------------------------------------------------------ helpers */

static bool compile(sig_ctx *ctx, const sig_model *m, sig_output *out)
{
    sig_output_init(out, sig_ctx_arena(ctx));
    sig_compile_options opts = {.backend = "dbt", .target = "duckdb", .project_name = "My Shop!"};
    return sig_backend_dbt.emit(ctx, m, "duckdb", &opts, out);
}

static const char *file(const sig_output *out, const char *path)
{
    const sig_output_file *f = sig_output_find(out, path);
    return f ? f->data : NULL;
}

#define CHECK_HAS(text, needle)                                                        \
    do {                                                                               \
        const char *t_ = (text);                                                       \
        if (!t_ || !strstr(t_, (needle)))                                              \
            unit_fail(__FILE__, __LINE__, "expected to find %s in %s", #needle, #text); \
    } while (0)
#define CHECK_LACKS(text, needle)                                                      \
    do {                                                                               \
        const char *t_ = (text);                                                       \
        if (t_ && strstr(t_, (needle)))                                                \
            unit_fail(__FILE__, __LINE__, "did not expect %s in %s", #needle, #text);  \
    } while (0)

/* -------------------------------------------------------------- tests */

TEST(dbt_project_files)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_model m = make_model();
    sig_output out;
    CHECK(compile(ctx, &m, &out));
    CHECK_INT(sig_error_count(ctx), 0);
    const char *proj = file(&out, "dbt_project.yml");
    CHECK_HAS(proj, "name: 'my_shop'");
    CHECK_HAS(proj, "profile: 'signals'");
    CHECK_HAS(proj, "snowplow__start_date: '2020-01-01'");
    CHECK_HAS(proj, "snowplow__atomic_schema: 'atomic'");
    CHECK_HAS(proj, "today: null");
    const char *prof = file(&out, "profiles.yml");
    CHECK_HAS(prof, "type: duckdb");
    CHECK_HAS(prof, "env_var('SIGNALS_DUCKDB_PATH', 'signals.duckdb')");
    CHECK_HAS(prof, "schema: main");
    CHECK_HAS(file(&out, "models/sources.yml"), "var('snowplow__database') or target.database");
    CHECK(file(&out, "README.md") != NULL);
    CHECK(file(&out, "models/shop_v2/shop_v2_events.sql") != NULL);
    CHECK(file(&out, "models/shop_v2/shop_v2_daily.sql") != NULL);
    CHECK(file(&out, "models/shop_v2/shop_v2_daily_values.sql") != NULL);
    CHECK(file(&out, "models/shop_v2/shop_v2_attributes.sql") != NULL);
    CHECK(file(&out, "models/shop_v2/schema.yml") != NULL);
    /* no package dependency */
    CHECK(file(&out, "packages.yml") == NULL);
    sig_ctx_free(ctx);
}

TEST(dbt_events_model)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_model m = make_model();
    sig_output out;
    CHECK(compile(ctx, &m, &out));
    const char *ev = file(&out, "models/shop_v2/shop_v2_events.sql");
    CHECK_HAS(ev, "incremental_strategy='append'");
    CHECK_HAS(ev, "{{ source('atomic', 'events') }}");
    CHECK_HAS(ev, "{%- if is_incremental() %}");
    CHECK_HAS(ev, "PARTITION BY event_id");
    CHECK_HAS(ev, "ORDER BY load_tstamp, collector_tstamp");
    /* version matching: exact, model only, any */
    CHECK_HAS(ev, "event_vendor = 'com.snowplowanalytics.snowplow' AND event_name = 'page_view' "
                  "AND event_version = '1-0-0'");
    CHECK_HAS(ev, "event_name = 'add_to_cart' AND event_version LIKE '1-%'");
    CHECK_HAS(ev, "(event_vendor = 'com.acme' AND event_name = 'custom')\n");
    CHECK_HAS(ev, "domain_userid IS NOT NULL");
    /* JSON extraction and conversions */
    CHECK_HAS(ev, "json_extract_string(contexts_com_acme_product_1, '$[0].price') AS "
                  "product_price__raw");
    CHECK_HAS(ev, "json_extract_string(contexts_com_acme_product_1, '$[0].flags[2]') AS "
                  "product_flags_2__raw");
    CHECK_HAS(ev, "json_extract_string(unstruct_event_com_acme_add_to_cart_1, '$.total') AS "
                  "add_to_cart_total__raw");
    CHECK_HAS(ev, "CASE WHEN regexp_matches(product_price__raw, '^\\s*[-+]?([0-9]+(\\.[0-9]*)?|"
                  "\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$') THEN TRY_CAST(trim(product_price__raw) AS DOUBLE) "
                  "END AS product_price__number");
    CHECK_HAS(ev, "product_price__number AS product_price__double");
    CHECK_HAS(ev, "CASE lower(trim(product_flags_2__raw)) WHEN 'true' THEN TRUE WHEN 'false' "
                  "THEN FALSE END AS product_flags_2__bool");
    CHECK_HAS(ev, "CASE WHEN add_to_cart_total__number = floor(add_to_cart_total__number) AND "
                  "add_to_cart_total__number >= -9223372036854775808.0 AND "
                  "add_to_cart_total__number < 9223372036854775808.0 THEN "
                  "TRY_CAST(add_to_cart_total__number AS BIGINT) END AS add_to_cart_total__int64");
    CHECK_HAS(ev, "mkt_source AS mkt_source__raw");
    CHECK_HAS(ev, "mkt_source__raw AS mkt_source__string");
    CHECK_HAS(ev, "coalesce(CAST(derived_tstamp AS DATE), CAST('0001-01-01' AS DATE)) AS event_day");
    CHECK_LACKS(ev, "page_url__number");
    sig_ctx_free(ctx);
}

TEST(dbt_criteria_and_escaping)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_model m = make_model();
    sig_output out;
    CHECK(compile(ctx, &m, &out));
    const char *daily = file(&out, "models/shop_v2/shop_v2_daily.sql");
    CHECK_HAS(daily, "page_url__string LIKE '%pricing%' ESCAPE '\\'");
    CHECK_HAS(daily, "product_price__double > 0");
    CHECK_HAS(daily, "product_price__double <= 1000.50");
    CHECK_HAS(daily, "product_price__double >= 1");
    CHECK_HAS(daily, "product_price__double < 5");
    CHECK_HAS(daily, "product_flags_2__bool = TRUE");
    CHECK_HAS(daily, "product_category__string IN ('shoes', 'hats')");
    /* != passes absent values; the quote is doubled, Jinja is neutralised */
    CHECK_HAS(daily, "(mkt_source__string IS NULL OR mkt_source__string <> "
                     "'it''s {{ '{' }}{ me }}')");
    CHECK_HAS(daily, "AND (product_flags_2__bool = TRUE OR product_price__double < 5)");
    CHECK_HAS(daily, "unique_key=['domain_userid', 'event_day']");
    CHECK_HAS(daily, "incremental_strategy='delete+insert'");
    CHECK_HAS(daily, "count(CASE WHEN pricing_views__match THEN 1 END) AS pricing_views__n");
    CHECK_HAS(daily, "first(mkt_source__string ORDER BY derived_tstamp NULLS FIRST, event_id) FILTER "
                     "(WHERE first_source__match AND mkt_source__string IS NOT NULL)");
    CHECK_HAS(daily, "ORDER BY derived_tstamp DESC NULLS LAST, event_id DESC");
    CHECK_HAS(daily, "\"Max_Price__max\"");
    CHECK_LACKS(daily, "categories__match");
    sig_ctx_free(ctx);
}

TEST(dbt_attributes_model)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_model m = make_model();
    sig_output out;
    CHECK(compile(ctx, &m, &out));
    const char *at = file(&out, "models/shop_v2/shop_v2_attributes.sql");
    CHECK_HAS(at, "unique_key='domain_userid'");
    CHECK_HAS(at, "{%- if var('today') %}");
    CHECK_HAS(at, "CAST(timezone('UTC', current_timestamp) AS DATE) AS today");
    CHECK_HAS(at, "d.event_day BETWEEN p.today - 6 AND p.today AS in_last_7_days");
    CHECK_HAS(at, "d.event_day BETWEEN p.today - 29 AND p.today AS in_last_30_days");
    CHECK_HAS(at, "CAST(coalesce(sum(CASE WHEN in_last_7_days THEN pricing_views__n END), 0) AS "
                  "BIGINT) AS pricing_views");
    CHECK_HAS(at, "CAST(coalesce(sum(cart_total__sum), 0) AS DOUBLE) AS cart_total");
    CHECK_HAS(at, "CAST(max(\"Max_Price__max\") AS REAL) AS \"Max_Price\"");
    CHECK_HAS(at, "CAST(CAST(sum(mean_price__sum) AS DOUBLE) / nullif(sum(mean_price__count), 0) "
                  "AS DOUBLE) AS mean_price");
    CHECK_HAS(at, "first(first_source__first ORDER BY event_day)");
    CHECK_HAS(at, "CAST(coalesce(first(last_total__last ORDER BY event_day DESC) FILTER (WHERE "
                  "last_total__last IS NOT NULL), CAST(-1 AS BIGINT)) AS BIGINT) AS last_total");
    CHECK_HAS(at, "ORDER BY last_seen DESC NULLS LAST, value DESC");
    CHECK_HAS(at, "WHERE recency <= 100");
    CHECK_HAS(at, "list(value ORDER BY last_seen NULLS FIRST, value) AS categories");
    CHECK_HAS(at, "coalesce(l7.categories, CAST([] AS VARCHAR[]))");
    CHECK_HAS(at, "c.categories IS DISTINCT FROM stored.categories");
    CHECK_HAS(at, "AS updated_at");
    CHECK_HAS(at, "run_started_at.strftime");
    /* column order: the view's order */
    const char *sel = strstr(at ? at : "", "\nSELECT\n    domain_userid,\n    pricing_views,\n"
                                           "    cart_total,\n    min_price,\n    \"Max_Price\",\n"
                                           "    mean_price,\n    first_source,\n    last_total,\n"
                                           "    categories,\n");
    CHECK(sel != NULL);
    const char *schema = file(&out, "models/shop_v2/schema.yml");
    CHECK_HAS(schema, "- name: \"shop_v2_attributes\"");
    CHECK_HAS(schema, "data_tests:\n          - unique\n          - not_null");
    CHECK_HAS(schema, "quote: true");
    CHECK_HAS(schema, "it's {{ '{' }}{ me }}");
    sig_ctx_free(ctx);
}

/* Every string reaches the warehouse as written: control characters never
 * raw (Jinja turns CR into LF), escaped per dialect, Jinja neutralised. */
TEST(dbt_string_literals)
{
    sig_arena *a = sig_arena_new();
    static const struct {
        const char *target, *in, *out;
    } cases[] = {
        {"duckdb", "a\rb", "('a' || chr(13) || 'b')"},
        {"duckdb", "\r", "chr(13)"},
        {"duckdb", "", "''"},
        {"postgres", "x\r\n\\'", "('x' || chr(13) || chr(10) || '\\''')"},
        {"snowflake", "a\r\x01\\'", "'a\\r\\u0001\\\\\\''"},
        {"bigquery", "a\tb\x7f", "'a\\tb\\u007f'"},
        {"bigquery", "x\xe2\x80\xa8y\xc3\xa9", "'x\\u2028y\xc3\xa9'"},
        {"postgres", "\xef\xbb\xbf", "chr(65279)"},
        {"databricks", "{{ x }}\r", "'{{ x }}\\r'"}, /* plain SQL: no Jinja */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sig_dbt_dialect *d = sig_dbt_dialect_find(cases[i].target);
        CHECK(d != NULL);
        if (d) CHECK_STR(sig_sqlgen_string(a, d, cases[i].in), cases[i].out);
    }
    sig_arena_free(a);
}

TEST(dbt_deterministic)
{
    sig_model m = make_model();
    sig_ctx *c1 = sig_ctx_new(), *c2 = sig_ctx_new();
    sig_output o1, o2;
    CHECK(compile(c1, &m, &o1));
    CHECK(compile(c2, &m, &o2));
    CHECK_INT(o1.nfiles, o2.nfiles);
    for (size_t i = 0; i < o1.nfiles && i < o2.nfiles; i++) {
        CHECK_STR(o1.files[i].path, o2.files[i].path);
        CHECK(o1.files[i].len == o2.files[i].len &&
              memcmp(o1.files[i].data, o2.files[i].data, o1.files[i].len) == 0);
    }
    sig_ctx_free(c1);
    sig_ctx_free(c2);
}

TEST(dbt_no_offline_view)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_view v = view_shop;
    v.offline = false;
    const sig_view *vs[] = {&v};
    sig_model m = {0};
    m.views = vs;
    m.nviews = 1;
    sig_output out;
    CHECK(!compile(ctx, &m, &out));
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0910") == 0);
    CHECK(d && d->notes && strstr(d->notes->message, "not offline"));
    sig_ctx_free(ctx);
}

TEST(dbt_reserved_attribute_name)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_attribute bad = a_page_views;
    bad.name = "updated_at";
    sig_attribute bad2 = a_page_views;
    bad2.name = "DOMAIN_USERID";
    const sig_attribute *as[] = {&bad, &bad2};
    sig_view v = view_shop;
    v.attributes = as;
    v.nattributes = 2;
    const sig_view *vs[] = {&v};
    sig_model m = {0};
    m.views = vs;
    m.nviews = 1;
    sig_output out;
    CHECK(!compile(ctx, &m, &out));
    CHECK_INT(sig_error_count(ctx), 2);
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0911") == 0);
    sig_ctx_free(ctx);
}

TEST(dbt_case_collision)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_attribute x = a_page_views;
    x.name = "Views";
    sig_attribute y = a_page_views;
    y.name = "views";
    const sig_attribute *as[] = {&x, &y};
    sig_view v = view_shop;
    v.attributes = as;
    v.nattributes = 2;
    const sig_view *vs[] = {&v};
    sig_model m = {0};
    m.views = vs;
    m.nviews = 1;
    sig_output out;
    CHECK(!compile(ctx, &m, &out));
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0913") == 0);
    sig_ctx_free(ctx);
}
