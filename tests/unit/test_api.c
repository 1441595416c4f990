/* Unit tests of the Signals API backend (backends/api): ISO 8601 durations,
 * Python float repr, JSON escaping and key order, and the SDK's example
 * bodies of shared/reference/signals-api.md 6.1, 6.2 and 6.3 reproduced from
 * hand-built models. Structures are compared with cJSON_Compare; a few
 * bodies also byte for byte. */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "api/api.h"
#include "signals/import.h"
#include "api/json_out.h"
#include "backend.h"
#include "signals/signals.h"
#include "unit.h"

extern const sig_backend sig_backend_api;

/* ------------------------------------------------------------ values */

TEST(api_iso_durations_match_pydantic)
{
    static const struct { int64_t secs; const char *iso; } cases[] = {
        {86400, "P1D"},          {3600, "PT1H"},          {1800, "PT30M"},
        {90, "PT1M30S"},         {7 * 86400, "P7D"},      {14 * 86400, "P14D"},
        {30 * 86400, "P30D"},    {364 * 86400, "P364D"},  {86400 + 7384, "P1DT2H3M4S"},
        {36 * 3600, "P1DT12H"},  {0, "PT0S"},             {365 * 86400, "P1Y"},
        {366 * 86400, "P1Y1D"},  {400 * 86400, "P1Y35D"}, {730 * 86400, "P2Y"},
        {-5, "-PT5S"},           {90 * 86400, "P90D"},    {365 * 86400 + 1, "P1YT1S"},
    };
    char t[48];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_STR(api_iso_duration(cases[i].secs, t), cases[i].iso);
        int64_t back = 0;
        CHECK(api_parse_iso_duration(cases[i].iso, &back));
        CHECK_INT(back, cases[i].secs);
    }
    int64_t s = 0;
    CHECK(api_parse_iso_duration("P1W", &s) && s == 7 * 86400);
    CHECK(api_parse_iso_duration("P1M", &s) && s == 30 * 86400);
    CHECK(api_parse_iso_duration("PT36H", &s) && s == 36 * 3600);
    CHECK(!api_parse_iso_duration("P", &s));
    CHECK(!api_parse_iso_duration("PT", &s));
    CHECK(!api_parse_iso_duration("3600", &s));
    CHECK(!api_parse_iso_duration("P1H", &s));
    CHECK(!api_parse_iso_duration("PT1D", &s));
    CHECK(!api_parse_iso_duration("P1DT1H1D", &s));
}

TEST(api_py_float_is_python_repr)
{
    static const struct { double d; const char *repr; } cases[] = {
        {0.0, "0.0"},        {1.5, "1.5"},         {100.0, "100.0"},
        {0.1, "0.1"},        {1e16, "1e+16"},      {1.5e-5, "1.5e-05"},
        {1e-4, "0.0001"},    {-2.25, "-2.25"},     {12345.678, "12345.678"},
        {123456789012345680.0, "1.2345678901234568e+17"},
        {9999999999999998.0, "9999999999999998.0"}, {1e100, "1e+100"},
    };
    char t[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(api_py_float(cases[i].d, t), cases[i].repr);
}

TEST(api_json_escapes_and_keeps_key_order)
{
    sig_arena *a = sig_arena_new();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "z", "a\"b\\c\nd\te\x01/\xc3\xa9");
    cJSON_AddArrayToObject(o, "empty");
    cJSON_AddObjectToObject(o, "none");
    api_json_int(o, "a", -9007199254740993LL);
    api_json_float(o, "f", 0.0);
    cJSON *l = cJSON_AddArrayToObject(o, "l");
    cJSON_AddItemToArray(l, cJSON_CreateTrue());
    cJSON_AddItemToArray(l, cJSON_CreateNull());
    sig_buf b = {.arena = a};
    api_json_print(&b, o);
    CHECK_STR(sig_buf_str(&b),
              "{\n"
              "  \"z\": \"a\\\"b\\\\c\\nd\\te\\u0001/\xc3\xa9\",\n"
              "  \"empty\": [],\n"
              "  \"none\": {},\n"
              "  \"a\": -9007199254740993,\n"
              "  \"f\": 0.0,\n"
              "  \"l\": [\n"
              "    true,\n"
              "    null\n"
              "  ]\n"
              "}");
    cJSON_Delete(o);
    sig_arena_free(a);
}

/* The SDK's own examples of its schema-name cleaning (signals-api.md 7.2). */
TEST(api_warehouse_names_as_the_sdk)
{
    sig_arena *a = sig_arena_new();
    CHECK_STR(sig_warehouse_stem(a, "v", "CamelCase"), "v_camel_case");
    CHECK_STR(sig_warehouse_stem(a, "v", "simpleString"), "v_simple_string");
    CHECK_STR(sig_warehouse_stem(a, "v", "HTMLParser"), "v_htmlparser");
    CHECK_STR(sig_warehouse_stem(a, "v", "UserContext"), "v_user_context");
    CHECK_STR(sig_warehouse_stem(a, "v", "snowplow_ecommerce_action"), "v_snowplow_ecommerce_action");
    CHECK_STR(sig_warehouse_stem(a, "com.Snowplow-Analytics.x", ""), "com_snowplow_analytics_x_");
    sig_schema_ref ref = {.vendor = "com.acme", .name = "myCtx", .has_version = true,
                          .model = 2, .revision = -1, .addition = -1};
    CHECK_STR(sig_schema_column(a, "contexts_", &ref), "contexts_com_acme_my_ctx_2");
    ref.has_version = false;
    CHECK(sig_schema_column(a, "contexts_", &ref) == NULL);
    sig_arena_free(a);
}

