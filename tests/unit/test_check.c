/* Unit tests of the checker: the type, aggregation and atomic tables, the
 * model built from the seed example and variations, and one input per
 * diagnostic code (code, line and column of the first diagnostic). */
#include <stdlib.h>

#include "check.h"
#include "signals/signals.h"
#include "unit.h"

static const char seed[] =
    "event page_view        = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2\n"
    "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
    "context yauaa   = iglu:nl.basjes/yauaa_context/jsonschema/1-0-0\n"
    "attribute products_added_to_cart_last_7_days: string_list =\n"
    "    unique_list(product[0].name)\n"
    "    from ecommerce_action\n"
    "    where ecommerce_action.type = \"add_to_cart\"\n"
    "    over last 7 days\n"
    "attribute total_product_price_clv: double =\n"
    "    sum(product[0].price) from ecommerce_action where ecommerce_action.type = \"add_to_cart\"\n"
    "attribute first_mkt_source: string  = first(mkt_source) from page_view\n"
    "attribute last_device_class: string = last(yauaa[0].deviceClass) from page_view\n"
    "view batch_ecommerce_attributes v1 {\n"
    "    entity     domain_userid\n"
    "    offline    true\n"
    "    online     false\n"
    "    owner      \"user@company.com\"\n"
    "    attributes products_added_to_cart_last_7_days, total_product_price_clv,\n"
    "               first_mkt_source, last_device_class\n"
    "}\n"
    "batch_source ecommerce_transaction_interactions_source {\n"
    "    database        \"SNOWPLOW_DEV1\"\n"
    "    schema          \"SIGNALS\"\n"
    "    table           \"SNOWPLOW_ECOMMERCE_TRANSACTION_INTERACTIONS_FEATURES\"\n"
    "    timestamp_field UPDATED_AT\n"
    "    owner           \"user@company.com\"\n"
    "}\n"
    "view ecommerce_transaction_interactions_attributes v1 {\n"
    "    entity  domain_userid\n"
    "    offline true\n"
    "    online  false\n"
    "    source  ecommerce_transaction_interactions_source\n"
    "    field   TOTAL_TRANSACTIONS: int32\n"
    "    field   TOTAL_REVENUE: int32\n"
    "    field   AVG_TRANSACTION_REVENUE: int32\n"
    "}\n";

static const sig_model *check_src(sig_ctx *ctx, const char *src)
{
    sig_ctx_add_buffer(ctx, "t.signals", src, strlen(src));
    return sig_ctx_check(ctx);
}

/* Checks that `src` fails with `code` first, at line:col. */
#define EXPECT_ERROR(src, code_, line_, col_)                                 \
    do {                                                                      \
        sig_ctx *ctx_ = sig_ctx_new();                                        \
        const sig_model *m_ = check_src(ctx_, (src));                         \
        CHECK(m_ == NULL);                                                    \
        const sig_diag *d_ = sig_diags_first(ctx_);                           \
        CHECK(d_ != NULL);                                                    \
        if (d_) {                                                             \
            CHECK_STR(d_->code, (code_));                                     \
            CHECK_INT(d_->loc.line, (line_));                                 \
            CHECK_INT(d_->loc.col, (col_));                                   \
            CHECK(d_->message && *d_->message);                               \
        }                                                                     \
        sig_ctx_free(ctx_);                                                   \
    } while (0)

#define PV "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
#define CO "event checkout = iglu:com.acme/checkout/jsonschema/1-*-*\n"
#define PR "context product = iglu:com.acme/product/jsonschema/1-0-0\n"

/* The attribute called `name`; a failure and an empty stand-in if none. */
#define attr(m, name) attr_at((m), (name), __LINE__)
static const sig_attribute *attr_at(const sig_model *m, const char *name, int line)
{
    static const sig_property empty_prop;
    static const sig_attribute empty = {.property = &empty_prop};
    for (size_t i = 0; m && i < m->nattributes; i++)
        if (strcmp(m->attributes[i]->name, name) == 0) return m->attributes[i];
    unit_fail(__FILE__, line, "no attribute `%s` in the model", name);
    return &empty;
}

/* ------------------------------------------------------------ tables */

