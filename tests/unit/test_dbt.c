/* Unit tests of the dbt backend (backends/dbt): a hand-built model with all
 * eight aggregations, every criteria operator, windowed and lifetime
 * attributes, a default, context and event properties; the generated
 * project's key parts, determinism, escaping and the backend's errors; and
 * the expressions of each stage (property access, conversions, criteria,
 * daily states, merges, finishes) rendered on every target. */
#include <stdlib.h>

#include "backend.h"
#include "dbt/dbt.h"
#include "dbt/sqlgen.h"
#include "signals/plan.h"
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
    /* each conversion: dbt_expr_conversions */
    CHECK_HAS(ev, "product_price__number AS product_price__double");
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
    /* != passes absent values; the quote is doubled, Jinja is neutralised */
    CHECK_HAS(daily, "(mkt_source__string IS NULL OR mkt_source__string <> "
                     "'it''s {{ '{' }}{ me }}')");
    /* the criteria themselves: dbt_expr_criteria */
    CHECK_HAS(daily, "AND (product_flags_2__bool = TRUE OR product_price__double < 5)");
    CHECK_HAS(daily, "unique_key=['domain_userid', 'event_day']");
    CHECK_HAS(daily, "incremental_strategy='delete+insert'");
    CHECK_HAS(daily, "count(CASE WHEN pricing_views__match THEN 1 END) AS pricing_views__n");
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
    /* merges and finishes themselves: dbt_expr_merge_finish */
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

/* ------------------------------------------- expressions, per dialect */

/* A generator of plain SQL for `target`: what the expression tests render. */
static gen expr_gen(sig_arena *a, const char *target)
{
    gen g = {.a = a, .d = sig_dbt_dialect_find(target), .plain = true};
    return g;
}

/* Renders `x` for each of the five targets and compares with `want`, one
 * string per target in sig_dbt_targets order. */
typedef const sqlx_node *build_fn(gen *g, const void *arg);

static void check_targets(sig_arena *a, build_fn *build, const void *arg, const char *const want[5],
                          int line)
{
    for (int i = 0; i < 5; i++) {
        gen g = expr_gen(a, sig_dbt_targets[i]);
        const char *got = dbt_x(&g, build(&g, arg));
        if (strcmp(got, want[i]) != 0)
            unit_fail(__FILE__, line, "%s: expected\n  %s\ngot\n  %s", sig_dbt_targets[i], want[i],
                      got);
    }
}

/* Every dialect writes every function: the defaults or its own. */
TEST(dbt_dialects_complete)
{
    for (const char *const *t = sig_dbt_targets; *t; t++) {
        const sig_dbt_dialect *d = sig_dbt_dialect_find(*t);
        CHECK(d != NULL);
        if (!d) continue;
        for (int f = 0; f < SQLX_FN__COUNT; f++)
            if (!d->fn[f]) unit_fail(__FILE__, __LINE__, "%s: function %d unset", *t, f);
        for (int s = 0; s < 8; s++) CHECK(d->type_name[s] != NULL);
        CHECK(d->nreserved > 0);
        for (size_t i = 1; i < d->nreserved; i++)
            CHECK(strcmp(d->reserved[i - 1], d->reserved[i]) < 0);
    }
    CHECK(sig_dbt_dialect_find("oracle") == NULL);
}

/* The tree renders what it says: no parentheses of its own, CASE with and
 * without subject and ELSE, identifiers quoted per dialect. */
