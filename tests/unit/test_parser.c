/* test_parser.c: the scanner and parser (grammar/signals.{l,y}): AST shape,
 * literals, escapes, locations, keywords after `.`, error codes and counts,
 * and robustness on truncated and random input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "signals/signals.h"
#include "unit.h"

/* The seed example of the design document (shared/design/language.md). */
static const char seed[] =
    "# ecommerce.signals: comments run from '#' to the end of the line\n"
    "\n"
    "# Events are Iglu schema URIs. Leave the version out to match any version.\n"
    "event page_view        = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
    "event ecommerce_action = iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2\n"
    "\n"
    "# Contexts (the entities attached to events) are named so that properties can be read from them.\n"
    "context product = iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0\n"
    "context yauaa   = iglu:nl.basjes/yauaa_context/jsonschema/1-0-0\n"
    "\n"
    "attribute products_added_to_cart_last_7_days: string_list =\n"
    "    unique_list(product[0].name)\n"
    "    from ecommerce_action\n"
    "    where ecommerce_action.type = \"add_to_cart\"\n"
    "    over last 7 days\n"
    "\n"
    "attribute total_product_price_clv: double =\n"
    "    sum(product[0].price) from ecommerce_action where ecommerce_action.type = \"add_to_cart\"\n"
    "\n"
    "attribute first_mkt_source: string  = first(mkt_source) from page_view\n"
    "attribute last_device_class: string = last(yauaa[0].deviceClass) from page_view\n"
    "\n"
    "view batch_ecommerce_attributes v1 {\n"
    "    entity     domain_userid\n"
    "    offline    true\n"
    "    online     false\n"
    "    owner      \"user@company.com\"\n"
    "    attributes products_added_to_cart_last_7_days, total_product_price_clv,\n"
    "               first_mkt_source, last_device_class\n"
    "}\n"
    "\n"
    "# Existing warehouse tables: a batch source and a view of fields.\n"
    "batch_source ecommerce_transaction_interactions_source {\n"
    "    database        \"SNOWPLOW_DEV1\"\n"
    "    schema          \"SIGNALS\"\n"
    "    table           \"SNOWPLOW_ECOMMERCE_TRANSACTION_INTERACTIONS_FEATURES\"\n"
    "    timestamp_field UPDATED_AT\n"
    "    owner           \"user@company.com\"\n"
    "}\n"
    "\n"
    "view ecommerce_transaction_interactions_attributes v1 {\n"
    "    entity  domain_userid\n"
    "    offline true\n"
    "    online  false\n"
    "    source  ecommerce_transaction_interactions_source\n"
    "    field   TOTAL_TRANSACTIONS: int32\n"
    "    field   TOTAL_REVENUE: int32\n"
    "    field   AVG_TRANSACTION_REVENUE: int32\n"
    "}\n";

/* Parses `text` in a fresh context; the caller frees *ctx. */
static sig_ast_file *parse_text(sig_ctx **ctx, const char *text, size_t len)
{
    *ctx = sig_ctx_new();
    unsigned id = sig_ctx_add_buffer(*ctx, "test.signals", text, len);
    CHECK(id != 0);
    if (!id) return NULL;
    return sig_parse(*ctx, id);
}

static sig_ast_file *parse(sig_ctx **ctx, const char *text)
{
    return parse_text(ctx, text, strlen(text));
}

/* Error count of parsing `text`; *code gets the first error's code. */
static size_t errors_of(const char *text, const char **code)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx, text);
    (void)f;
    size_t n = sig_error_count(ctx);
    static char first[8];
    first[0] = '\0';
    const sig_diag *d = sig_diags_first(ctx);
    if (d) {
        strncpy(first, d->code, sizeof first - 1);
        first[sizeof first - 1] = '\0';
    }
    if (code) *code = first;
    sig_ctx_free(ctx);
    return n;
}

static const sig_ast_setting *find_setting(const sig_ast_block *b, sig_setting_kind k)
{
    for (size_t i = 0; b && i < b->nitems; i++)
        if (b->items[i].kind == k) return &b->items[i];
    return NULL;
}

