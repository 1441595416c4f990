/* Unit tests of the Iglu schema store: SchemaVer parsing and matching,
 * schema parsing ($ref, oneOf, enums), and the model accessor
 * sig_iglu_field_info() over tests/iglu/repo (run from the repository root). */
#include <string.h>

#include "iglu_internal.h"
#include "signals/iglu.h"
#include "signals/signals.h"
#include "unit.h"

TEST(iglu_version_parse_and_match)
{
    ig_version v;
    CHECK(ig_version_parse("1-0-2", &v));
    CHECK_INT(v.m, 1);
    CHECK_INT(v.a, 2);
    CHECK(ig_version_parse("10-11-12", &v));
    CHECK_INT(v.r, 11);
    CHECK(!ig_version_parse("1-0", &v));
    CHECK(!ig_version_parse("1-0-2x", &v));
    CHECK(!ig_version_parse("a-0-0", &v));
    sig_schema_ref star = {.has_version = true, .model = 1, .revision = -1, .addition = -1};
    CHECK(ig_version_matches(&star, (ig_version){1, 3, 4}));
    CHECK(!ig_version_matches(&star, (ig_version){2, 0, 0}));
    sig_schema_ref none = {.has_version = false, .model = -1, .revision = -1, .addition = -1};
    CHECK(ig_version_matches(&none, (ig_version){7, 0, 0}));
}

TEST(iglu_parse_refs_alternatives_enums)
{
    static const char schema[] =
        "{\"definitions\": {\"m\": {\"type\": \"object\", \"properties\": {\"amount\": "
        "{\"type\": [\"number\", \"null\"]}}}},"
        " \"type\": \"object\", \"properties\": {"
        "  \"total\": {\"$ref\": \"#/definitions/m\"},"
        "  \"kind\": {\"enum\": [\"a\", \"b\"]},"
        "  \"pay\": {\"oneOf\": [{\"properties\": {\"x\": {\"type\": \"string\"}}},"
        "                       {\"properties\": {\"y\": {\"type\": \"integer\"}}}]},"
        "  \"ext\": {\"$ref\": \"http://example.com/other#\"},"
        "  \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}";
    sig_arena *a = sig_arena_new();
    const char *why = NULL;
    const ig_node *n = ig_parse_schema(a, schema, strlen(schema), &why);
    CHECK(n != NULL);
    const ig_node *amount = ig_child(ig_child(n, "total"), "amount");
    CHECK(amount != NULL);
    sig_type t;
    CHECK(ig_sql_type(amount, &t));
    CHECK(t.scalar == SIG_DOUBLE && !t.list);
    const ig_node *kind = ig_child(n, "kind");
    CHECK_INT((int)kind->nenums, 2);
    CHECK(kind->types == SIG_JSON_STRING); /* from the values */
    CHECK(ig_child(ig_child(n, "pay"), "x") != NULL);
    CHECK(ig_child(ig_child(n, "pay"), "y") != NULL);
    CHECK(ig_child(n, "ext")->opaque);
    CHECK(ig_sql_type(ig_child(n, "tags"), &t));
    CHECK(t.scalar == SIG_STRING && t.list);
    CHECK(ig_parse_schema(a, "[1]", 3, &why) == NULL);
    CHECK(why != NULL);
    sig_arena_free(a);
}

TEST(iglu_recursive_refs_terminate)
{
    /* Each level refers back three times: without sharing, 3^40 nodes. */
    static const char schema[] =
        "{\"definitions\": {\"n\": {\"type\": \"object\", \"properties\": {"
        "  \"a\": {\"$ref\": \"#/definitions/n\"}, \"b\": {\"$ref\": \"#/definitions/n\"},"
        "  \"c\": {\"oneOf\": [{\"$ref\": \"#/definitions/n\"}, {\"$ref\": \"#/definitions/m\"}]}}},"
        "  \"m\": {\"$ref\": \"#/definitions/k\"}, \"k\": {\"$ref\": \"#/definitions/m\"}},"
        " \"$ref\": \"#/definitions/n\"}";
    sig_arena *a = sig_arena_new();
    const char *why = NULL;
    const ig_node *n = ig_parse_schema(a, schema, strlen(schema), &why);
    CHECK(n != NULL);
    const ig_node *deep = ig_child(ig_child(ig_child(n, "a"), "b"), "a");
    CHECK(deep != NULL && ig_child(deep, "c") != NULL);
    CHECK(ig_child(deep, "zz") == NULL);
    sig_arena_free(a);
}

static const char spec[] =
    "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/"
    "snowplow_ecommerce_action/jsonschema/1-*-*\n"
    "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
    "attribute last_price = last(product[0].price) from ecommerce_action\n"
    "    where ecommerce_action.type = \"add_to_cart\"\n"
    "attribute src = last(mkt_source) from ecommerce_action\n";

TEST(iglu_field_info_and_inferred_type)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_iglu_add_repo(ctx, "tests/iglu/repo");
    sig_ctx_add_buffer(ctx, "t.signals", spec, strlen(spec));
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    if (!m) { sig_ctx_free(ctx); return; }
    const sig_attribute *at = m->attributes[0];
    /* Without schemas `last` of a JSON field is a string; the schema says number. */
    CHECK_STR(sig_type_name(at->type), "double");
    sig_iglu_field f;
    CHECK(sig_iglu_field_info(ctx, at->property, &f));
    CHECK_STR(f.schema_uri, "iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0");
    CHECK(f.json_types & SIG_JSON_NUMBER);
    CHECK(f.sql_type_known && f.sql_type.scalar == SIG_DOUBLE);
    CHECK(sig_iglu_field_info(ctx, &at->criteria.all[0].property, &f));
    CHECK_STR(f.schema_uri, "iglu:com.snowplowanalytics.snowplow.ecommerce/"
                            "snowplow_ecommerce_action/jsonschema/1-0-2"); /* highest 1-x-y */
    CHECK_INT((int)f.nenum, 11);
    CHECK_STR(f.enum_json[0], "\"add_to_cart\"");
    CHECK(!sig_iglu_field_info(ctx, m->attributes[1]->property, &f)); /* atomic */
    sig_ctx_free(ctx);
}

TEST(iglu_off_without_repositories)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "t.signals", spec, strlen(spec));
    const sig_model *m = sig_ctx_check(ctx);
    CHECK(m != NULL);
    CHECK_INT((int)sig_warning_count(ctx), 0);
    if (m) CHECK_STR(sig_type_name(m->attributes[0]->type), "string");
    sig_ctx_free(ctx);
}