TEST(check_type_table_roundtrips)
{
    size_t n = 0;
    for (; sig_type_names[n]; n++) {
        sig_type t;
        CHECK(sig_type_parse(sig_type_names[n], &t));
        CHECK_STR(sig_type_name(t), sig_type_names[n]);
    }
    CHECK_INT(n, 18); /* the 16 Field types, timestamp and dict (SDK 0.4.10) */
    sig_type t;
    CHECK(sig_type_parse("dict", &t) && t.scalar == SIG_DICT && !t.list && !sig_type_is_field(t));
    CHECK(sig_type_parse("timestamp", &t) && t.scalar == SIG_TIMESTAMP && !sig_type_is_field(t));
    CHECK(!sig_type_parse("dict_list", &t) && !sig_type_parse("timestamp_list", &t));
    CHECK_STR(sig_type_name((sig_type){SIG_DICT, true}), "?");
    CHECK(sig_type_compatible((sig_type){SIG_UNIX_TIMESTAMP, false},
                              (sig_type){SIG_TIMESTAMP, false}));
    CHECK(!sig_type_parse("number", &t));
    CHECK(!sig_type_parse(NULL, &t));
    CHECK(sig_type_parse("unix_timestamp_list", &t) && t.list && t.scalar == SIG_UNIX_TIMESTAMP);
    CHECK(sig_type_is_numeric((sig_type){SIG_FLOAT, false}));
    CHECK(!sig_type_is_numeric((sig_type){SIG_INT32, true}));
    CHECK(!sig_type_is_numeric((sig_type){SIG_STRING, false}));
    CHECK(sig_type_compatible((sig_type){SIG_INT32, true}, (sig_type){SIG_INT64, true}));
    CHECK(!sig_type_compatible((sig_type){SIG_INT32, false}, (sig_type){SIG_DOUBLE, false}));
}

TEST(check_aggregation_table)
{
    size_t n = 0;
    for (; sig_agg_names[n]; n++) {
        const sig_agg_info *i = sig_agg_lookup(sig_agg_names[n]);
        CHECK(i != NULL);
        if (i) CHECK(sig_agg_get(i->agg) == i);
    }
    CHECK_INT(n, SIG_AGG__COUNT);
    CHECK(sig_agg_lookup("count") == NULL);
    CHECK(!sig_agg_lookup("counter")->needs_property);
    CHECK(sig_agg_lookup("mean")->property_must_be_numeric);
    CHECK(sig_agg_lookup("unique_list")->yields_list);
    sig_type i32 = {SIG_INT32, false}, i64 = {SIG_INT64, false}, dbl = {SIG_DOUBLE, false};
    sig_type str = {SIG_STRING, false};
    CHECK(sig_agg_can_yield(SIG_AGG_COUNTER, i32));
    CHECK(!sig_agg_can_yield(SIG_AGG_COUNTER, dbl));
    CHECK(!sig_agg_can_yield(SIG_AGG_MEAN, i64));
    CHECK(sig_agg_can_yield(SIG_AGG_UNIQUE_LIST, (sig_type){SIG_BOOL, true}));
    CHECK(!sig_agg_can_yield(SIG_AGG_MAX, (sig_type){SIG_BOOL, true}));
    const char *why = NULL;
    CHECK(!sig_agg_result_fits(SIG_AGG_SUM, dbl, i64, &why));
    CHECK_STR(why, "integer");
    CHECK(sig_agg_result_fits(SIG_AGG_SUM, i32, i64, &why));
    CHECK(sig_agg_result_fits(SIG_AGG_MAX, i32, i64, &why));
    CHECK(!sig_agg_result_fits(SIG_AGG_MAX, i32, str, &why));
    CHECK_STR(why, "same");
    CHECK(!sig_agg_result_fits(SIG_AGG_UNIQUE_LIST, i32, (sig_type){SIG_STRING, true}, &why));
    CHECK_STR(why, "element");
    CHECK(sig_type_equal(sig_agg_infer(SIG_AGG_SUM, true, i32), i64));
    CHECK(sig_type_equal(sig_agg_infer(SIG_AGG_SUM, false, str), dbl));
    CHECK(sig_type_equal(sig_agg_infer(SIG_AGG_UNIQUE_LIST, false, str),
                         (sig_type){SIG_STRING, true}));
    CHECK(sig_type_equal(sig_agg_infer(SIG_AGG_COUNTER, false, str), i64));
    for (int op = SIG_OP_EQ; op <= SIG_OP_IN; op++) CHECK(strcmp(sig_op_name(op), "?") != 0);
    CHECK_STR(sig_op_name(SIG_OP_LIKE), "like");
}