TEST(parser_seed_example)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx, seed);
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(f->ndecls, 11);
    CHECK_INT(f->ncomments, 4);
    CHECK_STR(f->comments[0].text,
              "# ecommerce.signals: comments run from '#' to the end of the line");
    CHECK_INT(f->comments[0].loc.line, 1);
    if (f->ndecls != 11) {
        sig_ctx_free(ctx);
        return;
    }
    static const sig_decl_kind kinds[] = {
        SIG_DECL_EVENT, SIG_DECL_EVENT, SIG_DECL_CONTEXT, SIG_DECL_CONTEXT,
        SIG_DECL_ATTRIBUTE, SIG_DECL_ATTRIBUTE, SIG_DECL_ATTRIBUTE, SIG_DECL_ATTRIBUTE,
        SIG_DECL_VIEW, SIG_DECL_BATCH_SOURCE, SIG_DECL_VIEW,
    };
    for (size_t i = 0; i < 11; i++) CHECK_INT(f->decls[i].kind, kinds[i]);

    const sig_ast_decl *ev = &f->decls[1];
    CHECK_STR(ev->name.name, "ecommerce_action");
    CHECK_STR(ev->uri, "iglu:com.snowplowanalytics.snowplow.ecommerce/"
                       "snowplow_ecommerce_action/jsonschema/1-0-2");
    CHECK_INT(ev->loc.line, 5);
    CHECK_INT(ev->loc.col, 1);
    CHECK_INT(ev->uri_loc.col, 26);
    CHECK_INT(ev->name.loc.col, 7);
    CHECK_INT(ev->keyword_loc.end_col, 6);

    /* attribute products_added_to_cart_last_7_days */
    const sig_ast_attribute *a = f->decls[4].attribute;
    CHECK(a != NULL);
    CHECK_STR(a->name.name, "products_added_to_cart_last_7_days");
    CHECK(a->has_type);
    CHECK_STR(a->type.name, "string_list");
    CHECK_STR(a->agg.name, "unique_list");
    CHECK_INT(a->agg.loc.line, 12);
    CHECK_INT(a->agg.loc.col, 5);
    CHECK_INT(a->call_loc.line, 12);
    CHECK_INT(a->call_loc.end_col, 33);
    CHECK(a->property != NULL);
    CHECK_STR(a->property->text, "product[0].name");
    CHECK_INT(a->property->nsegs, 3);
    CHECK_INT(a->property->segs[0].kind, SIG_SEG_NAME);
    CHECK_INT(a->property->segs[0].sep, 0);
    CHECK_STR(a->property->segs[0].name, "product");
    CHECK_INT(a->property->segs[1].kind, SIG_SEG_INDEX);
    CHECK_INT(a->property->segs[1].index, 0);
    CHECK_INT(a->property->segs[1].sep, '[');
    CHECK_INT(a->property->segs[2].sep, '.');
    CHECK_STR(a->property->segs[2].name, "name");
    CHECK(a->has_from);
    CHECK_INT(a->nevents, 1);
    CHECK_STR(a->events[0].name, "ecommerce_action");
    CHECK_INT(a->from_loc.line, 13);
    CHECK(a->where != NULL);
    CHECK_INT(a->where->kind, SIG_AST_CMP);
    CHECK_STR(a->where->property->text, "ecommerce_action.type");
    CHECK_INT(a->where->op, SIG_AST_EQ);
    CHECK_INT(a->where->op_loc.col, 33);
    CHECK_INT(a->where->value->kind, SIG_AST_LIT_STRING);
    CHECK_STR(a->where->value->str, "add_to_cart");
    CHECK(a->has_period);
    CHECK_INT(a->period.nparts, 1);
    CHECK_INT(a->period.parts[0].amount, 7);
    CHECK_STR(a->period.parts[0].unit.name, "days");
    CHECK_INT(a->period_loc.line, 15);
    CHECK_INT(a->period_loc.col, 5);
    CHECK_INT(a->period_loc.end_col, 21);
    CHECK(a->block == NULL);
    CHECK_INT(a->loc.line, 11);
    CHECK_INT(a->loc.end_line, 15);
    CHECK_INT(f->decls[4].loc.end_line, 15);

    /* last(yauaa[0].deviceClass): `last` is a keyword and an aggregation */
    a = f->decls[7].attribute;
    CHECK_STR(a->agg.name, "last");
    CHECK_STR(a->property->text, "yauaa[0].deviceClass");
    CHECK(!a->where);
    CHECK(!a->has_period);

    const sig_ast_decl *v = &f->decls[8];
    CHECK_STR(v->name.name, "batch_ecommerce_attributes");
    CHECK(v->has_version);
    CHECK_INT(v->version, 1);
    CHECK_INT(v->version_loc.col, 33);
    CHECK(v->block != NULL);
    CHECK_INT(v->block->nitems, 5);
    CHECK_INT(v->block->loc.line, 23);
    CHECK_INT(v->block->loc.end_line, 30);
    const sig_ast_setting *s = find_setting(v->block, SIG_SET_ENTITY);
    CHECK(s && s->name.name && strcmp(s->name.name, "domain_userid") == 0);
    s = find_setting(v->block, SIG_SET_OFFLINE);
    CHECK(s && s->b);
    s = find_setting(v->block, SIG_SET_ONLINE);
    CHECK(s && !s->b);
    s = find_setting(v->block, SIG_SET_OWNER);
    CHECK(s && s->str && strcmp(s->str, "user@company.com") == 0);
    s = find_setting(v->block, SIG_SET_ATTRIBUTES);
    CHECK(s && s->nnames == 4);
    if (s && s->nnames == 4) {
        CHECK_STR(s->names[3].name, "last_device_class");
        CHECK_INT(s->names[3].loc.line, 29);
    }

    const sig_ast_decl *bs = &f->decls[9];
    s = find_setting(bs->block, SIG_SET_DATABASE);
    CHECK(s && s->str && !s->name.name && strcmp(s->str, "SNOWPLOW_DEV1") == 0);
    s = find_setting(bs->block, SIG_SET_TIMESTAMP_FIELD);
    CHECK(s && !s->str && s->name.name && strcmp(s->name.name, "UPDATED_AT") == 0);

    const sig_ast_decl *fv = &f->decls[10];
    CHECK_INT(fv->block->nitems, 7);
    s = &fv->block->items[4];
    CHECK_INT(s->kind, SIG_SET_FIELD);
    CHECK_STR(s->field.name.name, "TOTAL_TRANSACTIONS");
    CHECK_STR(s->field.type.name, "int32");
    CHECK(s->field.block == NULL);
    sig_ctx_free(ctx);
}