/* ------------------------------------------------------ model builder */

typedef struct mb {
    sig_arena *a;
} mb;

static sig_schema_ref schema(const char *vendor, const char *name, int m, int r, int ad)
{
    sig_schema_ref s = {vendor, name, "jsonschema", m >= 0 || r >= 0, m, r, ad, NULL};
    return s;
}

static sig_event *event(mb *b, const char *name, sig_schema_ref s)
{
    sig_event *e = SIG_NEW(b->a, sig_event);
    e->name = name;
    e->schema = s;
    return e;
}

static sig_context *context(mb *b, const char *name, sig_schema_ref s)
{
    sig_context *c = SIG_NEW(b->a, sig_context);
    c->name = name;
    c->schema = s;
    return c;
}

static sig_property atomic(const char *col)
{
    sig_property p = {.kind = SIG_PROP_ATOMIC, .atomic = col, .column = col, .text = col};
    return p;
}

static sig_path_step *field_step(mb *b, const char *field)
{
    sig_path_step *s = SIG_NEW(b->a, sig_path_step);
    s->kind = SIG_STEP_FIELD;
    s->field = field;
    return s;
}

static sig_property entity_prop(mb *b, const sig_context *c, uint32_t index, const char *field)
{
    sig_property p = {.kind = SIG_PROP_ENTITY, .context = c, .index = index,
                      .steps = field_step(b, field), .nsteps = 1,
                      .json_path = sig_arena_printf(b->a, "$.%s", field),
                      .column = sig_schema_column(b->a, "contexts_", &c->schema)};
    return p;
}

static sig_property event_prop(mb *b, const sig_event *e, const char *field)
{
    sig_property p = {.kind = SIG_PROP_EVENT, .event = e, .steps = field_step(b, field),
                      .nsteps = 1, .json_path = sig_arena_printf(b->a, "$.%s", field),
                      .column = sig_schema_column(b->a, "unstruct_event_", &e->schema)};
    return p;
}

static const sig_property *heap_prop(mb *b, sig_property p)
{
    sig_property *q = SIG_NEW(b->a, sig_property);
    *q = p;
    return q;
}

static sig_attribute *attr(mb *b, const char *name, const char *type, sig_agg agg,
                           const sig_event *ev, const sig_property *prop)
{
    sig_attribute *at = SIG_NEW(b->a, sig_attribute);
    at->name = name;
    CHECK(sig_type_parse(type, &at->type));
    at->agg = agg;
    const sig_event **evs = SIG_NEW_ARRAY(b->a, const sig_event *, 1);
    evs[0] = ev;
    at->events = evs;
    at->nevents = 1;
    at->property = prop;
    return at;
}

static sig_literal str_lit(const char *s)
{
    sig_literal l = {.kind = SIG_LIT_STRING, .str = s};
    return l;
}

static sig_criterion *crits(mb *b, size_t n)
{
    return SIG_NEW_ARRAY(b->a, sig_criterion, n);
}

static sig_attribute_key *builtin_key(mb *b, const char *name)
{
    sig_attribute_key *k = SIG_NEW(b->a, sig_attribute_key);
    k->name = name;
    k->key = sig_builtin_key_lookup(name)->key;
    k->builtin = true;
    k->ttl_seconds = -1;
    k->property = heap_prop(b, atomic(k->key));
    return k;
}

static sig_attribute_key *user_key(mb *b, const char *name)
{
    sig_attribute_key *k = SIG_NEW(b->a, sig_attribute_key);
    k->name = name;
    k->ttl_seconds = -1;
    k->property = heap_prop(b, atomic(name));
    return k;
}

static sig_view *view(mb *b, const char *name, int version, const sig_attribute_key *k)
{
    sig_view *v = SIG_NEW(b->a, sig_view);
    v->name = name;
    v->version = version;
    v->key = k;
    v->ttl_seconds = -1;
    v->online = true;
    return v;
}

/* Runs the backend; returns the output (files in `out`). */
static bool run(sig_ctx *ctx, const sig_model *m, const char *target, sig_output *out)
{
    sig_output_init(out, sig_ctx_arena(ctx));
    sig_compile_options opts = {.backend = "api", .target = target};
    return sig_backend_api.emit(ctx, m, target, &opts, out);
}

/* The file's JSON equals `expected` (compared as structures) and the file
 * is exactly what api_json_print gives for it (2-space indent, newline). */
static void check_body(const sig_output *out, const char *path, const char *expected)
{
    const sig_output_file *f = sig_output_find(out, path);
    CHECK(f != NULL);
    if (!f) {
        fprintf(stderr, "  missing %s\n", path);
        return;
    }
    cJSON *got = cJSON_ParseWithLength(f->data, f->len);
    cJSON *want = cJSON_Parse(expected);
    CHECK(got && want);
    bool same = got && want && cJSON_Compare(got, want, true);
    CHECK(same);
    if (!same) fprintf(stderr, "  %s:\n%.*s\n", path, (int)f->len, f->data);
    CHECK(f->len > 0 && f->data[f->len - 1] == '\n');
    cJSON_Delete(got);
    cJSON_Delete(want);
}

static void check_text(const sig_output *out, const char *path, const char *expected)
{
    const sig_output_file *f = sig_output_find(out, path);
    CHECK(f != NULL);
    if (f) CHECK_STR(f->data, expected);
}

/* ------------------------------------------------ 6.1 / 6.2 ecommerce */