/* The rows' planning columns: partial states, merges and finishes. */
TEST(check_aggregation_states)
{
    CHECK_INT(sig_agg_get(SIG_AGG_COUNTER)->states, SIG_STATE_BIT(SIG_STATE_EVENTS));
    CHECK_INT(sig_agg_get(SIG_AGG_MEAN)->states,
              SIG_STATE_BIT(SIG_STATE_SUM) | SIG_STATE_BIT(SIG_STATE_COUNT));
    CHECK_INT(sig_agg_get(SIG_AGG_UNIQUE_LIST)->states, SIG_STATE_BIT(SIG_STATE_VALUES));
    CHECK(sig_agg_get(SIG_AGG_MEAN)->reads_double);
    CHECK(!sig_agg_get(SIG_AGG_SUM)->reads_double);
    CHECK_INT(sig_agg_get(SIG_AGG_UNIQUE_LIST)->list_cap, 100);
    CHECK_INT(sig_agg_get(SIG_AGG_LAST)->list_cap, 0);
    CHECK_STR(sig_finish_name(sig_agg_get(SIG_AGG_MEAN)->finish), "divide");
    CHECK_STR(sig_state_get(SIG_STATE_FIRST)->merge_name, "earliest");
    CHECK_STR(sig_state_get(SIG_STATE_EVENTS)->suffix, "n");
    CHECK(sig_state_get(SIG_STATE_VALUES)->suffix == NULL);
    CHECK(sig_state_get(SIG_STATE__COUNT) == NULL);
    for (unsigned i = 0; i < SIG_AGG__COUNT; i++) {
        const sig_agg_info *a = sig_agg_get((sig_agg)i);
        /* the first 8 are computed in the warehouse and known to both eras;
         * the 6 of SDK 0.4.3-0.4.8 are attribute-group era only, for now
         * not computed in the warehouse */
        CHECK((a->states != 0) == a->in_warehouse);
        CHECK(a->summary != NULL && a->in_groups && a->in_views == (i < 8));
        CHECK(a->in_warehouse == (i < 8));
    }
    CHECK_INT(SIG_AGG__COUNT, 14);
    CHECK(sig_agg_get(SIG_AGG_TIME_SINCE_LAST)->takes_unit);
    CHECK(!sig_agg_get(SIG_AGG_TIME_SINCE_LAST)->needs_property);
    CHECK(sig_agg_get(SIG_AGG_MOST_FREQUENT)->needs_property);
    CHECK_STR(sig_agg_yields_text(SIG_AGG_CATEGORY_COUNT), "`dict`");
    CHECK_STR(sig_agg_yields_text(SIG_AGG_COUNTER), "`int32` or `int64`");
    CHECK_STR(sig_agg_yields_text(SIG_AGG_SUM), "`int32`, `int64`, `double` or `float`");
    CHECK_STR(sig_agg_yields_text(SIG_AGG_MEAN), "`double` or `float`");
    CHECK_STR(sig_agg_yields_text(SIG_AGG_FIRST), "a scalar type (not a `_list`)");
    CHECK_STR(sig_agg_yields_text(SIG_AGG_UNIQUE_LIST), "a `_list` type");
}

TEST(check_atomic_table)
{
    CHECK_INT(sig_atomic_column_count, 132);
    size_t n = 0;
    while (sig_atomic_names[n]) n++;
    CHECK_INT(n, 132);
    for (size_t i = 0; i < sig_atomic_column_count; i++) {
        CHECK_STR(sig_atomic_names[i], sig_atomic_columns[i].name);
        CHECK(sig_atomic_lookup(sig_atomic_names[i]) == &sig_atomic_columns[i]);
    }
    CHECK(sig_atomic_lookup("nope") == NULL);
    CHECK(sig_atomic_lookup("load_tstamp")->type.scalar == SIG_UNIX_TIMESTAMP);
    CHECK(sig_atomic_lookup("derived_tstamp")->type.scalar == SIG_UNIX_TIMESTAMP);
    CHECK(sig_atomic_lookup("domain_sessionidx")->type.scalar == SIG_INT32);
    CHECK(sig_atomic_lookup("geo_latitude")->type.scalar == SIG_DOUBLE);
    CHECK(sig_atomic_lookup("tr_total_base")->type.scalar == SIG_DOUBLE);
    CHECK(sig_atomic_lookup("ti_quantity")->type.scalar == SIG_INT32);
    CHECK(sig_atomic_lookup("pp_yoffset_max")->type.scalar == SIG_INT32);
    CHECK(sig_atomic_lookup("br_features_pdf")->type.scalar == SIG_BOOL);
    CHECK(sig_atomic_lookup("dvce_ismobile")->type.scalar == SIG_BOOL);
    CHECK(sig_atomic_lookup("doc_height")->type.scalar == SIG_INT32);
    CHECK(sig_atomic_lookup("mkt_source")->type.scalar == SIG_STRING);
    /* SDK 0.4.9 renamed the API's refr_device_tstamp to the column's name */
    CHECK(sig_atomic_lookup("refr_dvce_tstamp")->type.scalar == SIG_UNIX_TIMESTAMP);
    CHECK(sig_atomic_lookup(SIG_ATOMIC_OLD_REFR_DVCE) == NULL);
}

