/* iglu_check.c: checks of a spec against the JSON Schemas of its events
 * and entities (codes E0440-E0449, src/codes_iglu.def), run by the checker
 * after its attributes are checked (ck_iglu). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "ctx.h"
#include "iglu_internal.h"
#include "signals/iglu.h"

/* ------------------------------------------------------- step locations */

/* The span of each segment of a property's text (`product[0].price`:
 * `product`, `[0]`, `price`), when the text is exactly the one-line span
 * it was read from; else every segment gets the whole span. */
static sig_loc seg_loc(const sig_property *p, size_t want)
{
    const char *t = p->text;
    sig_loc l = p->loc;
    if (!t || !ck_has_loc(l) || l.line != l.end_line || strlen(t) != l.end - l.start) return l;
    size_t i = 0, seg = 0;
    while (t[i]) {
        size_t start = i;
        if (t[i] == '.' || t[i] == ':') { i++; start = i; }
        if (t[i] == '[') {
            while (t[i] && t[i] != ']') i++;
            if (t[i]) i++;
        } else {
            while (t[i] && t[i] != '.' && t[i] != ':' && t[i] != '[') i++;
        }
        if (seg == want) return ck_subloc(l, start, i - start);
        seg++;
        if (i == start) break;
    }
    return l;
}

/* The segment number of step `k`: the head, then an entity's index. */
static size_t step_seg(const sig_property *p, size_t k)
{
    size_t before = 1;
    if (p->kind == SIG_PROP_ENTITY && p->text) {
        const char *b = strchr(p->text, '[');
        size_t d = strcspn(p->text, ".:");
        if (b && (size_t)(b - p->text) < d) before = 2;
    }
    return before + k;
}

/* ------------------------------------------------------------- walking */

typedef struct walk {
    const ig_lookup *lk;
    const ig_node *node;     /* the node read, when reached */
    bool unknown;            /* an open or opaque part: nothing more to say */
    size_t fail;             /* the step that does not exist */
    const ig_node *parent;   /* its parent */
} walk;

static const ig_lookup *lookup_of(sig_ctx *ctx, const sig_property *p)
{
    const sig_schema_ref *r = p->kind == SIG_PROP_EVENT ? &p->event->schema
                              : p->kind == SIG_PROP_ENTITY ? &p->context->schema : NULL;
    if (!r) return NULL;
    const ig_lookup *lk = ig_resolve(ctx, r);
    return lk->status == IG_FOUND ? lk : NULL;
}

/* Follows `p`'s steps. Returns false when a step does not exist (w->fail). */
static bool walk_path(sig_ctx *ctx, const sig_property *p, walk *w)
{
    memset(w, 0, sizeof *w);
    w->lk = lookup_of(ctx, p);
    if (!w->lk) { w->unknown = true; return true; }
    const ig_node *n = w->lk->root;
    for (size_t k = 0; k < p->nsteps; k++) {
        if (!n || n->opaque) { w->unknown = true; return true; }
        const sig_path_step *s = &p->steps[k];
        if (s->kind == SIG_STEP_INDEX) {
            if (n->types && !(n->types & SIG_JSON_ARRAY)) { w->fail = k; w->parent = n; return false; }
            n = n->items;
            continue;
        }
        const ig_node *ch = ig_child(n, s->field);
        if (!ch) {
            bool is_obj = !n->types || (n->types & SIG_JSON_OBJECT);
            if (is_obj && n->nprops == 0 && !n->closed) { w->unknown = true; return true; }
            w->fail = k;
            w->parent = n;
            return false;
        }
        n = ch;
    }
    if (!n || n->opaque) { w->unknown = true; return true; }
    w->node = n;
    return true;
}

bool sig_iglu_field_info(sig_ctx *ctx, const sig_property *p, sig_iglu_field *out)
{
    walk w;
    if (!p || p->kind == SIG_PROP_ATOMIC || !walk_path(ctx, p, &w) || !w.node) return false;
    ig_field_fill(ctx->arena, w.node, w.lk->uri, out);
    return true;
}