static const sig_model *ecommerce_model(mb *b)
{
    sig_event *pv = event(b, "page_view", schema("com.snowplowanalytics.snowplow", "page_view", 1, 0, 0));
    sig_event *ea = event(b, "ecommerce_action",
                          schema("com.snowplowanalytics.snowplow.ecommerce",
                                 "snowplow_ecommerce_action", 1, 0, 2));
    sig_context *product = context(b, "product",
                                   schema("com.snowplowanalytics.snowplow.ecommerce", "product", 1, 0, 0));
    const sig_property *price = heap_prop(b, entity_prop(b, product, 0, "price"));
    const sig_property *type = heap_prop(b, event_prop(b, ea, "type"));

    sig_attribute *at[8];
    at[0] = attr(b, "page_view_count", "int32", SIG_AGG_COUNTER, pv, NULL);
    at[1] = attr(b, "add_to_cart_value_sum", "double", SIG_AGG_SUM, ea, price);
    sig_criterion *c1 = crits(b, 1);
    c1[0] = (sig_criterion){.property = *type, .op = SIG_OP_EQ, .value = str_lit("add_to_cart")};
    at[1]->criteria.all = c1;
    at[1]->criteria.nall = 1;
    at[1]->period_seconds = 7 * 86400;
    at[2] = attr(b, "min_product_price", "double", SIG_AGG_MIN, ea, price);
    at[3] = attr(b, "max_product_price", "double", SIG_AGG_MAX, ea, price);
    at[3]->period_seconds = 3600;
    at[4] = attr(b, "mean_product_price", "double", SIG_AGG_MEAN, ea, price);
    sig_literal *zero = SIG_NEW(b->a, sig_literal);
    *zero = (sig_literal){.kind = SIG_LIT_DECIMAL, .str = "0.0", .d = 0.0};
    at[4]->default_value = zero;
    at[5] = attr(b, "first_mkt_source", "string", SIG_AGG_FIRST, pv, heap_prop(b, atomic("mkt_source")));
    at[6] = attr(b, "last_action_type", "string", SIG_AGG_LAST, ea, type);
    at[6]->description = "Last ecommerce action";
    sig_tag *tag = SIG_NEW(b->a, sig_tag);
    *tag = (sig_tag){"team", "growth"};
    at[6]->tags = tag;
    at[6]->ntags = 1;
    at[7] = attr(b, "unique_page_urls", "string_list", SIG_AGG_UNIQUE_LIST, pv,
                 heap_prop(b, atomic("page_url")));
    sig_criterion *c2 = crits(b, 2);
    c2[0] = (sig_criterion){.property = atomic("page_url"), .op = SIG_OP_LIKE,
                            .value = str_lit("%pricing%")};
    sig_literal *items = SIG_NEW_ARRAY(b->a, sig_literal, 2);
    items[0] = str_lit("web");
    items[1] = str_lit("mobile");
    c2[1] = (sig_criterion){.property = atomic("app_id"), .op = SIG_OP_IN,
                            .value = {.kind = SIG_LIT_LIST, .items = items, .nitems = 2}};
    at[7]->criteria.any = c2;
    at[7]->criteria.nany = 2;

    sig_view *v = view(b, "ecommerce_stream", 1, builtin_key(b, "domain_sessionid"));
    v->ttl_seconds = 30 * 86400;
    v->offline_set = true;
    v->offline = false;
    v->description = "demo";
    v->owner = "owner@example.com";
    const sig_attribute **attrs = SIG_NEW_ARRAY(b->a, const sig_attribute *, 8);
    for (int i = 0; i < 8; i++) attrs[i] = at[i];
    v->attributes = attrs;
    v->nattributes = 8;

    sig_model *m = SIG_NEW(b->a, sig_model);
    const sig_view **views = SIG_NEW_ARRAY(b->a, const sig_view *, 1);
    views[0] = v;
    m->views = views;
    m->nviews = 1;
    const sig_attribute_key **keys = SIG_NEW_ARRAY(b->a, const sig_attribute_key *, 1);
    keys[0] = v->key;
    m->keys = keys;
    m->nkeys = 1;
    return m;
}

#define EV_PV "{\"name\": \"page_view\", \"vendor\": \"com.snowplowanalytics.snowplow\", \"version\": \"1-0-0\"}"
#define EV_EA "{\"name\": \"snowplow_ecommerce_action\", \"vendor\": \"com.snowplowanalytics.snowplow.ecommerce\", \"version\": \"1-0-2\"}"
#define P_PRICE "{\"vendor\": \"com.snowplowanalytics.snowplow.ecommerce\", \"name\": \"product\", \"major_version\": 1, \"path\": \"price\", \"type\": \"entity\", \"index\": 0}"
#define P_TYPE "{\"vendor\": \"com.snowplowanalytics.snowplow.ecommerce\", \"name\": \"snowplow_ecommerce_action\", \"major_version\": 1, \"path\": \"type\", \"type\": \"event\"}"