TEST(parser_literals)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx,
        "attribute a = counter() from e where s = \"x\" and i = -42 and d >= 12.50\n"
        "  and t = true and f != false and l in (\"a\", \"b\",) and m in [1, 2]\n"
        "  and n in () and big = 9223372036854775807 and small = -9223372036854775808\n");
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(f->ndecls, 1);
    if (f->ndecls != 1) {
        sig_ctx_free(ctx);
        return;
    }
    /* `and` is left-associative: walk down the left spine. */
    const sig_ast_expr *cmps[10];
    size_t n = 0;
    const sig_ast_expr *e = f->decls[0].attribute->where;
    while (e && e->kind == SIG_AST_AND && n < 9) {
        cmps[9 - n++] = e->rhs;
        e = e->lhs;
    }
    CHECK_INT(n, 9);
    cmps[0] = e;
    if (n != 9 || !e || e->kind != SIG_AST_CMP) {
        sig_ctx_free(ctx);
        return;
    }
    const sig_ast_literal *l = cmps[0]->value;
    CHECK_INT(l->kind, SIG_AST_LIT_STRING);
    CHECK_STR(l->str, "x");
    l = cmps[1]->value;
    CHECK_INT(l->kind, SIG_AST_LIT_INT);
    CHECK_INT(l->i, -42);
    CHECK_STR(l->str, "-42");
    CHECK(l->d == -42.0);
    l = cmps[2]->value;
    CHECK_INT(l->kind, SIG_AST_LIT_DECIMAL);
    CHECK(l->d == 12.5);
    CHECK_STR(l->str, "12.50");
    CHECK_INT(cmps[2]->op, SIG_AST_GE);
    CHECK_INT(cmps[3]->value->kind, SIG_AST_LIT_BOOL);
    CHECK(cmps[3]->value->b);
    CHECK(!cmps[4]->value->b);
    CHECK_INT(cmps[4]->op, SIG_AST_NE);
    l = cmps[5]->value;
    CHECK_INT(cmps[5]->op, SIG_AST_IN);
    CHECK_INT(l->kind, SIG_AST_LIT_LIST);
    CHECK_INT(l->nitems, 2);
    CHECK_STR(l->items[1].str, "b");
    CHECK_INT(l->loc.col, 40);
    l = cmps[6]->value;
    CHECK_INT(l->kind, SIG_AST_LIT_LIST);
    CHECK_INT(l->nitems, 2);
    CHECK_INT(l->items[0].kind, SIG_AST_LIT_INT);
    CHECK_INT(l->items[1].i, 2);
    CHECK_INT(cmps[7]->value->kind, SIG_AST_LIT_LIST);
    CHECK_INT(cmps[7]->value->nitems, 0);
    CHECK_INT(cmps[8]->value->i, INT64_MAX);
    CHECK_INT(cmps[9]->value->i, INT64_MIN);
    sig_ctx_free(ctx);
}