/* ------------------------------------------------------------- model */

TEST(check_seed_model)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx, seed);
    CHECK(m != NULL);
    CHECK_INT(sig_error_count(ctx), 0);
    if (!m) { sig_ctx_free(ctx); return; }
    CHECK_INT(m->nevents, 2);
    CHECK_INT(m->ncontexts, 2);
    CHECK_INT(m->nattributes, 4);
    CHECK_INT(m->nviews, 2);
    CHECK_INT(m->nsources, 1);
    CHECK_INT(m->nkeys, 1);
    CHECK_STR(m->keys[0]->name, "domain_userid");
    CHECK(m->keys[0]->builtin);
    CHECK_STR(m->keys[0]->property->atomic, "domain_userid");

    const sig_event *ea = m->events[1];
    CHECK_STR(ea->schema.vendor, "com.snowplowanalytics.snowplow.ecommerce");
    CHECK_STR(ea->schema.name, "snowplow_ecommerce_action");
    CHECK_STR(ea->schema.format, "jsonschema");
    CHECK_INT(ea->schema.model, 1);
    CHECK_INT(ea->schema.addition, 2);
    CHECK_STR(sig_schema_exact_version(&ea->schema), "1-0-2");

    const sig_attribute *a = m->attributes[0];
    CHECK_STR(a->name, "products_added_to_cart_last_7_days");
    CHECK(!a->type_inferred);
    CHECK(a->type.list && a->type.scalar == SIG_STRING);
    CHECK(a->agg == SIG_AGG_UNIQUE_LIST);
    CHECK_INT(a->nevents, 1);
    CHECK(a->events[0] == ea);
    CHECK_INT(a->period_seconds, 7 * 86400);
    CHECK(a->property && a->property->kind == SIG_PROP_ENTITY);
    CHECK_STR(a->property->context->name, "product");
    CHECK_INT(a->property->index, 0);
    CHECK_STR(a->property->json_path, "$.name");
    CHECK_STR(a->property->column, "contexts_com_snowplowanalytics_snowplow_ecommerce_product_1");
    CHECK(!a->property->type_known);
    CHECK_INT(a->criteria.nall, 1);
    CHECK_INT(a->criteria.nany, 0);
    const sig_criterion *cr = &a->criteria.all[0];
    CHECK(cr->op == SIG_OP_EQ);
    CHECK(cr->value.kind == SIG_LIT_STRING);
    CHECK_STR(cr->value.str, "add_to_cart");
    CHECK(cr->property.kind == SIG_PROP_EVENT);
    CHECK(cr->property.event == ea);
    CHECK_STR(cr->property.json_path, "$.type");
    CHECK_STR(cr->property.column,
              "unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1");

    a = m->attributes[2];
    CHECK(a->property->kind == SIG_PROP_ATOMIC);
    CHECK_STR(a->property->atomic, "mkt_source");
    CHECK(a->property->type_known && a->property->type.scalar == SIG_STRING);
    CHECK_INT(a->period_seconds, 0);

    a = m->attributes[3];
    CHECK_STR(a->property->column, "contexts_nl_basjes_yauaa_context_1");
    CHECK_STR(a->property->json_path, "$.deviceClass");

    const sig_view *v = m->views[0];
    CHECK_INT(v->version, 1);
    CHECK(v->offline && v->offline_set && !v->online);
    CHECK_INT(v->nattributes, 4);
    CHECK(v->attributes[1] == m->attributes[1]);
    CHECK_STR(v->owner, "user@company.com");
    CHECK(v->key == m->keys[0]);
    CHECK_INT(v->ttl_seconds, -1);

    v = m->views[1];
    CHECK(v->source == m->sources[0]);
    CHECK_INT(v->nfields, 3);
    CHECK_STR(v->fields[2].name, "AVG_TRANSACTION_REVENUE");
    CHECK(v->fields[2].type.scalar == SIG_INT32);
    CHECK_INT(v->nattributes, 0);
    const sig_batch_source *b = m->sources[0];
    CHECK_STR(b->database, "SNOWPLOW_DEV1");
    CHECK_STR(b->timestamp_field, "UPDATED_AT");
    CHECK(b->created_timestamp_column == NULL);
    sig_ctx_free(ctx);
}