TEST(dbt_expr_nodes)
{
    sig_arena *a = sig_arena_new();
    gen duck = expr_gen(a, "duckdb"), bq = expr_gen(a, "bigquery");
    const sqlx_node *x = sqlx_raw(a, "x");
    const sqlx_node *c = sqlx_bin(a, x, "=", sqlx_raw(a, "1"));
    CHECK_STR(dbt_x(&duck, sqlx_case(a, NULL, 3, c, sqlx_str(a, "one"), sqlx_raw(a, "NULL"))),
              "CASE WHEN x = 1 THEN 'one' ELSE NULL END");
    CHECK_STR(dbt_x(&duck, sqlx_case(a, x, 2, sqlx_raw(a, "1"), sqlx_raw(a, "TRUE"))),
              "CASE x WHEN 1 THEN TRUE END");
    CHECK_STR(dbt_x(&duck, sqlx_paren(a, sqlx_bin(a, c, "OR", sqlx_post(a, x, "IS NULL")))),
              "(x = 1 OR x IS NULL)");
    CHECK_STR(dbt_x(&duck, sqlx_call(a, "coalesce", 2, x, sqlx_raw(a, "0"))), "coalesce(x, 0)");
    CHECK_STR(dbt_x(&duck, sqlx_ident(a, "c", "Max Price")), "c.\"Max Price\"");
    CHECK_STR(dbt_x(&bq, sqlx_ident(a, "c", "Max Price")), "c.`Max Price`");
    CHECK_STR(dbt_x(&duck, sqlx_ident(a, NULL, "select")), "\"select\"");
    CHECK_STR(dbt_x(&duck, sqlx_ident(a, NULL, "summarize")), "\"summarize\"");
    CHECK_STR(dbt_x(&bq, sqlx_ident(a, NULL, "plain_name")), "plain_name");
    CHECK_STR(dbt_x(&bq, sqlx_between(a, x, sqlx_raw(a, "1"), sqlx_raw(a, "2"))),
              "x BETWEEN 1 AND 2");
    /* a SELECT: one column a line, comments above, aliases quoted */
    sqlx_select sel = {.from = "t"};
    sqlx_select_col(a, &sel, x, NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_call(a, "count", 1, x), "Count", "how many");
    sqlx_select_where(a, &sel, c);
    sqlx_select_where(a, &sel, sqlx_post(a, x, "IS NOT NULL"));
    sqlx_select_group(a, &sel, x);
    sqlx_select_group(a, &sel, sqlx_raw(a, "y"));
    sig_buf b = {.arena = a};
    dbt_put_select(&bq, &b, &sel, "  ");
    CHECK_STR(sig_buf_str(&b), "  SELECT\n      x,\n      -- how many\n      count(x) AS `Count`\n"
                               "  FROM t\n  WHERE x = 1\n    AND x IS NOT NULL\n  GROUP BY\n"
                               "      x,\n      y");
    sig_arena_free(a);
}

static const sqlx_node *build_raw(gen *g, const void *arg)
{
    return dbt_raw_expr(g, arg);
}

/* A property of a context read as text, the dialect's way. */
TEST(dbt_expr_property_access)
{
    sig_arena *a = sig_arena_new();
    static const char *const want[5] = {
        "json_extract_string(contexts_com_acme_product_1, '$[0].flags[2]')",
        "jsonb_path_query_first(contexts_com_acme_product_1, CAST('strict $[0].flags[2]' AS "
        "jsonpath), '{}', TRUE) #>> '{}'",
        "IFF(IS_NULL_VALUE(contexts_com_acme_product_1[0]:flags[2]), NULL, "
        "CAST(contexts_com_acme_product_1[0]:flags[2] AS VARCHAR))",
        "JSON_VALUE(TO_JSON(contexts_com_acme_product_1[SAFE_OFFSET(0)].flags[SAFE_OFFSET(2)]))",
        "CAST(get(get(contexts_com_acme_product_1, 0).flags, 2) AS STRING)",
    };
    check_targets(a, build_raw, &p_flag, want, __LINE__);
    sig_arena_free(a);
}

static const sig_plan_prop prop_x = {"json:c:$.x", &p_price, "x", "$.x", true, true};

static const sqlx_node *build_col(gen *g, const void *arg)
{
    return dbt_col_expr(g, arg);
}