size_t sig_iglu_field_names(sig_ctx *ctx, const sig_schema_ref *ref, const char *const *path,
                            size_t npath, const char *const **names)
{
    *names = NULL;
    if (!ctx || !ref || !ig_enabled(ctx)) return 0;
    const ig_lookup *lk = ig_resolve(ctx, ref);
    if (lk->status != IG_FOUND) return 0;
    const ig_node *n = lk->root;
    for (size_t k = 0; n && !n->opaque && k < npath; k++) {
        const ig_node *ch = ig_child(n, path[k]);
        if (!ch && n->items) ch = ig_child(n->items, path[k]); /* through an array */
        n = ch;
    }
    if (n && !n->nprops && n->items) n = n->items;
    if (!n || n->opaque || !n->nprops) return 0;
    *names = n->names;
    return n->nprops;
}

/* "number", "string or null", ... for messages. */
static const char *types_text(sig_arena *a, unsigned t)
{
    static const char *const names[] = {"string", "integer", "number", "boolean", "object",
                                        "array", "null"};
    if (!t) return "any type";
    const char *out = "";
    for (unsigned i = 0; i < 7; i++)
        if (t & (1u << i)) out = sig_arena_printf(a, "%s%s%s", out, *out ? " or " : "", names[i]);
    return out;
}

/* "a number", "an integer or null", ... */
static const char *a_types(sig_arena *a, unsigned t)
{
    const char *s = types_text(a, t);
    return sig_arena_printf(a, "%s %s", strchr("aeiou", s[0]) ? "an" : "a", s);
}

static const char *names_text(sig_arena *a, const char *const *names, size_t n)
{
    const char *out = "";
    for (size_t i = 0; i < n && i < 12; i++)
        out = sig_arena_printf(a, "%s%s`%s`", out, i ? ", " : "", names[i]);
    if (n > 12) out = sig_arena_printf(a, "%s, ... (%zu in all)", out, n);
    return out;
}

/* E0442: a step that is not in the schema. */
static void report_path(ck *c, const sig_property *p, const walk *w)
{
    const sig_path_step *s = &p->steps[w->fail];
    sig_loc l = seg_loc(p, step_seg(p, w->fail));
    const ig_node *n = w->parent;
    sig_diag *d;
    if (s->kind == SIG_STEP_INDEX) {
        d = sig_error(c->ctx, l, "E0442", "`%s` indexes a field that is not an array", p->text);
        sig_diag_label(c->ctx, d, "the schema says: %s", types_text(c->a, n->types));
        sig_diag_help(c->ctx, d, "remove the index");
    } else if (n->types && !(n->types & SIG_JSON_OBJECT)) {
        d = sig_error(c->ctx, l, "E0442", "no field `%s` here: the value before it is %s, not an "
                      "object", s->field, a_types(c->a, n->types));
        sig_diag_label(c->ctx, d, "not an object");
        if (n->types & SIG_JSON_ARRAY)
            sig_diag_help(c->ctx, d, "pick an item first: `[0]` before `.%s`", s->field);
    } else {
        d = sig_error(c->ctx, l, "E0442", "schema `%s` has no field `%s`%s", w->lk->uri,
                      s->field, w->fail ? " at this place" : "");
        sig_diag_label(c->ctx, d, "not in the schema");
        const char *sug = NULL;
        for (size_t i = 0; i < n->nprops && !sug; i++)
            if (strcmp(sig_snake_case(c->a, n->names[i]), s->field) == 0) sug = n->names[i];
        if (sug) sig_diag_note(c->ctx, d, SIG_NOLOC, "`%s` is how some warehouses spell `%s` "
                               "in column and struct names; a spec names the schema's field",
                               s->field, sug);
        else sug = sig_did_you_mean(s->field, n->names, n->nprops);
        if (sug) sig_diag_suggest(c->ctx, d, sug);
        else if (n->nprops) sig_diag_help(c->ctx, d, "its fields are %s",
                                          names_text(c->a, n->names, n->nprops));
    }
    sig_diag_note(c->ctx, d, SIG_NOLOC, "schema file: %s", w->lk->path);
}

/* -------------------------------------------------- canonical events */