TEST(parser_escapes)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx,
        "entity e { description \"q\\\" b\\\\ s\\/ n\\n t\\t r\\r u\\u00e9\\u20AC\\u0041\" }\n");
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(f->ndecls, 1);
    if (f->ndecls == 1 && f->decls[0].block && f->decls[0].block->nitems == 1)
        CHECK_STR(f->decls[0].block->items[0].str,
                  "q\" b\\ s/ n\n t\t r\r u\xC3\xA9\xE2\x82\xAC" "A");
    sig_ctx_free(ctx);

    const char *code;
    CHECK_INT(errors_of("entity e { description \"a\\qb\" }", &code), 1);
    CHECK_STR(code, "E0103");
    CHECK_INT(errors_of("entity e { description \"\\u12\" }", &code), 1);
    CHECK_STR(code, "E0103");
    CHECK_INT(errors_of("entity e { description \"\\uD83D\" }", &code), 1);
    CHECK_STR(code, "E0103");
    CHECK_INT(errors_of("entity e { description \"\\u0000\" }", &code), 1);
    CHECK_STR(code, "E0103");
}

TEST(parser_keywords_after_dot)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx,
        "attribute a = max(ecommerce_action.from) where x:where.in[3].table = 1\n"
        "  and event = \"page_view\"\n"
        "attribute b: last = last(event)\n");
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(f->ndecls, 2);
    if (f->ndecls != 2) {
        sig_ctx_free(ctx);
        return;
    }
    const sig_ast_attribute *a = f->decls[0].attribute;
    CHECK_STR(a->property->segs[1].name, "from");
    CHECK_INT(a->property->segs[1].sep, '.');
    const sig_ast_property *p = a->where->lhs->property;
    CHECK_INT(p->nsegs, 5);
    CHECK_STR(p->text, "x:where.in[3].table");
    CHECK_INT(p->segs[1].sep, ':');
    CHECK_STR(p->segs[1].name, "where");
    CHECK_STR(p->segs[2].name, "in");
    CHECK_INT(p->segs[3].kind, SIG_SEG_INDEX);
    CHECK_INT(p->segs[3].index, 3);
    CHECK_INT(p->segs[3].loc.col, 58);
    CHECK_STR(p->segs[4].name, "table");
    CHECK_STR(a->where->rhs->property->segs[0].name, "event");
    CHECK_STR(f->decls[1].attribute->type.name, "last");
    CHECK_STR(f->decls[1].attribute->agg.name, "last");
    CHECK_STR(f->decls[1].attribute->property->text, "event");
    sig_ctx_free(ctx);
}