TEST(check_infers_types)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx, PV CO
        "attribute a = counter() from page_view\n"
        "attribute b = sum(se_value) from page_view\n"
        "attribute c = sum(ti_quantity) from page_view\n"
        "attribute d = mean(br_viewwidth) from page_view\n"
        "attribute e = min(derived_tstamp) from page_view\n"
        "attribute f = unique_list(br_viewwidth) from page_view\n"
        "attribute g = last(checkout.x) from checkout\n"
        "attribute h = unique_list(checkout.x) from checkout\n"
        "attribute i = sum(checkout.x) from checkout\n"
        "attribute j: int32 = max(checkout.x.y[2]) from checkout\n"
        "attribute k: int32 = counter() from page_view { default 0 }\n"
        "attribute l: double_list = unique_list(checkout.p) { default [1, 2.5] }\n");
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    struct { const char *n, *t; bool inferred; } want[] = {
        {"a", "int64", true}, {"b", "double", true}, {"c", "int64", true},
        {"d", "double", true}, {"e", "unix_timestamp", true}, {"f", "int32_list", true},
        {"g", "string", true}, {"h", "string_list", true}, {"i", "double", true},
        {"j", "int32", false}, {"k", "int32", false}, {"l", "double_list", false},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const sig_attribute *a = attr(m, want[i].n);
        CHECK_STR(sig_type_name(a->type), want[i].t);
        CHECK_INT(a->type_inferred, want[i].inferred);
    }
    const sig_attribute *j = attr(m, "j");
    CHECK_STR(j->property->json_path, "$.x.y[2]");
    CHECK_INT(j->property->nsteps, 3);
    CHECK(j->property->steps[2].kind == SIG_STEP_INDEX && j->property->steps[2].index == 2);
    const sig_attribute *l = attr(m, "l");
    /* No `from`: the events whose fields are read. */
    CHECK_INT(l->nevents, 1);
    CHECK_STR(l->events[0]->name, "checkout");
    CHECK(l->default_value && l->default_value->kind == SIG_LIT_LIST);
    CHECK_INT(l->default_value->nitems, 2);
    CHECK(attr(m, "a")->property == NULL);
    CHECK(sig_schema_exact_version(&m->events[1]->schema) == NULL);
    CHECK_INT(m->events[1]->schema.model, 1);
    CHECK_INT(m->events[1]->schema.revision, -1);
    sig_ctx_free(ctx);
}

/* The model of the SDK 0.4.3-0.4.10 constructs (bodies: tests/golden/api). */
TEST(check_sdk_0410_constructs)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx, PV CO
        "attribute a = counter() from page_view where mkt_source is null or page_url is not null\n"
        "attribute b = time_since_first(min) from page_view { ttl 2 days }\n"
        "attribute c = most_frequent(hour_of_day(derived_tstamp)) from page_view\n"
        "attribute d = last(concat(mkt_source, checkout.coupon, separator \"/\"))\n"
        "attribute e = sum(sum(tr_total, tr_tax)) from checkout\n"
        "attribute f = counter() from all\n");
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    const sig_attribute *a = attr(m, "a");
    CHECK_INT(a->criteria.nany, 2);
    CHECK(a->criteria.any[0].op == SIG_OP_IS_NULL && !sig_op_takes_value(a->criteria.any[0].op));
    CHECK_STR(sig_op_name(a->criteria.any[1].op), "is not null");
    const sig_attribute *b = attr(m, "b");
    CHECK_STR(b->time_unit, "min");
    CHECK(b->property == NULL && b->ttl_seconds == 2 * 86400);
    CHECK(sig_type_equal(b->type, (sig_type){SIG_DOUBLE, false}));
    const sig_attribute *c = attr(m, "c");
    CHECK_STR(c->property->date_part, "hour_of_day");
    CHECK_STR(c->property->atomic, "derived_tstamp");
    CHECK(sig_type_equal(c->type, (sig_type){SIG_INT64, false}));
    const sig_attribute *d = attr(m, "d");
    CHECK(d->property->kind == SIG_PROP_CALCULATED);
    CHECK_INT(d->property->noperands, 2);
    CHECK_STR(d->property->separator, "/");
    CHECK(d->nevents == 1 && d->events[0] == m->events[1]); /* read by an operand */
    CHECK(sig_type_equal(d->type, (sig_type){SIG_STRING, false}));
    const sig_attribute *e = attr(m, "e");
    CHECK(e->property->type_known && sig_type_equal(e->property->type, (sig_type){SIG_DOUBLE, false}));
    CHECK(attr(m, "f")->all_events && attr(m, "f")->nevents == 0);
    sig_ctx_free(ctx);
}