static bool check_canonical(ck *c, const sig_property *p)
{
    const char *const *cols;
    if (p->kind != SIG_PROP_EVENT || !ig_canonical_columns(&p->event->schema, &cols)) return true;
    const char *field = p->nsteps && p->steps[0].kind == SIG_STEP_FIELD ? p->steps[0].field : "";
    sig_diag *d = sig_error(c->ctx, p->loc, "E0446", "`%s` is not a self-describing event: "
                            "it has no field `%s`", p->event->name, field);
    sig_diag_label(c->ctx, d, "%s data is in atomic columns", p->event->schema.name);
    size_t n = 0;
    while (cols[n]) n++;
    const char *sug = NULL;
    size_t fl = strlen(field);
    for (size_t i = 0; i < n && !sug && fl; i++) {
        size_t cl = strlen(cols[i]);
        if (cl > fl && strcmp(cols[i] + cl - fl, field) == 0 && cols[i][cl - fl - 1] == '_')
            sug = cols[i];
    }
    if (!sug) sug = sig_did_you_mean(field, cols, n);
    if (sug) {
        sig_diag_help(c->ctx, d, "read the atomic column `%s`; the columns of %s events are %s",
                      sug, p->event->schema.name, names_text(c->a, cols, n));
        d->replacement = sig_arena_strdup(c->a, sug);
    } else {
        sig_diag_help(c->ctx, d, "read an atomic column instead; the columns of %s events "
                      "are %s", p->event->schema.name, names_text(c->a, cols, n));
    }
    return false;
}

/* ------------------------------------------------- aggregation checks */

static bool numeric_string(const char *s)
{
    if (!s || !*s) return false;
    char *end;
    strtod(s, &end);
    return *end == '\0';
}

/* E0443: the aggregation cannot use the field's JSON type. */
static bool check_agg_fits(ck *c, const sig_attribute *a, const ig_node *n)
{
    const sig_agg_info *info = sig_agg_get(a->agg);
    const sig_property *p = a->property;
    unsigned t = n->types & ~(unsigned)SIG_JSON_NULL;
    if (!info || !t) return true;
    const char *why = NULL;
    if (t == SIG_JSON_OBJECT) {
        why = "is an object";
    } else if (info->property_must_be_numeric) {
        if (t & (SIG_JSON_INTEGER | SIG_JSON_NUMBER)) return true;
        if (t & SIG_JSON_STRING) {
            bool any_num = n->nenums == 0;
            for (size_t i = 0; i < n->nenums; i++) any_num |= numeric_string(n->enums[i].str);
            if (any_num && !n->format) return true;
            why = n->format ? sig_arena_printf(c->a, "is a string of format `%s`", n->format)
                            : "is a string whose values are never numbers";
        } else {
            why = sig_arena_printf(c->a, "is %s", a_types(c->a, t));
        }
    } else {
        return true;
    }
    sig_diag *d = sig_error(c->ctx, p->loc, "E0443", "`%s` cannot aggregate `%s`: the field %s",
                            info->name, p->text, why);
    sig_diag_label(c->ctx, d, "%s in the schema", types_text(c->a, n->types));
    if (t == SIG_JSON_OBJECT && n->nprops)
        sig_diag_help(c->ctx, d, "read one of its fields: %s", names_text(c->a, n->names, n->nprops));
    else if (t == SIG_JSON_BOOLEAN)
        sig_diag_help(c->ctx, d, "a boolean is not a number: count the events where it is true "
                      "instead, `counter() ... where %s = true`", p->text);
    else
        sig_diag_help(c->ctx, d, "`%s` needs numbers (or strings that hold numbers); use "
                      "`last`, `first` or `unique_list` for other values", info->name);
    return false;
}

/* 0 string, 1 number, 2 boolean, 3 other (timestamps, bytes: not compared). */
static int type_class(sig_scalar s)
{
    switch (s) {
    case SIG_STRING: return 0;
    case SIG_INT32: case SIG_INT64: case SIG_DOUBLE: case SIG_FLOAT: return 1;
    case SIG_BOOL: return 2;
    default: return 3;
    }
}