/* Each conversion of a property's text (sig_plan_conv), per dialect. */
TEST(dbt_expr_conversions)
{
    sig_arena *a = sig_arena_new();
    static const sig_plan_column c_int64 = {&prop_x, SIG_PLAN_CONV_INT64, false, "x__int64"};
    static const char *const want_int64[5] = {
        "CASE WHEN x__number = floor(x__number) AND x__number >= -9223372036854775808.0 AND "
        "x__number < 9223372036854775808.0 THEN TRY_CAST(x__number AS BIGINT) END",
        "CASE WHEN x__number = floor(x__number) AND x__number >= -9223372036854775808.0 AND "
        "x__number < 9223372036854775808.0 THEN CAST(x__number AS BIGINT) END",
        "CASE WHEN x__number = floor(x__number) AND x__number >= -9223372036854775808.0 AND "
        "x__number < 9223372036854775808.0 THEN CAST(x__number AS BIGINT) END",
        "CASE WHEN x__number = FLOOR(x__number) AND x__number >= -9223372036854775808.0 AND "
        "x__number < 9223372036854775808.0 THEN SAFE_CAST(x__number AS INT64) END",
        "CASE WHEN x__number = floor(x__number) AND x__number >= -9223372036854775808.0 AND "
        "x__number < 9223372036854775808.0 THEN try_cast(x__number AS BIGINT) END",
    };
    check_targets(a, build_col, &c_int64, want_int64, __LINE__);
    static const sig_plan_column c_int32 = {&prop_x, SIG_PLAN_CONV_INT32, false, "x__int32"};
    static const char *const want_int32[5] = {
        "CASE WHEN x__number = floor(x__number) AND x__number BETWEEN -2147483648 AND 2147483647 "
        "THEN CAST(x__number AS INTEGER) END",
        "CASE WHEN x__number = floor(x__number) AND x__number BETWEEN -2147483648 AND 2147483647 "
        "THEN CAST(x__number AS INTEGER) END",
        "CASE WHEN x__number = floor(x__number) AND x__number BETWEEN -2147483648 AND 2147483647 "
        "THEN CAST(x__number AS INTEGER) END",
        "CASE WHEN x__number = FLOOR(x__number) AND x__number BETWEEN -2147483648 AND 2147483647 "
        "THEN CAST(x__number AS INT64) END",
        "CASE WHEN x__number = floor(x__number) AND x__number BETWEEN -2147483648 AND 2147483647 "
        "THEN CAST(x__number AS INT) END",
    };
    check_targets(a, build_col, &c_int32, want_int32, __LINE__);
    static const sig_plan_column c_bool = {&prop_x, SIG_PLAN_CONV_BOOL, false, "x__bool"};
    static const char *const want_bool[5] = {
        "CASE lower(trim(x__raw)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
        "CASE lower(btrim(x__raw)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
        "CASE lower(trim(x__raw)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
        "CASE LOWER(TRIM(x__raw)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
        "CASE lower(trim(x__raw)) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
    };
    check_targets(a, build_col, &c_bool, want_bool, __LINE__);
    /* an atomic integer column read as a number: only cast */
    static const sig_property p_count = ATOMIC("page_view_count", SIG_INT32);
    static const sig_plan_prop prop_count = {"atomic:page_view_count", &p_count, "page_view_count",
                                             NULL, false, false};
    static const sig_plan_column c_direct = {&prop_count, SIG_PLAN_CONV_DOUBLE, true, "c"};
    static const char *const want_direct[5] = {
        "TRY_CAST(page_view_count AS DOUBLE)", "CAST(page_view_count AS DOUBLE PRECISION)",
        "CAST(page_view_count AS DOUBLE)", "SAFE_CAST(page_view_count AS FLOAT64)",
        "try_cast(page_view_count AS DOUBLE)",
    };
    check_targets(a, build_col, &c_direct, want_direct, __LINE__);
    sig_arena_free(a);
}

/* The plan of the test view, lowered in `a`. */
static const sig_plan *shop_plan(sig_arena *a)
{
    return sig_plan_view(a, &view_shop);
}

static const sqlx_node *build_crit(gen *g, const void *arg)
{
    return dbt_criterion(g, arg);
}

/* Criteria compare the converted column with the literal; != passes
 * absent values; LIKE's escape character per dialect. */