static const char body_6_1[] =
    "{\"name\": \"ecommerce_stream\", \"version\": 1,"
    " \"attribute_key\": {\"name\": \"domain_sessionid\", \"description\": \"The domain session ID for the session.\","
    "   \"key\": \"domain_sessionid\", \"is_published\": false},"
    " \"ttl\": \"P30D\", \"online\": true, \"offline\": false, \"description\": \"demo\","
    " \"owner\": \"owner@example.com\", \"attributes\": ["
    "  {\"name\": \"page_view_count\", \"type\": \"int32\", \"events\": [" EV_PV "], \"aggregation\": \"counter\"},"
    "  {\"name\": \"add_to_cart_value_sum\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"sum\","
    "   \"property\": " P_PRICE ", \"criteria\": {\"all\": [{\"property\": " P_TYPE ", \"operator\": \"=\", \"value\": \"add_to_cart\"}]},"
    "   \"period\": \"P7D\"},"
    "  {\"name\": \"min_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"min\", \"property\": " P_PRICE "},"
    "  {\"name\": \"max_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"max\", \"property\": " P_PRICE ", \"period\": \"PT1H\"},"
    "  {\"name\": \"mean_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"mean\", \"property\": " P_PRICE ", \"default_value\": 0.0},"
    "  {\"name\": \"first_mkt_source\", \"type\": \"string\", \"events\": [" EV_PV "], \"aggregation\": \"first\", \"property\": {\"type\": \"atomic\", \"name\": \"mkt_source\"}},"
    "  {\"name\": \"last_action_type\", \"description\": \"Last ecommerce action\", \"type\": \"string\", \"events\": [" EV_EA "], \"aggregation\": \"last\", \"property\": " P_TYPE "},"
    "  {\"name\": \"unique_page_urls\", \"type\": \"string_list\", \"events\": [" EV_PV "], \"aggregation\": \"unique_list\","
    "   \"property\": {\"type\": \"atomic\", \"name\": \"page_url\"},"
    "   \"criteria\": {\"any\": [{\"property\": {\"type\": \"atomic\", \"name\": \"page_url\"}, \"operator\": \"like\", \"value\": \"%pricing%\"},"
    "     {\"property\": {\"type\": \"atomic\", \"name\": \"app_id\"}, \"operator\": \"in\", \"value\": [\"web\", \"mobile\"]}]}}"
    " ], \"is_published\": true}";

#define S_PRICE "\"contexts_com_snowplowanalytics_snowplow_ecommerce_product_1[0].price\""
#define S_TYPE "\"unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1:type\""
#define SF "\"property_syntax\": \"snowflake\""

static const char body_6_2[] =
    "{\"name\": \"ecommerce_stream\", \"version\": 1, \"entity\": {\"name\": \"domain_sessionid\"},"
    " \"ttl\": \"P30D\", \"online\": true, \"offline\": false, \"description\": \"demo\","
    " \"owner\": \"owner@example.com\", \"attributes\": ["
    "  {\"name\": \"page_view_count\", \"type\": \"int32\", \"events\": [" EV_PV "], \"aggregation\": \"counter\", " SF "},"
    "  {\"name\": \"add_to_cart_value_sum\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"sum\", " SF ","
    "   \"property\": " S_PRICE ", \"criteria\": {\"all\": [{" SF ", \"property\": " S_TYPE ", \"operator\": \"=\", \"value\": \"add_to_cart\"}]},"
    "   \"period\": \"P7D\"},"
    "  {\"name\": \"min_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"min\", " SF ", \"property\": " S_PRICE "},"
    "  {\"name\": \"max_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"max\", " SF ", \"property\": " S_PRICE ", \"period\": \"PT1H\"},"
    "  {\"name\": \"mean_product_price\", \"type\": \"double\", \"events\": [" EV_EA "], \"aggregation\": \"mean\", " SF ", \"property\": " S_PRICE ", \"default_value\": 0.0},"
    "  {\"name\": \"first_mkt_source\", \"type\": \"string\", \"events\": [" EV_PV "], \"aggregation\": \"first\", " SF ", \"property\": \"mkt_source\"},"
    "  {\"name\": \"last_action_type\", \"description\": \"Last ecommerce action\", \"type\": \"string\", \"tags\": {\"team\": \"growth\"},"
    "   \"events\": [" EV_EA "], \"aggregation\": \"last\", " SF ", \"property\": " S_TYPE "},"
    "  {\"name\": \"unique_page_urls\", \"type\": \"string_list\", \"events\": [" EV_PV "], \"aggregation\": \"unique_list\", " SF ", \"property\": \"page_url\","
    "   \"criteria\": {\"any\": [{" SF ", \"property\": \"page_url\", \"operator\": \"like\", \"value\": \"%pricing%\"},"
    "     {" SF ", \"property\": \"app_id\", \"operator\": \"in\", \"value\": [\"web\", \"mobile\"]}]}}"
    " ]}";

TEST(api_reproduces_sdk_example_6_1)
{
    sig_ctx *ctx = sig_ctx_new();
    mb b = {sig_ctx_arena(ctx)};
    sig_output out;
    CHECK(run(ctx, ecommerce_model(&b), API_TARGET_GROUPS, &out));
    check_body(&out, "attribute_groups/ecommerce_stream_v1.json", body_6_1);
    /* The built-in key is not registered; the plan has the group only. */
    CHECK(sig_output_find(&out, "attribute_keys/domain_sessionid.json") == NULL);
    check_text(&out, "plan.json",
               "[\n"
               "  {\n"
               "    \"method\": \"POST\",\n"
               "    \"path\": \"registry/attribute_groups/\",\n"
               "    \"body\": \"attribute_groups/ecommerce_stream_v1.json\",\n"
               "    \"on_400\": {\n"
               "      \"method\": \"PUT\",\n"
               "      \"path\": \"registry/attribute_groups/ecommerce_stream/versions/1\"\n"
               "    }\n"
               "  }\n"
               "]\n");
    /* The attribute's tags were dropped with a warning. */
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0921") == 0 && d->severity == SIG_SEV_WARNING);
    CHECK_INT(sig_error_count(ctx), 0);
    /* Byte for byte: the beginning of the file. */
    const sig_output_file *f = sig_output_find(&out, "attribute_groups/ecommerce_stream_v1.json");
    CHECK(f && strncmp(f->data,
                       "{\n  \"name\": \"ecommerce_stream\",\n  \"version\": 1,\n"
                       "  \"attribute_key\": {\n    \"name\": \"domain_sessionid\",\n", 90) == 0);
    CHECK(f && strstr(f->data, "\"default_value\": 0.0\n"));
    sig_ctx_free(ctx);
}