TEST(parser_criteria_tree)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx,
        "attribute a = counter() from e where a = 1 and b = 2 or c like \"x%\" and (d < 3 or e > 4)");
    CHECK_INT(sig_error_count(ctx), 0);
    const sig_ast_expr *e = f->ndecls ? f->decls[0].attribute->where : NULL;
    CHECK(e != NULL);
    if (!e) {
        sig_ctx_free(ctx);
        return;
    }
    /* (a and b) or (c and (d or e)) */
    CHECK_INT(e->kind, SIG_AST_OR);
    CHECK(!e->parenthesized);
    CHECK_INT(e->lhs->kind, SIG_AST_AND);
    CHECK_INT(e->rhs->kind, SIG_AST_AND);
    CHECK_INT(e->rhs->lhs->op, SIG_AST_LIKE);
    const sig_ast_expr *g = e->rhs->rhs;
    CHECK_INT(g->kind, SIG_AST_OR);
    CHECK(g->parenthesized);
    CHECK_INT(g->loc.col, 73);
    CHECK_INT(g->loc.end_col, 89);
    CHECK_INT(g->lhs->op, SIG_AST_LT);
    CHECK_INT(g->rhs->op, SIG_AST_GT);
    sig_ctx_free(ctx);
}

TEST(parser_blocks_and_settings)
{
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx,
        "import \"common.signals\"\n"
        "entity shopper { property checkout.user.id key user_id ttl 1 day 12 hours\n"
        "  owner \"o\" description \"d\" tags { team = \"web\", \"cost center\" = \"7\", source = \"x\", } }\n"
        "entity plain\n"
        "view v2view v12 {\n"
        "  attribute inline_a = sum(price) over last 30 days from e1, e2 {\n"
        "    default 0 description \"x\" tags { a = \"b\" }\n"
        "  }\n"
        "  field F: string { description \"f\" }\n"
        "}\n"
        "service s { views v2view v12, other, third v3 owner \"x\" }\n"
        "batch_source b { database DB schema \"S\" table T created_timestamp_column C\n"
        "  date_partition_column \"P\" }\n");
    CHECK_INT(sig_error_count(ctx), 0);
    CHECK_INT(f->ndecls, 6);
    if (f->ndecls != 6) {
        sig_ctx_free(ctx);
        return;
    }
    CHECK_INT(f->decls[0].kind, SIG_DECL_IMPORT);
    CHECK_STR(f->decls[0].import_path, "common.signals");
    CHECK_INT(f->decls[0].import_path_loc.col, 8);

    const sig_ast_block *b = f->decls[1].block;
    CHECK(b != NULL);
    const sig_ast_setting *s = find_setting(b, SIG_SET_PROPERTY);
    CHECK(s && s->property && s->property->nsegs == 3);
    s = find_setting(b, SIG_SET_KEY);
    CHECK(s && strcmp(s->name.name, "user_id") == 0);
    s = find_setting(b, SIG_SET_TTL);
    CHECK(s && s->duration.nparts == 2);
    if (s && s->duration.nparts == 2) {
        CHECK_INT(s->duration.parts[1].amount, 12);
        CHECK_STR(s->duration.parts[1].unit.name, "hours");
        CHECK_INT(s->duration.loc.col, 60);
        CHECK_INT(s->keyword_loc.col, 56);
    }
    s = find_setting(b, SIG_SET_TAGS);
    CHECK(s && s->ntags == 3);
    if (s && s->ntags == 3) {
        CHECK_STR(s->tags[0].key.name, "team");
        CHECK_STR(s->tags[0].value, "web");
        CHECK_STR(s->tags[1].key.name, "cost center");
        CHECK_STR(s->tags[2].key.name, "source");
    }
    CHECK(f->decls[2].block == NULL);
    CHECK_INT(f->decls[2].kind, SIG_DECL_ENTITY);

    const sig_ast_decl *v = &f->decls[3];
    CHECK_STR(v->name.name, "v2view");
    CHECK_INT(v->version, 12);
    s = find_setting(v->block, SIG_SET_ATTRIBUTE);
    CHECK(s && s->attribute);
    if (s && s->attribute) {
        const sig_ast_attribute *a = s->attribute;
        CHECK_STR(a->name.name, "inline_a");
        CHECK_INT(a->nevents, 2);
        CHECK(a->has_period);
        CHECK(a->block != NULL);
        const sig_ast_setting *d = find_setting(a->block, SIG_SET_DEFAULT);
        CHECK(d && d->literal && d->literal->kind == SIG_AST_LIT_INT);
        CHECK_INT(a->loc.line, 6);
        CHECK_INT(a->loc.col, 3);
        CHECK_INT(a->loc.end_line, 8);
    }
    s = find_setting(v->block, SIG_SET_FIELD);
    CHECK(s && s->field.block && s->field.block->nitems == 1);

    s = find_setting(f->decls[4].block, SIG_SET_VIEWS);
    CHECK(s && s->nviews == 3);
    if (s && s->nviews == 3) {
        CHECK(s->views[0].has_version);
        CHECK_INT(s->views[0].version, 12);
        CHECK(!s->views[1].has_version);
        CHECK_INT(s->views[2].version, 3);
    }
    b = f->decls[5].block;
    s = find_setting(b, SIG_SET_DATABASE);
    CHECK(s && s->name.name && !s->str);
    s = find_setting(b, SIG_SET_SCHEMA);
    CHECK(s && s->str && !s->name.name);
    s = find_setting(b, SIG_SET_DATE_PARTITION_COLUMN);
    CHECK(s && s->str && strcmp(s->str, "P") == 0);
    CHECK(find_setting(b, SIG_SET_CREATED_TIMESTAMP_COLUMN) != NULL);
    sig_ctx_free(ctx);
}