TEST(dbt_expr_criteria)
{
    sig_arena *a = sig_arena_new();
    const sig_plan *pl = shop_plan(a);
    static const char *const want_like[5] = {
        "page_url__string LIKE '%pricing%' ESCAPE '\\'",
        "page_url__string LIKE '%pricing%' ESCAPE '\\'",
        "page_url__string LIKE '%pricing%' ESCAPE '\\\\'",
        "page_url__string LIKE '%pricing%'",
        "page_url__string LIKE '%pricing%' ESCAPE '\\\\'",
    };
    check_targets(a, build_crit, &pl->attrs[0].all[0], want_like, __LINE__);
    static const char *const want_ne[5] = {
        "(mkt_source__string IS NULL OR mkt_source__string <> 'it''s {{ me }}')",
        "(mkt_source__string IS NULL OR mkt_source__string <> 'it''s {{ me }}')",
        "(mkt_source__string IS NULL OR mkt_source__string <> 'it\\'s {{ me }}')",
        "(mkt_source__string IS NULL OR mkt_source__string <> 'it\\'s {{ me }}')",
        "(mkt_source__string IS NULL OR mkt_source__string <> 'it\\'s {{ me }}')",
    };
    check_targets(a, build_crit, &pl->attrs[2].all[0], want_ne, __LINE__);
    gen g = expr_gen(a, "duckdb");
    CHECK_STR(dbt_x(&g, dbt_criterion(&g, &pl->attrs[3].all[0])),
              "product_category__string IN ('shoes', 'hats')");
    CHECK_STR(dbt_x(&g, dbt_criterion(&g, &pl->attrs[1].all[1])), "product_price__double <= 1000.50");
    CHECK_STR(dbt_x(&g, dbt_criterion(&g, &pl->attrs[4].any[0])), "product_flags_2__bool = TRUE");
    CHECK_STR(dbt_x(&g, dbt_event_cond(&g, &ev_add_to_cart)),
              "event_vendor = 'com.acme' AND event_name = 'add_to_cart' AND event_version LIKE '1-%'");
    CHECK_STR(dbt_x(&g, dbt_match(&g, &pl->attrs[4], "  ")),
              "((event_vendor = 'com.acme' AND event_name = 'add_to_cart' AND event_version LIKE "
              "'1-%')\n      OR (event_vendor = 'com.acme' AND event_name = 'custom'))\n"
              "  AND product_price__double >= 1\n"
              "  AND (product_flags_2__bool = TRUE OR product_price__double < 5)");
    sig_arena_free(a);
}

typedef struct state_case {
    const sig_plan *plan;
    size_t attr, state;
} state_case;

static const sqlx_node *build_daily(gen *g, const void *arg)
{
    const state_case *c = arg;
    const sig_plan_attr *pa = &c->plan->attrs[c->attr];
    return dbt_daily_state(g, pa, &pa->states[c->state], sqlx_ident(g->a, NULL, pa->match));
}

static const sqlx_node *build_finish(gen *g, const void *arg)
{
    const state_case *c = arg;
    const sig_plan_attr *pa = &c->plan->attrs[c->attr];
    return dbt_finish(g, pa, pa->attr->default_value ? dbt_default(g, pa->attr) : NULL);
}

/* Daily states: one per state kind, first/last the dialect's way. */
TEST(dbt_expr_daily_states)
{
    sig_arena *a = sig_arena_new();
    state_case views = {shop_plan(a), 0, 0};
    static const char *const want_events[5] = {
        "count(CASE WHEN pricing_views__match THEN 1 END)",
        "count(CASE WHEN pricing_views__match THEN 1 END)",
        "count(CASE WHEN pricing_views__match THEN 1 END)",
        "count(CASE WHEN pricing_views__match THEN 1 END)",
        "count(CASE WHEN pricing_views__match THEN 1 END)",
    };
    check_targets(a, build_daily, &views, want_events, __LINE__);
    state_case max = {views.plan, 3, 0};
    static const char *const want_max[5] = {
        "max(CASE WHEN \"Max_Price__match\" THEN product_price__double END)",
        "max(CASE WHEN \"Max_Price__match\" THEN product_price__double END)",
        "max(CASE WHEN \"Max_Price__match\" THEN product_price__double END)",
        "max(CASE WHEN `Max_Price__match` THEN product_price__double END)",
        "max(CASE WHEN `Max_Price__match` THEN product_price__double END)",
    };
    check_targets(a, build_daily, &max, want_max, __LINE__);
    state_case first = {views.plan, 5, 0};
    static const char *const want_first[5] = {
        "first(mkt_source__string ORDER BY derived_tstamp NULLS FIRST, event_id) FILTER (WHERE "
        "first_source__match AND mkt_source__string IS NOT NULL)",
        "(array_agg(mkt_source__string ORDER BY derived_tstamp NULLS FIRST, event_id) FILTER "
        "(WHERE first_source__match AND mkt_source__string IS NOT NULL))[1]",
        "CAST((ARRAY_AGG(CASE WHEN first_source__match AND mkt_source__string IS NOT NULL THEN "
        "mkt_source__string END) WITHIN GROUP (ORDER BY CASE WHEN first_source__match AND "
        "mkt_source__string IS NOT NULL THEN 0 ELSE 1 END, derived_tstamp NULLS FIRST, "
        "event_id))[0] AS VARCHAR)",
        "ARRAY_AGG(IF(first_source__match AND mkt_source__string IS NOT NULL, mkt_source__string, "
        "NULL) IGNORE NULLS ORDER BY derived_tstamp NULLS FIRST, event_id LIMIT 1)[SAFE_OFFSET(0)]",
        "min_by(CASE WHEN first_source__match AND mkt_source__string IS NOT NULL THEN "
        "mkt_source__string END, CASE WHEN first_source__match AND mkt_source__string IS NOT NULL "
        "THEN struct(derived_tstamp, event_id) END)",
    };
    check_targets(a, build_daily, &first, want_first, __LINE__);
    /* min and max of booleans: PostgreSQL has no min(boolean) */
    sig_plan_state st = {SIG_STATE_MIN, "b__min", {SIG_BOOL, false}, false};
    gen duck = expr_gen(a, "duckdb"), pg = expr_gen(a, "postgres");
    CHECK_STR(dbt_x(&duck, dbt_minmax(&duck, &st, sqlx_raw(a, "b"))), "min(b)");
    CHECK_STR(dbt_x(&pg, dbt_minmax(&pg, &st, sqlx_raw(a, "b"))), "bool_and(b)");
    st.kind = SIG_STATE_MAX;
    CHECK_STR(dbt_x(&pg, dbt_minmax(&pg, &st, sqlx_raw(a, "b"))), "bool_or(b)");
    sig_arena_free(a);
}