TEST(api_reproduces_sdk_example_6_2_views)
{
    sig_ctx *ctx = sig_ctx_new();
    mb b = {sig_ctx_arena(ctx)};
    sig_output out;
    CHECK(run(ctx, ecommerce_model(&b), API_TARGET_VIEWS, &out));
    check_body(&out, "views/ecommerce_stream_v1.json", body_6_2);
    CHECK_INT(sig_error_count(ctx) + sig_warning_count(ctx), 0);
    const sig_output_file *plan = sig_output_find(&out, "plan.json");
    CHECK(plan && strstr(plan->data, "\"path\": \"feature_store/apply\"\n  }\n]\n"));
    CHECK(plan && strstr(plan->data, "\"path\": \"registry/views/ecommerce_stream/versions/1\""));
    sig_ctx_free(ctx);
}

/* --------------------------------------------------------------- 6.3 */

TEST(api_reproduces_sdk_examples_6_3)
{
    sig_ctx *ctx = sig_ctx_new();
    mb b = {sig_ctx_arena(ctx)};
    sig_model m = {0};

    sig_attribute_key *crm = user_key(&b, "customer_id");
    crm->description = "CRM id";
    crm->owner = "owner@example.com";
    crm->ttl_seconds = 90 * 86400;
    sig_attribute_key *uid = user_key(&b, "user_id");
    uid->property_explicit = true;
    sig_context *cust = context(&b, "customer", schema("com.acme", "customer", 1, 0, 0));
    sig_attribute_key *cid = user_key(&b, "customer_id2");
    cid->property = heap_prop(&b, entity_prop(&b, cust, 0, "customer_id"));
    cid->property_explicit = true;
    sig_attribute_key *crm_id = user_key(&b, "crm_id");
    const sig_attribute_key *keys[] = {crm, uid, cid, crm_id};
    m.keys = keys;
    m.nkeys = 4;

    sig_view *g = view(&b, "g", 3, user_key(&b, "customer_id"));
    g->owner = "o@example.com";
    sig_view *other = view(&b, "other", 1, g->key);
    other->owner = "o@example.com";

    sig_batch_source src = {.name = "crm_source", .database = "my-bq-project", .schema = "CRM",
                            .table = "USER_PROFILE", .timestamp_field = "UPDATED_AT"};
    sig_field fields[] = {{.name = "lifetime_value", .type = {SIG_DOUBLE, false}},
                          {.name = "segment", .type = {SIG_STRING, false},
                           .description = "CRM segment"}};
    sig_view *ext = view(&b, "crm_profile", 2, crm_id);
    ext->source = &src;
    ext->fields = fields;
    ext->nfields = 2;
    ext->owner = "owner@example.com";

    sig_event *pv = event(&b, "page_view", schema("com.snowplowanalytics.snowplow", "page_view", 1, 0, 0));
    sig_view *batch = view(&b, "batch_g", 1, builtin_key(&b, "domain_userid"));
    batch->offline_set = batch->offline = true;
    batch->owner = "owner@example.com";
    sig_attribute *pvc = attr(&b, "page_view_count", "int32", SIG_AGG_COUNTER, pv, NULL);
    pvc->period_seconds = 7 * 86400;
    const sig_attribute *battrs[] = {pvc};
    batch->attributes = battrs;
    batch->nattributes = 1;

    const sig_view *views[] = {g, ext, batch, other};
    m.views = views;
    m.nviews = 4;
    sig_view_ref refs[] = {{g, 3}, {other, 1}};
    sig_service svc = {.name = "my_service", .owner = "o@example.com", .views = refs, .nviews = 2};
    const sig_service *svcs[] = {&svc};
    m.services = svcs;
    m.nservices = 1;

    sig_output out;
    CHECK(run(ctx, &m, API_TARGET_GROUPS, &out));
    CHECK_INT(sig_error_count(ctx) + sig_warning_count(ctx), 0);
    check_text(&out, "attribute_keys/customer_id.json",
               "{\n"
               "  \"name\": \"customer_id\",\n"
               "  \"description\": \"CRM id\",\n"
               "  \"owner\": \"owner@example.com\",\n"
               "  \"ttl\": \"P90D\",\n"
               "  \"is_published\": true\n"
               "}\n");
    check_body(&out, "attribute_keys/user_id.json",
               "{\"name\": \"user_id\", \"property\": {\"type\": \"atomic\", \"name\": \"user_id\"}, \"is_published\": true}");
    /* Normalisation: the SDK example sends "path": "$.customer_id"; the
     * backend sends paths without `$.` (see emit.c). */
    check_body(&out, "attribute_keys/customer_id2.json",
               "{\"name\": \"customer_id2\", \"property\": {\"vendor\": \"com.acme\", \"name\": \"customer\","
               " \"major_version\": 1, \"path\": \"customer_id\", \"type\": \"entity\", \"index\": 0}, \"is_published\": true}");
    check_text(&out, "attribute_groups/g_v3.json",
               "{\n"
               "  \"name\": \"g\",\n"
               "  \"version\": 3,\n"
               "  \"attribute_key\": {\n"
               "    \"name\": \"customer_id\",\n"
               "    \"is_published\": false\n"
               "  },\n"
               "  \"online\": true,\n"
               "  \"owner\": \"o@example.com\",\n"
               "  \"is_published\": true\n"
               "}\n");
    check_text(&out, "services/my_service.json",
               "{\n"
               "  \"name\": \"my_service\",\n"
               "  \"attribute_groups\": [\n"
               "    {\n"
               "      \"name\": \"g\",\n"
               "      \"version\": 3\n"
               "    },\n"
               "    {\n"
               "      \"name\": \"other\",\n"
               "      \"version\": 1\n"
               "    }\n"
               "  ],\n"
               "  \"owner\": \"o@example.com\",\n"
               "  \"is_published\": true\n"
               "}\n");
    /* The model has no external_column: the SDK example's key also carries
     * "external_column": "crm_id". */
    check_body(&out, "attribute_groups/crm_profile_v2.json",
               "{\"name\": \"crm_profile\", \"version\": 2,"
               " \"attribute_key\": {\"name\": \"crm_id\", \"is_published\": false},"
               " \"batch_source\": {\"name\": \"crm_source\", \"timestamp_field\": \"UPDATED_AT\", \"database\": \"my-bq-project\", \"schema\": \"CRM\", \"table\": \"USER_PROFILE\"},"
               " \"online\": true, \"offline\": true, \"owner\": \"owner@example.com\","
               " \"fields\": [{\"name\": \"lifetime_value\", \"type\": \"double\"}, {\"name\": \"segment\", \"description\": \"CRM segment\", \"type\": \"string\"}],"
               " \"is_published\": true}");
    check_body(&out, "attribute_groups/batch_g_v1.json",
               "{\"name\": \"batch_g\", \"version\": 1, \"attribute_key\": {\"name\": \"domain_userid\", \"description\": \"The domain user ID for the user.\", \"key\": \"domain_userid\", \"is_published\": false}, \"online\": true, \"offline\": true, \"owner\": \"owner@example.com\", \"attributes\": [{\"name\": \"page_view_count\", \"type\": \"int32\", \"events\": [{\"name\": \"page_view\", \"vendor\": \"com.snowplowanalytics.snowplow\", \"version\": \"1-0-0\"}], \"aggregation\": \"counter\", \"period\": \"P7D\"}], \"is_published\": true}");
    /* Plan: keys, then groups, then the service. */
    const sig_output_file *plan = sig_output_find(&out, "plan.json");
    CHECK(plan != NULL);
    if (plan) {
        const char *k = strstr(plan->data, "attribute_keys/crm_id.json");
        const char *gr = strstr(plan->data, "attribute_groups/g_v3.json");
        const char *s = strstr(plan->data, "services/my_service.json");
        CHECK(k && gr && s && k < gr && gr < s);
        CHECK(strstr(plan->data, "\"path\": \"registry/services/my_service\""));
        CHECK(strstr(plan->data, "\"path\": \"registry/attribute_keys/crm_id\""));
    }

    /* The View era: Entity and Service of 6.3. */
    sig_ctx *ctx2 = sig_ctx_new();
    sig_model m2 = {0};
    sig_attribute_key ce = {.name = "custom_entity", .key = "customer_id",
                            .owner = "owner@example.com", .ttl_seconds = 90 * 86400};
    const sig_attribute_key *keys2[] = {&ce};
    m2.keys = keys2;
    m2.nkeys = 1;
    sig_view es = {.name = "ecommerce_stream", .version = 1, .key = &ce, .ttl_seconds = -1,
                   .online = true, .owner = "owner@example.com"};
    const sig_view *views2[] = {&es};
    m2.views = views2;
    m2.nviews = 1;
    sig_view_ref refs2[] = {{&es, 1}};
    sig_service svc2 = {.name = "my_service", .description = "svc", .owner = "owner@example.com",
                        .views = refs2, .nviews = 1};
    const sig_service *svcs2[] = {&svc2};
    m2.services = svcs2;
    m2.nservices = 1;
    sig_output out2;
    CHECK(run(ctx2, &m2, API_TARGET_VIEWS, &out2));
    check_body(&out2, "entities/custom_entity.json",
               "{\"name\": \"custom_entity\", \"key\": \"customer_id\", \"owner\": \"owner@example.com\", \"ttl\": \"P90D\"}");
    check_body(&out2, "services/my_service.json",
               "{\"name\": \"my_service\", \"description\": \"svc\", \"views\": [{\"name\": \"ecommerce_stream\", \"version\": 1}], \"owner\": \"owner@example.com\"}");
    check_body(&out2, "views/ecommerce_stream_v1.json",
               "{\"name\": \"ecommerce_stream\", \"version\": 1, \"entity\": {\"name\": \"custom_entity\"}, \"online\": true, \"owner\": \"owner@example.com\"}");
    sig_ctx_free(ctx2);
    sig_ctx_free(ctx);
}