TEST(check_criteria_all_any_and_periods)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx, PV CO PR
        "attribute a = counter() from page_view where mkt_source = \"x\" or mkt_source = \"y\" "
        "or geo_country in (\"FR\", \"DE\")\n"
        "attribute b = counter() from checkout where checkout.total > 10 and "
        "(product.cat = \"a\" or product[2].cat like \"b%\") and br_viewwidth >= 800 "
        "over last 1 day 12 hours\n"
        "attribute c = counter() from page_view where derived_tstamp > \"2024-01-01\" "
        "and page_title = 3 and dvce_ismobile = true over last 2 weeks\n"
        "attribute d = counter() from page_view where (mkt_source = \"x\") and "
        "((geo_country = \"a\" or geo_country = \"b\") or geo_city = \"c\")\n");
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    const sig_attribute *a = attr(m, "a");
    CHECK_INT(a->criteria.nall, 0);
    CHECK_INT(a->criteria.nany, 3);
    CHECK(a->criteria.any[2].op == SIG_OP_IN);
    CHECK_INT(a->criteria.any[2].value.nitems, 2);
    CHECK_STR(a->criteria.any[2].value.items[1].str, "DE");
    const sig_attribute *b = attr(m, "b");
    CHECK_INT(b->criteria.nall, 2);
    CHECK_INT(b->criteria.nany, 2);
    CHECK(b->criteria.all[0].op == SIG_OP_GT);
    CHECK_INT(b->criteria.all[0].value.i, 10);
    CHECK(b->criteria.all[1].op == SIG_OP_GE);
    CHECK_INT(b->criteria.any[1].property.index, 2);
    CHECK(b->criteria.any[1].op == SIG_OP_LIKE);
    CHECK_INT(b->period_seconds, 36 * 3600);
    const sig_attribute *c = attr(m, "c");
    CHECK_INT(c->criteria.nall, 3);
    CHECK(c->criteria.all[2].value.kind == SIG_LIT_BOOL && c->criteria.all[2].value.b);
    CHECK_INT(c->period_seconds, 14 * 86400);
    const sig_attribute *d = attr(m, "d");
    CHECK_INT(d->criteria.nall, 1);
    CHECK_INT(d->criteria.nany, 3);
    sig_ctx_free(ctx);
}

TEST(check_warehouse_columns_resolve_like_short_forms)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx,
        "event act = iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2\n"
        "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
        "attribute a = last(unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1:type) from act\n"
        "attribute b = last(act.type) from act\n"
        "attribute c = last(contexts_com_snowplowanalytics_snowplow_ecommerce_product_1[1].name) from act\n"
        "attribute d = last(product[1].name) from act\n");
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    const sig_property *pa = attr(m, "a")->property, *pb = attr(m, "b")->property;
    CHECK(pa->kind == SIG_PROP_EVENT && pa->event == pb->event);
    CHECK_STR(pa->json_path, pb->json_path);
    CHECK_STR(pa->column, pb->column);
    const sig_property *pc = attr(m, "c")->property, *pd = attr(m, "d")->property;
    CHECK(pc->kind == SIG_PROP_ENTITY && pc->context == pd->context);
    CHECK_INT(pc->index, 1);
    CHECK_INT(pd->index, 1);
    CHECK_STR(pc->json_path, "$.name");
    CHECK_STR(pc->text, "contexts_com_snowplowanalytics_snowplow_ecommerce_product_1[1].name");
    sig_ctx_free(ctx);
}

TEST(check_entities_views_services)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx, PV CO
        "entity customer { property checkout.customer.id  ttl 90 days  owner \"o\" }\n"
        "entity browser { key domain_userid  description \"d\" }\n"
        "entity app_id\n"
        "attribute n = counter() from page_view\n"
        "view one { entity customer  attributes n  attribute m = counter() from checkout  ttl 1 hour }\n"
        "view one v3 { entity session  online false  attributes n  tags { team = \"web\" } }\n"
        "view two { entity browser attributes n }\n"
        "service s { views one, one v1, two  description \"x\" }\n");
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    CHECK_INT(m->nkeys, 4); /* customer, browser, app_id, then session on use */
    CHECK_STR(m->keys[0]->name, "customer");
    CHECK(m->keys[0]->property_explicit);
    CHECK(m->keys[0]->property->kind == SIG_PROP_EVENT);
    CHECK_INT(m->keys[0]->ttl_seconds, 90 * 86400);
    CHECK_STR(m->keys[1]->key, "domain_userid");
    CHECK_STR(m->keys[1]->property->atomic, "domain_userid");
    CHECK(!m->keys[1]->property_explicit);
    CHECK_STR(m->keys[2]->property->atomic, "app_id");
    CHECK_STR(m->keys[3]->name, "session");
    CHECK_STR(m->keys[3]->property->atomic, "domain_sessionid");
    /* Attributes: top-level and inline, declaration order. */
    CHECK_INT(m->nattributes, 2);
    CHECK_STR(m->attributes[1]->name, "m");
    const sig_view *one = m->views[0];
    CHECK_INT(one->nattributes, 2);
    CHECK(one->online && !one->offline && !one->offline_set);
    CHECK_INT(one->ttl_seconds, 3600);
    CHECK_INT(m->views[1]->version, 3);
    CHECK(!m->views[1]->online);
    CHECK_INT(m->views[1]->ntags, 1);
    const sig_service *s = m->services[0];
    CHECK_INT(s->nviews, 3);
    CHECK(s->views[0].view == m->views[1] && s->views[0].version == 3); /* highest */
    CHECK(s->views[1].view == m->views[0] && s->views[1].version == 1);
    CHECK_STR(s->description, "x");
    sig_ctx_free(ctx);
}