/* Merges over the window and finishes: one per finish kind. */
TEST(dbt_expr_merge_finish)
{
    sig_arena *a = sig_arena_new();
    const sig_plan *pl = shop_plan(a);
    gen duck = expr_gen(a, "duckdb");
    state_case views = {pl, 0, 0}, total = {pl, 1, 0}, mean = {pl, 4, 0}, last = {pl, 6, 0};
    CHECK_STR(dbt_x(&duck, build_finish(&duck, &views)),
              "coalesce(sum(CASE WHEN in_last_7_days THEN pricing_views__n END), 0)");
    CHECK_STR(dbt_x(&duck, build_finish(&duck, &total)), "coalesce(sum(cart_total__sum), 0)");
    static const char *const want_mean[5] = {
        "CAST(sum(mean_price__sum) AS DOUBLE) / nullif(sum(mean_price__count), 0)",
        "CAST(sum(mean_price__sum) AS DOUBLE PRECISION) / nullif(sum(mean_price__count), 0)",
        "CAST(sum(mean_price__sum) AS DOUBLE) / nullif(sum(mean_price__count), 0)",
        "CAST(sum(mean_price__sum) AS FLOAT64) / nullif(sum(mean_price__count), 0)",
        "CAST(sum(mean_price__sum) AS DOUBLE) / nullif(sum(mean_price__count), 0)",
    };
    check_targets(a, build_finish, &mean, want_mean, __LINE__);
    static const char *const want_last[5] = {
        "coalesce(first(last_total__last ORDER BY event_day DESC) FILTER (WHERE last_total__last "
        "IS NOT NULL), CAST(-1 AS BIGINT))",
        "coalesce((array_agg(last_total__last ORDER BY event_day DESC) FILTER (WHERE "
        "last_total__last IS NOT NULL))[1], CAST(-1 AS BIGINT))",
        "coalesce(CAST((ARRAY_AGG(CASE WHEN last_total__last IS NOT NULL THEN last_total__last "
        "END) WITHIN GROUP (ORDER BY CASE WHEN last_total__last IS NOT NULL THEN 0 ELSE 1 END, "
        "event_day DESC))[0] AS BIGINT), CAST(-1 AS BIGINT))",
        "coalesce(ARRAY_AGG(IF(last_total__last IS NOT NULL, last_total__last, NULL) IGNORE NULLS "
        "ORDER BY event_day DESC LIMIT 1)[SAFE_OFFSET(0)], CAST(-1 AS INT64))",
        "coalesce(max_by(CASE WHEN last_total__last IS NOT NULL THEN last_total__last END, CASE "
        "WHEN last_total__last IS NOT NULL THEN struct(event_day) END), CAST(-1 AS BIGINT))",
    };
    check_targets(a, build_finish, &last, want_last, __LINE__);
    /* a windowed min: the window's flag guards the merged column */
    const sig_plan_attr *mn = &pl->attrs[2];
    CHECK_STR(dbt_x(&duck, dbt_merged_state(&duck, mn, &mn->states[0])),
              "min(CASE WHEN in_last_30_days THEN min_price__min END)");
    sig_arena_free(a);
}