/* ------------------------------------------------ capability checks */

TEST(api_partial_version_warns_once_and_drops_version)
{
    sig_ctx *ctx = sig_ctx_new();
    mb b = {sig_ctx_arena(ctx)};
    sig_event *ev = event(&b, "checkout", schema("com.acme", "checkout", 1, -1, -1));
    sig_event *any = event(&b, "any_checkout", schema("com.acme", "checkout", -1, -1, -1));
    any->schema.has_version = false;
    sig_attribute *a1 = attr(&b, "n", "int64", SIG_AGG_COUNTER, ev, NULL);
    sig_attribute *a2 = attr(&b, "m", "int64", SIG_AGG_COUNTER, ev, NULL);
    sig_attribute *a3 = attr(&b, "o", "int64", SIG_AGG_COUNTER, any, NULL);
    const sig_attribute *attrs[] = {a1, a2, a3};
    sig_view *v = view(&b, "v", 1, builtin_key(&b, "domain_userid"));
    v->owner = "o@example.com";
    v->attributes = attrs;
    v->nattributes = 3;
    const sig_view *views[] = {v};
    sig_model m = {.views = views, .nviews = 1};
    sig_output out;
    CHECK(run(ctx, &m, API_TARGET_GROUPS, &out));
    CHECK_INT(sig_warning_count(ctx), 1);
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0920") == 0);
    const sig_output_file *f = sig_output_find(&out, "attribute_groups/v_v1.json");
    CHECK(f && !strstr(f->data, "\"version\": \"") && strstr(f->data, "\"vendor\": \"com.acme\"\n"));
    sig_ctx_free(ctx);
}