/* E0449 for a declared type, or the inferred type from the schema. */
static bool check_type(ck *c, const ck_sym *s, sig_attribute *a, const ig_node *n)
{
    const sig_agg_info *info = sig_agg_get(a->agg);
    sig_type st;
    if (!info || !ig_sql_type(n, &st)) return true;
    bool same = info->rule == SIG_RULE_SAME || info->rule == SIG_RULE_ELEMENT;
    if (a->type_inferred) {
        if (st.list || (a->default_value && type_class(st.scalar) != type_class(a->type.scalar)))
            return true;
        if (!same && !info->property_must_be_numeric) return true;
        if (info->property_must_be_numeric && type_class(st.scalar) != 1) return true;
        a->type = sig_agg_infer(a->agg, true, st);
        return true;
    }
    if (!same) return true;
    /* The value is cast to the declared type: strings convert to anything
     * and anything to a string; booleans and numbers do not mix. */
    int want = type_class(st.scalar), have = type_class(a->type.scalar);
    bool list_ok = info->rule == SIG_RULE_ELEMENT ? !st.list : st.list == a->type.list;
    bool converts = want == have || want == 0 || have == 0 || want == 3 || have == 3;
    if (converts && list_ok) return true;
    sig_type shown = st;
    if (info->rule == SIG_RULE_ELEMENT) shown.list = true;
    sig_diag *d = sig_error(c->ctx, s->attr && s->attr->has_type ? s->attr->type.loc : a->loc,
                            "E0449", "attribute `%s` is declared `%s`, but `%s(%s)` gives `%s` "
                            "values", a->name, sig_type_name(a->type), info->name,
                            a->property->text, sig_type_name(shown));
    sig_diag_label(c->ctx, d, "the schema's field is %s", types_text(c->a, n->types));
    sig_diag_suggest(c->ctx, d, sig_type_name(shown));
    return false;
}

/* ------------------------------------------------------ criteria */

static bool literal_fits(ck *c, const sig_criterion *cr, const ig_node *n, const sig_literal *v)
{
    unsigned t = n->types & ~(unsigned)SIG_JSON_NULL;
    /* The warehouse compares a JSON value cast to the literal's type, so a
     * number matches a string that holds it; nothing else converts. */
    unsigned need = v->kind == SIG_LIT_STRING ? SIG_JSON_STRING
                    : v->kind == SIG_LIT_BOOL ? SIG_JSON_BOOLEAN
                                              : SIG_JSON_INTEGER | SIG_JSON_NUMBER | SIG_JSON_STRING;
    if (t && !(t & need)) {
        const char *vt = v->kind == SIG_LIT_STRING ? "a string"
                         : v->kind == SIG_LIT_BOOL ? "a boolean" : "a number";
        sig_diag *d = sig_error(c->ctx, v->loc, "E0444", "`%s` is %s in its schema, but this "
                                "value is %s", cr->property.text, a_types(c->a, t), vt);
        sig_diag_label(c->ctx, d, "never equal to the field's values");
        if (n->nenums) {
            const char *vals[12];
            size_t k = 0;
            for (size_t i = 0; i < n->nenums && k < 12; i++) vals[k++] = n->enums[i].json;
            sig_diag_help(c->ctx, d, "the field's values are %s", names_text(c->a, vals, k));
        }
        return false;
    }
    if (!n->nenums || cr->op == SIG_OP_LIKE) return true;
    const char **strs = SIG_NEW_ARRAY(c->a, const char *, n->nenums);
    size_t ns = 0;
    for (size_t i = 0; i < n->nenums; i++) {
        const ig_enum *e = &n->enums[i];
        if (v->kind == SIG_LIT_STRING && e->type == SIG_JSON_STRING && strcmp(e->str, v->str) == 0)
            return true;
        if ((v->kind == SIG_LIT_INT || v->kind == SIG_LIT_DECIMAL) &&
            (((e->type & (SIG_JSON_INTEGER | SIG_JSON_NUMBER)) && e->num == v->d) ||
             (e->type == SIG_JSON_STRING && numeric_string(e->str) && strtod(e->str, NULL) == v->d)))
            return true;
        if (v->kind == SIG_LIT_BOOL && e->type == SIG_JSON_BOOLEAN && e->b == v->b) return true;
        if (e->type == SIG_JSON_STRING) strs[ns++] = e->str;
    }
    bool any_comparable = false;
    for (size_t i = 0; i < n->nenums; i++) any_comparable |= (n->enums[i].type & need) != 0;
    if (!any_comparable) return true;
    sig_diag *d = sig_error(c->ctx, v->loc, "E0445", "%s is not one of the values of `%s`",
                            v->kind == SIG_LIT_STRING ? sig_arena_printf(c->a, "\"%s\"", v->str)
                            : v->kind == SIG_LIT_BOOL ? (v->b ? "true" : "false")
                            : v->str ? v->str : "this value", cr->property.text);
    sig_diag_label(c->ctx, d, "not in the schema's enum");
    const char *sug = v->kind == SIG_LIT_STRING ? sig_did_you_mean(v->str, strs, ns) : NULL;
    if (sug) {
        sig_diag_help(c->ctx, d, "did you mean `\"%s\"`?", sug);
        d->replacement = sig_arena_printf(c->a, "\"%s\"", sug);
    } else {
        const char *vals[12];
        size_t k = 0;
        for (size_t i = 0; i < n->nenums && k < 12; i++) vals[k++] = n->enums[i].json;
        sig_diag_help(c->ctx, d, "the values are %s", names_text(c->a, vals, k));
    }
    return false;
}