TEST(parser_setting_keywords_table)
{
    CHECK_STR(sig_setting_keywords[SIG_SET_TIMESTAMP_FIELD], "timestamp_field");
    CHECK_STR(sig_setting_keywords[SIG_SET_DEFAULT], "default");
    for (int i = 0; i < SIG_SET__COUNT; i++) CHECK(sig_setting_keywords[i] != NULL);
}

TEST(parser_errors)
{
    const char *code;
    /* lexical */
    CHECK_INT(errors_of("entity e { owner \"abc }\n", &code), 2); /* + unclosed { */
    CHECK_STR(code, "E0101");
    CHECK_INT(errors_of("entity e;\nentity f", &code), 1);
    CHECK_STR(code, "E0102");
    CHECK_INT(errors_of("attribute a = counter() where x > 99999999999999999999", &code), 1);
    CHECK_STR(code, "E0104");
    CHECK_INT(errors_of("attribute a = counter() where x == 1 && y = 2", &code), 2);
    CHECK_STR(code, "E0105");
    CHECK_INT(errors_of("attribute a = counter() where x = 'y'", &code), 1);
    CHECK_STR(code, "E0102");
    /* syntax */
    CHECK_INT(errors_of("event e iglu:a/b", &code), 1);
    CHECK_STR(code, "E0201");
    CHECK_INT(errors_of("view v { entity x\n", &code), 1);
    CHECK_STR(code, "E0202");
    CHECK_INT(errors_of("view v { entity x\nevent e = iglu:a/b\nentity y", &code), 1);
    CHECK_STR(code, "E0202");
    CHECK_INT(errors_of("attribute a = counter() from e from f", &code), 1);
    CHECK_STR(code, "E0203");
    CHECK_INT(errors_of("attribute a = counter() over last 1 day where a = 1 over last 2 days",
                        &code), 1);
    CHECK_STR(code, "E0203");
    CHECK_INT(errors_of("view v version2 { }", &code), 1);
    CHECK_STR(code, "E0204");
    CHECK_INT(errors_of("service s { views a v0x }", &code), 1);
    CHECK_STR(code, "E0204");
    CHECK_INT(errors_of("attribute a = max(x[-1])", &code), 1);
    CHECK_STR(code, "E0205");
    CHECK_INT(errors_of("entity e { }\n}\nentity f", &code), 1);
    CHECK_STR(code, "E0206");
    CHECK_INT(errors_of("attribute a = sum(x) from e whre y = 1", &code), 1);
    CHECK_INT(errors_of("view v { onlin true owner \"x\" }", &code), 1);
    /* several mistakes: one error each, nothing lost after recovery */
    {
        sig_ctx *ctx;
        sig_ast_file *f = parse(&ctx,
            "event e iglu:a/b\n"
            "entity ok1\n"
            "view v { onlin true\n  owner \"x\" }\n"
            "entity ok2\n"
            "atribute a = counter()\n"
            "entity ok3\n");
        CHECK_INT(sig_error_count(ctx), 3);
        /* e (without its URI), ok1, v, ok2, ok3 */
        CHECK_INT(f->ndecls, 5);
        if (f->ndecls == 5) {
            CHECK_STR(f->decls[0].name.name, "e");
            CHECK(f->decls[0].uri == NULL);
            CHECK_STR(f->decls[3].name.name, "ok2");
            CHECK_STR(f->decls[4].name.name, "ok3");
            CHECK_INT(f->decls[2].block->nitems, 1); /* owner survives */
        }
        sig_ctx_free(ctx);
    }
    /* did-you-mean */
    {
        sig_ctx *ctx;
        parse(&ctx, "attribute a = sum(x) from e whre y = 1");
        const sig_diag *d = sig_diags_first(ctx);
        CHECK(d && d->help && strstr(d->help, "`where`"));
        CHECK(d && d->message && strstr(d->message, "found `whre`"));
        CHECK(d && d->loc.col == 29 && d->loc.end_col == 33);
        sig_ctx_free(ctx);
    }
}