TEST(api_target_capability_errors)
{
    sig_ctx *ctx = sig_ctx_new();
    mb b = {sig_ctx_arena(ctx)};
    sig_context *c = context(&b, "customer", schema("com.acme", "customer", 1, 0, 0));
    sig_attribute_key *k = user_key(&b, "cust");
    k->property = heap_prop(&b, entity_prop(&b, c, 0, "id"));
    k->property_explicit = true;
    const sig_attribute_key *keys[] = {k};
    sig_model m = {.keys = keys, .nkeys = 1};
    sig_output out;
    CHECK(!run(ctx, &m, API_TARGET_VIEWS, &out));
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0922") == 0 && strstr(d->message, "views"));
    sig_ctx_free(ctx);

    ctx = sig_ctx_new();
    b.a = sig_ctx_arena(ctx);
    k = user_key(&b, "cust");
    sig_batch_source src = {.name = "s", .database = "d", .schema = "s", .table = "t",
                            .timestamp_field = "ts", .created_timestamp_column = "c"};
    sig_view v = {.name = "ext", .version = 1, .key = k, .ttl_seconds = -1, .online = true,
                  .owner = "o@example.com", .source = &src};
    const sig_view *views[] = {&v};
    sig_model m2 = {.views = views, .nviews = 1};
    CHECK(!run(ctx, &m2, API_TARGET_GROUPS, &out));
    d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0922") == 0 && strstr(d->message, "attribute-groups"));
    sig_ctx_free(ctx);

    ctx = sig_ctx_new();
    b.a = sig_ctx_arena(ctx);
    sig_event *pv = event(&b, "pv", schema("com.snowplowanalytics.snowplow", "page_view", 1, 0, 0));
    sig_attribute *at = attr(&b, "l", "unix_timestamp", SIG_AGG_MAX, pv, heap_prop(&b, atomic("load_tstamp")));
    const sig_attribute *attrs[] = {at};
    sig_view v3 = {.name = "v", .version = 1, .key = builtin_key(&b, "user_id"), .ttl_seconds = -1,
                   .online = true, .owner = "o@example.com", .attributes = attrs, .nattributes = 1};
    const sig_view *views3[] = {&v3};
    sig_model m3 = {.views = views3, .nviews = 1};
    CHECK(!run(ctx, &m3, API_TARGET_GROUPS, &out));
    CHECK(sig_error_count(ctx) == 1);
    sig_ctx_free(ctx);
}

/* ------------------------------------------------------------ import */

TEST(api_import_writes_declarations_and_view)
{
    static const char json[] =
        "{\"name\": \"g\", \"version\": 2, \"attribute_key\": {\"name\": \"domain_userid\"},"
        " \"online\": true, \"offline\": false, \"owner\": \"o@example.com\", \"attributes\": ["
        "  {\"name\": \"n\", \"type\": \"int64\", \"aggregation\": \"counter\","
        "   \"events\": [{\"name\": \"event\", \"vendor\": \"com.google.analytics\", \"version\": \"1-0-0\"}],"
        "   \"criteria\": {\"all\": [{\"property\": {\"type\": \"atomic\", \"name\": \"se_value\"}, \"operator\": \">\", \"value\": 1e20}]},"
        "   \"period\": \"PT36H\", \"default_value\": 0}]}";
    sig_ctx *ctx = sig_ctx_new();
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    CHECK(sig_import_json(ctx, json, sizeof json - 1, "g.json", &out));
    CHECK_STR(sig_buf_str(&out),
              "# Imported from g.json by signalsc import.\n"
              "\n"
              "event event_event = iglu:com.google.analytics/event/jsonschema/1-0-0\n"
              "\n"
              "view g v2 {\n"
              "    entity domain_userid\n"
              "    online true\n"
              "    offline false\n"
              "    owner \"o@example.com\"\n"
              "    attribute n: int64 = counter()\n"
              "        from event_event\n"
              "        where se_value > 100000000000000000000.0\n"
              "        over last 1 day 12 hours\n"
              "        {\n"
              "            default 0\n"
              "        }\n"
              "}\n");
    sig_ctx_free(ctx);

    ctx = sig_ctx_new();
    sig_buf out2 = {.arena = sig_ctx_arena(ctx)};
    CHECK(!sig_import_json(ctx, "[{\"name\": 1}", 12, "bad.json", &out2));
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && strcmp(d->code, "E0930") == 0);
    sig_ctx_free(ctx);
}

/* Regressions found by tests/fuzz/fuzz_import (the property: every spec
 * import writes passes check). */
static bool import_fails_with(const char *json, const char *code, const char *needle)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    bool ok = !sig_import_json(ctx, json, strlen(json), "f.json", &out);
    const sig_diag *d = sig_diags_first(ctx);
    ok = ok && d && strcmp(d->code, code) == 0 && strstr(d->message, needle);
    if (!ok && d) fprintf(stderr, "  got: %s %s\n", d->code, d->message);
    sig_ctx_free(ctx);
    return ok;
}

#define GROUP_HEAD "{\"name\": \"g\", \"attribute_key\": {\"name\": \"domain_userid\"}, "
#define COUNTER_ATTR "{\"name\": \"n\", \"type\": \"int64\", \"aggregation\": \"counter\", " \
                     "\"events\": [{\"name\": \"e\", \"vendor\": \"com.acme\"}]}"