static bool check_read(ck *c, const sig_property *p, const ig_node **node);

static bool check_criterion(ck *c, const sig_criterion *cr)
{
    const ig_node *n;
    if (!check_read(c, &cr->property, &n)) return false;
    if (!n || !sig_op_takes_value(cr->op)) return true;
    if (cr->value.kind == SIG_LIT_LIST) {
        bool ok = true;
        for (size_t i = 0; i < cr->value.nitems; i++)
            ok = literal_fits(c, cr, n, &cr->value.items[i]) && ok;
        return ok;
    }
    return literal_fits(c, cr, n, &cr->value);
}

/* ------------------------------------------------------ the hook */

/* E0441: a date part (SDK 0.4.7) reads a date-time: a JSON string of
 * format `date-time` (or `date`). */
static bool check_date_part(ck *c, const sig_property *p, const ig_node *n)
{
    unsigned t = n->types & ~(unsigned)SIG_JSON_NULL;
    if (!t) return true;
    if (t == SIG_JSON_STRING && n->format &&
        (strcmp(n->format, "date-time") == 0 || strcmp(n->format, "date") == 0))
        return true;
    /* the field as written: `order.total` of `hour_of_day(order.total)` */
    const char *field = p->text ? p->text : "?";
    size_t pl = strlen(p->date_part), fl = strlen(field);
    if (fl > pl + 2 && strncmp(field, p->date_part, pl) == 0 && field[pl] == '(' && field[fl - 1] == ')')
        field = sig_arena_strndup(c->a, field + pl + 1, fl - pl - 2);
    sig_diag *d = sig_error(c->ctx, p->loc, "E0441", "`%s` needs a date-time, but the field "
                            "`%s` is %s%s%s", p->date_part, field, a_types(c->a, t),
                            n->format ? " of format " : "", n->format ? n->format : "");
    sig_diag_label(c->ctx, d, "not `format: date-time` in the schema");
    sig_diag_help(c->ctx, d, "take the date part of a string field with `\"format\": "
                  "\"date-time\"`, or of an atomic `*_tstamp` column such as `derived_tstamp`");
    return false;
}

/* The schema checks of one property read (an attribute's, a criterion's or
 * an operand's): its path, then what reads it. Sets *node to the field read
 * when a plain field of a known schema (no date part, not calculated). */
static bool check_read(ck *c, const sig_property *p, const ig_node **node)
{
    *node = NULL;
    if (!p || p->kind == SIG_PROP_ATOMIC) return true;
    if (p->kind == SIG_PROP_CALCULATED) {
        /* the calculation's own type rules are the checker's (E0413) */
        bool ok = true;
        const ig_node *ignored;
        for (size_t i = 0; i < p->noperands; i++) ok = check_read(c, &p->operands[i], &ignored) && ok;
        return ok;
    }
    if (!check_canonical(c, p)) return false;
    walk w;
    if (!walk_path(c->ctx, p, &w)) { report_path(c, p, &w); return false; }
    if (w.unknown || !w.node) return true;
    if (p->date_part) return check_date_part(c, p, w.node);
    *node = w.node;
    return true;
}

static void check_attr(ck *c, ck_sym *s)
{
    sig_attribute *a = s->obj;
    const ig_node *n;
    bool ok = check_read(c, a->property, &n);
    if (ok && n) ok = check_agg_fits(c, a, n) && check_type(c, s, a, n);
    for (size_t i = 0; i < a->criteria.nall; i++) ok = check_criterion(c, &a->criteria.all[i]) && ok;
    for (size_t i = 0; i < a->criteria.nany; i++) ok = check_criterion(c, &a->criteria.any[i]) && ok;
    if (!ok) s->ok = false;
}