TEST(parser_empty_and_comments_only)
{
    const char *code;
    CHECK_INT(errors_of("", &code), 0);
    CHECK_INT(errors_of("# nothing\n   \n# at all", &code), 0);
    sig_ctx *ctx;
    sig_ast_file *f = parse(&ctx, "# a\n#b");
    CHECK_INT(f->ndecls, 0);
    CHECK_INT(f->ncomments, 2);
    CHECK_STR(f->comments[1].text, "#b");
    CHECK_INT(f->comments[1].loc.line, 2);
    sig_ctx_free(ctx);
}

/* Never crashes: every prefix of the seed, and random bytes / tokens. */
TEST(parser_robust)
{
    size_t len = strlen(seed);
    for (size_t n = 0; n <= len; n += 7) {
        sig_ctx *ctx;
        parse_text(&ctx, seed, n);
        sig_ctx_free(ctx);
    }
    static const char *const pieces[] = {
        "attribute", "view", "entity", "event", "{", "}", "(", ")", "[", "]", "=",
        "!=", ",", ".", ":", "x", "last", "over", "where", "from", "and", "or",
        "\"s\"", "1", "-2.5", "iglu:a/b", "tags", "in", "#c\n", "\n", " ", ";",
        "\"\\u00", "v2", "true", "ttl", "field", "default", "views", "\"",
    };
    uint32_t seedv = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t o = 0;
        int n = (int)(seedv % 60);
        for (int i = 0; i < n; i++) {
            seedv = seedv * 1103515245u + 12345u;
            const char *p = pieces[(seedv >> 8) % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            if (o + pl + 1 >= sizeof buf) break;
            memcpy(buf + o, p, pl);
            o += pl;
            buf[o++] = ' ';
        }
        seedv = seedv * 1103515245u + 12345u;
        sig_ctx *ctx;
        parse_text(&ctx, buf, o);
        sig_ctx_free(ctx);
    }
    /* random ASCII bytes */
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        seedv = seedv * 1103515245u + 12345u;
        size_t want = (seedv >> 8) % 200;
        while (n < want) {
            seedv = seedv * 1103515245u + 12345u;
            char c = (char)(0x09 + (seedv >> 16) % (0x7f - 0x09));
            buf[n++] = c;
        }
        sig_ctx *ctx;
        parse_text(&ctx, buf, n);
        sig_ctx_free(ctx);
    }
    /* deep nesting: reported, not a crash */
    {
        size_t n = 30000;
        char *deep = malloc(n * 2 + 64);
        CHECK(deep != NULL);
        if (deep) {
            size_t o = (size_t)sprintf(deep, "attribute a = counter() where ");
            for (size_t i = 0; i < n; i++) deep[o++] = '(';
            memcpy(deep + o, "x = 1", 5);
            o += 5;
            for (size_t i = 0; i < n; i++) deep[o++] = ')';
            sig_ctx *ctx;
            parse_text(&ctx, deep, o);
            CHECK(sig_error_count(ctx) >= 1);
            sig_ctx_free(ctx);
            free(deep);
        }
    }
}