TEST(api_import_rejects_what_would_not_check)
{
    /* A service alone: its views are not in the input. */
    CHECK(import_fails_with("{\"name\": \"s\", \"views\": [{\"name\": \"v\", \"version\": 1}]}",
                            "E0932", "which the input does not define"));
    /* A View-era view whose entity is only a reference. */
    CHECK(import_fails_with("{\"name\": \"g\", \"entity\": {\"name\": \"crm_customer\"}, \"attributes\": ["
                            COUNTER_ATTR "]}", "E0932", "is not an atomic column"));
    /* Versions and indexes that no int holds (undefined behaviour before). */
    CHECK(import_fails_with(GROUP_HEAD "\"version\": 1e300, \"attributes\": [" COUNTER_ATTR "]}",
                            "E0932", "view version"));
    CHECK(import_fails_with(GROUP_HEAD "\"attributes\": [{\"name\": \"n\", \"type\": \"string\", "
                            "\"aggregation\": \"last\", \"events\": [{\"name\": \"e\", \"vendor\": \"com.acme\"}], "
                            "\"property\": {\"type\": \"event\", \"vendor\": \"com.acme\", \"name\": \"e\", "
                            "\"major_version\": -1e300, \"path\": \"x\"}}]}", "E0932", "major_version"));
    /* A property reading an event that is not among the attribute's. */
    CHECK(import_fails_with(GROUP_HEAD "\"attributes\": [{\"name\": \"n\", \"type\": \"string\", "
                            "\"aggregation\": \"last\", \"events\": [{\"name\": \"e\", \"vendor\": \"com.acme\"}], "
                            "\"property\": {\"type\": \"event\", \"vendor\": \"com.other\", \"name\": \"e\", "
                            "\"major_version\": 1, \"path\": \"x\"}}]}", "E0932", "not one of the attribute's events"));
    /* An aggregation without the property it needs (the checker's E0323). */
    CHECK(import_fails_with(GROUP_HEAD "\"attributes\": [{\"name\": \"n\", \"type\": \"double\", "
                            "\"aggregation\": \"mean\", \"events\": [{\"name\": \"e\", \"vendor\": \"com.acme\"}]}]}",
                            "E0931", "needs a `property`"));
    /* Fields with no batch source (the checker's E0313). */
    CHECK(import_fails_with(GROUP_HEAD "\"fields\": [{\"name\": \"f\", \"type\": \"string\"}]}",
                            "E0932", "no `batch_source`"));
}

TEST(api_import_partial_version_round_trip)
{
    /* The api backend sends `1-*-*` as no version; the property keeps the
     * major. Import declares the event `1-*-*` again so that it checks. */
    static const char json[] = GROUP_HEAD "\"attributes\": [{\"name\": \"t\", \"type\": \"string\", "
        "\"aggregation\": \"last\", \"events\": [{\"name\": \"link_click\", \"vendor\": \"com.acme\"}], "
        "\"property\": {\"type\": \"event\", \"vendor\": \"com.acme\", \"name\": \"link_click\", "
        "\"major_version\": 1, \"path\": \"targetUrl\"}}]}";
    sig_ctx *ctx = sig_ctx_new();
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    CHECK(sig_import_json(ctx, json, sizeof json - 1, "g.json", &out));
    CHECK(strstr(sig_buf_str(&out), "link_click_2 = iglu:com.acme/link_click/jsonschema/1-*-*\n"));
    CHECK(strstr(sig_buf_str(&out), "last(link_click_2.targetUrl)\n        from link_click_2\n"));
    sig_ctx *chk = sig_ctx_new();
    sig_ctx_add_buffer(chk, "i.signals", out.data, out.len);
    CHECK(sig_ctx_check(chk) != NULL);
    sig_ctx_free(chk);
    sig_ctx_free(ctx);
}

TEST(api_import_short_declaration_names)
{
    /* A schema name shorter than the 100-byte cap of the declaration name:
     * once read 100 bytes from it (found by fuzz_import under ASan; this
     * test catches it in make test-sanitize). */
    static const char json[] =
        "{\"name\": \"e\", \"property\": {\"vendor\": \"com.acme\", \"name\": \"x\", "
        "\"major_version\": 1, \"path\": \"a\"}}";
    sig_ctx *ctx = sig_ctx_new();
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    CHECK(sig_import_json(ctx, json, sizeof json - 1, "e.json", &out));
    CHECK(strstr(sig_buf_str(&out), "event x = iglu:com.acme/x/jsonschema/1-*-*\n"));
    sig_ctx_free(ctx);
}

TEST(api_import_partial_version_in_criteria)
{
    /* As above, the event read only by a criterion: `from` must name the
     * `1-*-*` event too (found by fuzz_import with FUZZ_IMPORT_GAPS=1). */
    static const char json[] = GROUP_HEAD "\"attributes\": [{\"name\": \"n\", \"type\": \"int64\", "
        "\"aggregation\": \"counter\", \"events\": [{\"name\": \"act\", \"vendor\": \"com.acme\"}], "
        "\"criteria\": {\"all\": [{\"property\": \"unstruct_event_com_acme_act_1:type\", "
        "\"operator\": \"=\", \"value\": \"add\"}]}}]}";
    sig_ctx *ctx = sig_ctx_new();
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    CHECK(sig_import_json(ctx, json, sizeof json - 1, "g.json", &out));
    CHECK(strstr(sig_buf_str(&out), "from act_2\n        where act_2.type = \"add\""));
    sig_ctx_free(ctx);
}