static void check_schema(ck *c, const ck_sym *s, const sig_schema_ref *r)
{
    const char *const *cols;
    if (!s->decl || ig_canonical_columns(r, &cols)) return;
    const ig_lookup *lk = ig_resolve(c->ctx, r);
    sig_loc l = ck_has_loc(s->decl->uri_loc) ? s->decl->uri_loc : s->loc;
    if (lk->status == IG_NO_SCHEMA) {
        sig_diag *d = sig_warning(c->ctx, l, "W0111", "schema `iglu:%s/%s/%s` is in no schema "
                                  "repository: the fields of `%s` are not checked", r->vendor,
                                  r->name, r->format, s->name);
        sig_diag_label(c->ctx, d, "not found");
        const sig_source *src = sig_ctx_source(c->ctx, l.file);
        const char *spec = src && src->path[0] != '<' ? src->path : "SPEC";
        sig_diag_help(c->ctx, d, "run `signalsc schemas pull %s` (it fetches into %s/ next "
                      "to the spec), or pass `--iglu-repo DIR`", spec, SIG_IGLU_PULLED_DIR);
    } else if (lk->status == IG_NO_VERSION) {
        const char **vs = SIG_NEW_ARRAY(c->a, const char *, lk->nversions);
        for (size_t i = 0; i < lk->nversions; i++) vs[i] = ig_version_text(c->a, lk->versions[i]);
        char part[3][16];
        int v3[3] = {r->model, r->revision, r->addition};
        for (int i = 0; i < 3; i++) {
            if (v3[i] < 0) snprintf(part[i], sizeof part[i], "*");
            else snprintf(part[i], sizeof part[i], "%d", v3[i]);
        }
        sig_diag *d = sig_error(c->ctx, l, "E0440", "schema `iglu:%s/%s/%s` has no version "
                                "`%s-%s-%s`", r->vendor, r->name, r->format, part[0], part[1],
                                part[2]);
        sig_diag_label(c->ctx, d, "no such version");
        sig_diag_note(c->ctx, d, SIG_NOLOC, "available versions: %s",
                      names_text(c->a, vs, lk->nversions));
        const ig_version *hi = &lk->versions[lk->nversions - 1];
        char *fix = sig_arena_printf(c->a, "iglu:%s/%s/%s/%d-*-*", r->vendor, r->name, r->format,
                                     hi->m);
        sig_diag_suggest(c->ctx, d, fix);
    } else if (lk->status == IG_BROKEN) {
        sig_diag *d = sig_warning(c->ctx, l, "W0112", "schema file %s cannot be used: %s; the "
                                  "fields of `%s` are not checked", lk->path ? lk->path : "?",
                                  lk->why ? lk->why : "unreadable", s->name);
        sig_diag_label(c->ctx, d, "schema unusable");
    }
}

void ck_iglu(ck *c)
{
    if (ig_enabled(c->ctx)) {
        for (const char *const *m = ig_missing_repos(c->ctx); *m; m++)
            sig_warning(c->ctx, SIG_NOLOC, "W0112", "schema repository %s is not a directory; "
                        "no schema is read from it", *m);
        for (size_t i = 0; i < c->event_syms.len; i++) {
            ck_sym *s = c->event_syms.items[i];
            if (s->ok && s->obj) check_schema(c, s, &((sig_event *)s->obj)->schema);
        }
        for (size_t i = 0; i < c->context_syms.len; i++) {
            ck_sym *s = c->context_syms.items[i];
            if (s->ok && s->obj) check_schema(c, s, &((sig_context *)s->obj)->schema);
        }
    }
    for (size_t i = 0; i < c->attr_syms.len; i++) {
        ck_sym *s = c->attr_syms.items[i];
        if (s->ok && s->done && s->obj) check_attr(c, s);
    }
    /* An entity's `property` may read a field, too. */
    for (size_t i = 0; i < c->entity_syms.len; i++) {
        ck_sym *s = c->entity_syms.items[i];
        const sig_attribute_key *k = s->obj;
        if (!s->ok || !k || !k->property_explicit || !k->property ||
            k->property->kind == SIG_PROP_ATOMIC)
            continue;
        walk w;
        if (!check_canonical(c, k->property)) s->ok = false;
        else if (!walk_path(c->ctx, k->property, &w)) { report_path(c, k->property, &w); s->ok = false; }
    }
}