/* ------------------------------------------------------------- errors */

TEST(check_error_codes)
{
    EXPECT_ERROR(PV "attribute n = counter() from page_veiw\n", "E0301", 2, 30);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { entity usr  attributes n }\n", "E0301", 3, 17);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { entity user_id  attributes m }\n", "E0301", 3, 37);
    EXPECT_ERROR(PV "event page_view = iglu:a/b\n", "E0302", 2, 7);
    EXPECT_ERROR(PV PR "attribute n = counter() from product\n", "E0303", 3, 30);
    EXPECT_ERROR("entity customer\n", "E0304", 1, 8);
    EXPECT_ERROR("entity customer { key custmer_id }\n", "E0304", 1, 23);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { entity user_id  attributes n }\n"
                 "service s { views v v2 }\n", "E0305", 4, 21);
    EXPECT_ERROR("context app_id = iglu:a/b\n", "E0306", 1, 9);
    EXPECT_ERROR(PV "attribute n = counter() from page_view { owner \"x\" }\n", "E0310", 2, 42);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { entity user_id  entity user_id  attributes n }\n", "E0311", 3, 26);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { attributes n }\n", "E0312", 3, 6);
    EXPECT_ERROR("batch_source b { database \"d\" }\n", "E0312", 1, 14);
    EXPECT_ERROR(PV "view v { entity user_id }\n", "E0313", 2, 6);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v { entity user_id  attributes n, n }\n", "E0314", 3, 40);
    EXPECT_ERROR(PV "attribute n = counter() from page_view, page_view\n", "E0314", 2, 41);
    EXPECT_ERROR(PV "attribute n = counter() from page_view { tags { a = \"1\", a = \"2\" } }\n",
                 "E0315", 2, 58);
    EXPECT_ERROR(PV "attribute n = count() from page_view\n", "E0320", 2, 15);
    EXPECT_ERROR(PV "attribute n = counter() from page_view { default 1.5 }\n", "E0321", 2, 50);
    EXPECT_ERROR(PV "attribute n: strin = last(mkt_source) from page_view\n", "E0322", 2, 14);
    EXPECT_ERROR(PV "attribute n = sum() from page_view\n", "E0323", 2, 15);
    EXPECT_ERROR(PV "attribute n = counter(mkt_source) from page_view\n", "E0323", 2, 23);
    EXPECT_ERROR(PV "attribute n: string = counter() from page_view\n", "E0324", 2, 14);
    EXPECT_ERROR(PV "attribute n = mean(geo_city) from page_view\n", "E0325", 2, 20);
    EXPECT_ERROR(PV "attribute n = counter()\n", "E0326", 2, 11);
    EXPECT_ERROR(PV CO "attribute n = last(checkout.a) from page_view\n", "E0327", 3, 20);
    EXPECT_ERROR(PV "attribute n = counter() from page_view where mkt_source = \"a\" or "
                 "mkt_source = \"b\" and geo_city = \"c\"\n", "E0330", 2, 66);
    EXPECT_ERROR(PV "attribute n = counter() from page_view where mkt_source in \"a\"\n",
                 "E0331", 2, 60);
    EXPECT_ERROR(PV "attribute n = counter() from page_view where doc_width = \"a\"\n",
                 "E0332", 2, 58);
    EXPECT_ERROR(PV "attribute n = counter() from page_view where page_url like \"a\\\\\"\n",
                 "E0333", 2, 60);
    EXPECT_ERROR(PV "attribute n = counter() from page_view where page_url like \"\\\\a\"\n",
                 "E0333", 2, 60);
    {
        /* the escapes E0333 allows */
        sig_ctx *ctx = sig_ctx_new();
        CHECK(check_src(ctx, PV "attribute n = counter() from page_view where page_url like "
                             "\"\\\\%\\\\_\\\\\\\\%\"\n") != NULL);
        sig_ctx_free(ctx);
    }
    EXPECT_ERROR(PV "attribute n = counter() from page_view over last 2 hours\n"
                 "view v { entity user_id  offline true  attributes n }\n", "E0340", 2, 40);
    EXPECT_ERROR(PV "attribute n = counter() from page_view over last 0 days\n", "E0341", 2, 50);
    EXPECT_ERROR(PV "attribute n = counter() from page_view over last 3 dayz\n", "E0342", 2, 52);
    EXPECT_ERROR("batch_source b { database \"d\" schema \"s\" table \"t.x\" timestamp_field t }\n",
                 "E0350", 1, 48);
    EXPECT_ERROR(PV "attribute n = counter() from page_view\n"
                 "view v v0 { entity user_id  attributes n }\n", "E0351", 3, 8);
    EXPECT_ERROR("event e = iglu:com.acme\n", "E0401", 1, 11);
    EXPECT_ERROR("event e = iglu:com.acme/a.b\n", "E0402", 1, 26);
    EXPECT_ERROR("event e = iglu:com.acme/a/jsonschema/1-*-2\n", "E0403", 1, 42);
    EXPECT_ERROR(PV "attribute n = last(mkt_sorce) from page_view\n", "E0404", 2, 20);
    EXPECT_ERROR(PV "attribute n = last(contexts_com_acme_thing_1[0].a) from page_view\n",
                 "E0405", 2, 20);
    EXPECT_ERROR("event e = iglu:com.acme/e\nattribute n = last(e.a) from e\n", "E0406", 2, 20);
    EXPECT_ERROR(PV "attribute n = last(mkt_source.a) from page_view\n", "E0407", 2, 30);
    EXPECT_ERROR(CO "attribute n = last(checkout[0].a) from checkout\n", "E0408", 2, 28);
    EXPECT_ERROR(PR PV "attribute n = last(product[0]) from page_view\n", "E0409", 3, 20);
}

TEST(check_did_you_mean_and_replacement)
{
    sig_ctx *ctx = sig_ctx_new();
    CHECK(check_src(ctx, PV "attribute n = last(mkt_sorce) from page_view\n") == NULL);
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d && d->help && strstr(d->help, "mkt_source"));
    CHECK(d && d->replacement && strcmp(d->replacement, "mkt_source") == 0);
    sig_ctx_free(ctx);
}

TEST(check_reports_every_error_and_no_model)
{
    sig_ctx *ctx = sig_ctx_new();
    CHECK(check_src(ctx, PV "attribute a = count() from page_view\n"
                    "attribute b = counter() from nope\n"
                    "attribute c: strng = last(mkt_source) from page_view\n") == NULL);
    CHECK_INT(sig_error_count(ctx), 3);
    sig_ctx_free(ctx);
}

TEST(check_tolerates_partial_ast)
{
    /* Syntax errors leave partial declarations; the checker must not crash
     * and must not pile on "missing" errors. */
    static const char *const inputs[] = {
        "attribute = counter() from\nview { entity }\n",
        "event e = \nattribute a = last(e.) from e\n",
        "view v { attributes , }\nservice s { views }\n",
        "attribute a = sum( from x where and or over last days {\n",
        "batch_source b { database }\nentity e { property }\n",
        "attribute a: = counter() from page_view where x in [[1]]\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        sig_ctx *ctx = sig_ctx_new();
        CHECK(check_src(ctx, inputs[i]) == NULL);
        CHECK(sig_error_count(ctx) > 0);
        for (const sig_diag *d = sig_diags_first(ctx); d; d = d->next)
            CHECK(strcmp(d->code, "E0312") != 0 && strcmp(d->code, "E0313") != 0);
        sig_ctx_free(ctx);
    }
}

/* Warehouse columns follow Snowplow's naming: vendor '.'/'-' to '_' and
 * lower-cased; the schema name also camelCase to snake_case. */
TEST(check_warehouse_column_naming_follows_snowplow)
{
    sig_ctx *ctx = sig_ctx_new();
    const sig_model *m = check_src(ctx,
        "event e = iglu:com.Acme-x/myEvent/jsonschema/2-0-0\n"
        "context c = iglu:com.acme/HTMLParser_ctx/jsonschema/1-0-0\n"
        "attribute a: double = sum(e.total) from e\n"
        "attribute b: double = sum(unstruct_event_com_acme_x_my_event_2:total) from e\n"
        "attribute d = first(c.x) from e\n"
        "view v { entity domain_userid\n attributes a, b, d }\n");
    CHECK(m != NULL);
    if (m) {
        CHECK_STR(m->attributes[0]->property->column, "unstruct_event_com_acme_x_my_event_2");
        CHECK(m->attributes[1]->property->event == m->attributes[0]->property->event);
        CHECK_STR(m->attributes[2]->property->column, "contexts_com_acme_htmlparser_ctx_1");
    }
    sig_ctx_free(ctx);
}
