/* plan.c: lowers an offline view of the checked model into its typed plan
 * (signals/plan.h). The rules are docs/language.md sections 4 and 6; the
 * per-aggregation facts come from the rows of signals/aggregations.def. */
#include <ctype.h>
#include <string.h>

#include "signals/diag.h"
#include "signals/output.h"
#include "signals/plan.h"
#include "signals/signals.h"

/* ------------------------------------------------------------ conversions */

const char *sig_plan_conv_name(sig_plan_conv c)
{
    static const char *const names[SIG_PLAN_CONV__COUNT] = {
        "string", "int32", "int64", "double", "bool", "timestamp",
    };
    return (unsigned)c < SIG_PLAN_CONV__COUNT ? names[c] : "?";
}

const char *sig_plan_conv_words(sig_plan_conv c)
{
    static const char *const words[SIG_PLAN_CONV__COUNT] = {
        "as text", "as a 32-bit integer", "as a 64-bit integer", "as a number",
        "as a boolean", "as a timestamp",
    };
    return (unsigned)c < SIG_PLAN_CONV__COUNT ? words[c] : "?";
}

sig_scalar sig_plan_conv_scalar(sig_plan_conv c)
{
    static const sig_scalar m[SIG_PLAN_CONV__COUNT] = {
        SIG_STRING, SIG_INT32, SIG_INT64, SIG_DOUBLE, SIG_BOOL, SIG_UNIX_TIMESTAMP,
    };
    return (unsigned)c < SIG_PLAN_CONV__COUNT ? m[c] : SIG_STRING;
}

static sig_plan_conv conv_of_scalar(sig_scalar s)
{
    switch (s) {
    case SIG_BYTES:
    case SIG_STRING: return SIG_PLAN_CONV_TEXT;
    case SIG_INT32: return SIG_PLAN_CONV_INT32;
    case SIG_INT64: return SIG_PLAN_CONV_INT64;
    case SIG_DOUBLE:
    case SIG_FLOAT: return SIG_PLAN_CONV_DOUBLE;
    case SIG_BOOL: return SIG_PLAN_CONV_BOOL;
    case SIG_UNIX_TIMESTAMP:
    case SIG_TIMESTAMP: return SIG_PLAN_CONV_TIMESTAMP;
    case SIG_DICT: break; /* never planned: sig_plan_supported() rejects it */
    }
    return SIG_PLAN_CONV_TEXT;
}

/* The kind a criterion compares its property as: by its literal. */
static sig_plan_conv conv_of_literal(const sig_criterion *c)
{
    /* like, and a null test: a value is any text (JSON null is none) */
    if (c->op == SIG_OP_LIKE || !sig_op_takes_value(c->op)) return SIG_PLAN_CONV_TEXT;
    const sig_literal *l = &c->value;
    if (l->kind == SIG_LIT_LIST) {
        if (!l->nitems) return SIG_PLAN_CONV_TEXT;
        l = &l->items[0];
    }
    switch (l->kind) {
    case SIG_LIT_INT:
    case SIG_LIT_DECIMAL: return SIG_PLAN_CONV_DOUBLE;
    case SIG_LIT_BOOL: return SIG_PLAN_CONV_BOOL;
    default: return SIG_PLAN_CONV_TEXT;
    }
}

/* The attribute's value as it is read: mean reads doubles whatever it
 * yields; the others read their result's scalar. */
static sig_plan_conv attr_conv(const sig_attribute *at)
{
    if (sig_agg_get(at->agg)->reads_double) return SIG_PLAN_CONV_DOUBLE;
    return conv_of_scalar(at->type.scalar);
}

/* An atomic column whose type converts exactly to the kind's type is only
 * cast (no trip through text): the same type, an integer or double column
 * read as a number, an integer column read as another integer type. */
static bool direct_cast(const sig_property *p, sig_plan_conv k)
{
    if (p->kind != SIG_PROP_ATOMIC || !p->type_known || p->type.list || k == SIG_PLAN_CONV_TEXT)
        return false;
    sig_plan_conv from = conv_of_scalar(p->type.scalar);
    bool from_int = from == SIG_PLAN_CONV_INT32 || from == SIG_PLAN_CONV_INT64;
    if (from == k) return true;
    if (k == SIG_PLAN_CONV_DOUBLE) return from_int;
    if (k == SIG_PLAN_CONV_INT32 || k == SIG_PLAN_CONV_INT64) return from_int;
    return false;
}

static bool numeric_conv(sig_plan_conv k)
{
    return k == SIG_PLAN_CONV_DOUBLE || k == SIG_PLAN_CONV_INT64 || k == SIG_PLAN_CONV_INT32;
}

/* ------------------------------------------------------------- lowering */

typedef struct lower {
    sig_arena *a;
    sig_ptrvec props, cols, events, event_keys;
    sig_ptrvec state_keys, state_cols; /* states kept so far: identity, column */
} lower;

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

const char *sig_plan_path(sig_arena *a, const sig_property *p)
{
    sig_buf b = {.arena = a};
    sig_buf_putc(&b, '$');
    if (p->kind == SIG_PROP_ENTITY) sig_buf_printf(&b, "[%u]", (unsigned)p->index);
    for (size_t i = 0; p->kind != SIG_PROP_ATOMIC && i < p->nsteps; i++) {
        const sig_path_step *st = &p->steps[i];
        if (st->kind == SIG_STEP_INDEX) {
            sig_buf_printf(&b, "[%u]", (unsigned)st->index);
            continue;
        }
        bool plain = isalpha((unsigned char)st->field[0]) || st->field[0] == '_';
        for (const char *q = st->field; *q && plain; q++)
            plain = isalnum((unsigned char)*q) || *q == '_';
        if (plain) {
            sig_buf_printf(&b, ".%s", st->field);
        } else {
            sig_buf_puts(&b, ".\"");
            for (const char *q = st->field; *q; q++) {
                if (*q == '"' || *q == '\\') sig_buf_putc(&b, '\\');
                sig_buf_putc(&b, *q);
            }
            sig_buf_putc(&b, '"');
        }
    }
    return sig_buf_str(&b);
}

/* The base of a property's column names: the property as written,
 * lower-cased, runs of other characters as one `_`, at most 48 characters,
 * `p_` before a leading digit, `_2`, `_3`... when taken (ignoring case). */
static const char *prop_base(lower *L, const sig_property *p)
{
    sig_buf b = {.arena = L->a};
    const char *src = p->text ? p->text : (p->atomic ? p->atomic : "property");
    bool us = true;
    size_t n = 0;
    for (const char *q = src; *q && n < 48; q++) {
        if (isalnum((unsigned char)*q)) {
            sig_buf_putc(&b, (char)tolower((unsigned char)*q));
            us = false;
            n++;
        } else if (!us) {
            sig_buf_putc(&b, '_');
            us = true;
            n++;
        }
    }
    const char *base = sig_buf_str(&b);
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '_') bl--;
    base = sig_arena_strndup(L->a, base, bl);
    if (!*base || isdigit((unsigned char)base[0])) base = sig_arena_printf(L->a, "p_%s", base);
    const char *name = base;
    for (int i = 2;; i++) {
        bool taken = false;
        for (size_t j = 0; j < L->props.len && !taken; j++)
            taken = ieq(((const sig_plan_prop *)L->props.items[j])->base, name);
        if (!taken) break;
        name = sig_arena_printf(L->a, "%s_%d", base, i);
    }
    return name;
}

static sig_plan_prop *need_prop(lower *L, const sig_property *p)
{
    const char *path = p->kind == SIG_PROP_ATOMIC ? NULL : sig_plan_path(L->a, p);
    const char *key = path ? sig_arena_printf(L->a, "json:%s:%s", p->column, path)
                           : sig_arena_printf(L->a, "atomic:%s", p->atomic);
    for (size_t i = 0; i < L->props.len; i++) {
        sig_plan_prop *ps = L->props.items[i];
        if (strcmp(ps->key, key) == 0) return ps;
    }
    sig_plan_prop *ps = SIG_NEW(L->a, sig_plan_prop);
    *ps = (sig_plan_prop){key, p, prop_base(L, p), path, false, false};
    sig_ptrvec_push(L->a, &L->props, ps);
    return ps;
}

/* The events-stage column holding `p` converted to `k` (added on first use). */
static const sig_plan_column *need_col(lower *L, const sig_property *p, sig_plan_conv k)
{
    sig_plan_prop *ps = need_prop(L, p);
    for (size_t i = 0; i < L->cols.len; i++) {
        const sig_plan_column *c = L->cols.items[i];
        if (c->prop == ps && c->conv == k) return c;
    }
    bool direct = direct_cast(p, k);
    if (!direct) {
        ps->needs_raw = true;
        if (numeric_conv(k)) ps->needs_number = true;
    }
    sig_plan_column *c = SIG_NEW(L->a, sig_plan_column);
    const char *name = sig_arena_printf(L->a, "%s__%s", ps->base, sig_plan_conv_name(k));
    *c = (sig_plan_column){ps, k, direct, name};
    sig_ptrvec_push(L->a, &L->cols, c);
    return c;
}

/* The index of `e`'s filter among the view's events (added on first use).
 * Two events filter alike when vendor, name and version pattern agree. */
static size_t need_event(lower *L, const sig_event *e)
{
    const sig_schema_ref *s = &e->schema;
    const char *ver = "*";
    if (s->has_version && s->model >= 0) {
        if (s->revision >= 0 && s->addition >= 0)
            ver = sig_arena_printf(L->a, "%d-%d-%d", s->model, s->revision, s->addition);
        else if (s->revision >= 0) ver = sig_arena_printf(L->a, "%d-%d-*", s->model, s->revision);
        else ver = sig_arena_printf(L->a, "%d-*-*", s->model);
    }
    const char *key = sig_arena_printf(L->a, "%s\x1f%s\x1f%s", s->vendor, s->name, ver);
    for (size_t i = 0; i < L->event_keys.len; i++)
        if (strcmp(L->event_keys.items[i], key) == 0) return i;
    sig_ptrvec_push(L->a, &L->event_keys, (void *)(uintptr_t)key);
    sig_ptrvec_push(L->a, &L->events, (void *)(uintptr_t)e);
    return L->events.len - 1;
}

static const sig_plan_criterion *lower_criteria(lower *L, const sig_criterion *cs, size_t n)
{
    if (!n) return NULL;
    sig_plan_criterion *out = SIG_NEW_ARRAY(L->a, sig_plan_criterion, n);
    for (size_t i = 0; i < n; i++)
        out[i] = (sig_plan_criterion){&cs[i],
                                      need_col(L, &cs[i].property, conv_of_literal(&cs[i]))};
    return out;
}

/* A literal, canonically (for state identities). */
static void put_literal(sig_buf *b, const sig_literal *l)
{
    switch (l->kind) {
    case SIG_LIT_STRING:
        sig_buf_printf(b, "s%zu:", strlen(l->str));
        sig_buf_puts(b, l->str);
        break;
    case SIG_LIT_INT: sig_buf_printf(b, "i%lld", (long long)l->i); break;
    case SIG_LIT_DECIMAL:
        if (l->str) sig_buf_printf(b, "d%s", l->str);
        else sig_buf_printf(b, "d%.17g", l->d);
        break;
    case SIG_LIT_BOOL: sig_buf_puts(b, l->b ? "true" : "false"); break;
    case SIG_LIT_LIST:
        sig_buf_printf(b, "[%zu", l->nitems);
        for (size_t i = 0; i < l->nitems; i++) {
            sig_buf_putc(b, ',');
            put_literal(b, &l->items[i]);
        }
        sig_buf_putc(b, ']');
        break;
    }
}

/* What decides which events a state counts and what it reads: the event
 * filters (a set), the criteria on their columns, the value column. */
static const char *match_identity(lower *L, const sig_plan_attr *pa)
{
    sig_buf b = {.arena = L->a};
    for (size_t e = 0; e < L->events.len; e++) {
        bool used = false;
        for (size_t i = 0; i < pa->nevents && !used; i++) used = pa->events[i] == e;
        if (used) sig_buf_printf(&b, "e%zu;", e);
    }
    const sig_plan_criterion *sets[2] = {pa->all, pa->any};
    size_t counts[2] = {pa->nall, pa->nany};
    for (int k = 0; k < 2; k++) {
        sig_buf_puts(&b, k ? "|any;" : "|all;");
        for (size_t i = 0; i < counts[k]; i++) {
            const sig_plan_criterion *c = &sets[k][i];
            sig_buf_printf(&b, "%s %s ", c->column->name, sig_op_name(c->criterion->op));
            if (sig_op_takes_value(c->criterion->op)) put_literal(&b, &c->criterion->value);
            sig_buf_putc(&b, ';');
        }
    }
    sig_buf_printf(&b, "|%s", pa->value ? pa->value->name : "-");
    return sig_buf_str(&b);
}

/* Gives `st` the column of an equal state kept earlier, or records it. */
static void share_state(lower *L, const char *match, sig_plan_state *st)
{
    const char *key = sig_arena_printf(L->a, "%s|%s", sig_state_get(st->kind)->name, match);
    for (size_t i = 0; i < L->state_keys.len; i++) {
        if (strcmp(L->state_keys.items[i], key) == 0) {
            st->column = L->state_cols.items[i];
            st->shared = true;
            return;
        }
    }
    sig_ptrvec_push(L->a, &L->state_keys, (void *)(uintptr_t)key);
    sig_ptrvec_push(L->a, &L->state_cols, (void *)(uintptr_t)st->column);
}

static void lower_attr(lower *L, const sig_attribute *at, sig_plan_attr *pa)
{
    const sig_agg_info *agg = sig_agg_get(at->agg);
    pa->attr = at;
    pa->agg = agg;
    /* the value first, then the criteria: the events stage's column order */
    pa->value = at->property && agg->needs_property ? need_col(L, at->property, attr_conv(at))
                                                    : NULL;
    pa->all = lower_criteria(L, at->criteria.all, at->criteria.nall);
    pa->nall = at->criteria.nall;
    pa->any = lower_criteria(L, at->criteria.any, at->criteria.nany);
    pa->nany = at->criteria.nany;
    size_t *ev = SIG_NEW_ARRAY(L->a, size_t, at->nevents ? at->nevents : 1);
    for (size_t i = 0; i < at->nevents; i++) ev[i] = need_event(L, at->events[i]);
    pa->events = ev;
    pa->nevents = at->nevents;
    pa->match = sig_arena_printf(L->a, "%s__match", at->name);
    sig_type value_type = {pa->value ? sig_plan_conv_scalar(pa->value->conv) : SIG_INT64, false};
    const char *match = match_identity(L, pa);
    for (unsigned k = 0; k < SIG_STATE__COUNT; k++) {
        if (!(agg->states & SIG_STATE_BIT(k))) continue;
        const sig_state_info *si = sig_state_get((sig_state_kind)k);
        sig_plan_state *st = &pa->states[pa->nstates++];
        st->kind = (sig_state_kind)k;
        st->column = si->suffix ? sig_arena_printf(L->a, "%s__%s", at->name, si->suffix) : NULL;
        if (k == SIG_STATE_VALUES) st->type = (sig_type){at->type.scalar, false};
        else if (si->value_typed) st->type = value_type;
        else st->type = (sig_type){SIG_INT64, false};
        if (st->column) share_state(L, match, st);
    }
    bool owns = false;
    for (size_t i = 0; i < pa->nstates; i++) owns |= !pa->states[i].shared;
    if (!owns) pa->match = NULL; /* no column of its own reads the flag */
    /* a window of N seconds covers the N/86400 days (rounded up) ending today */
    pa->window_days = at->period_seconds > 0 ? (at->period_seconds + 86399) / 86400 : 0;
    pa->window = pa->window_days
                     ? sig_arena_printf(L->a, "in_last_%lld_days", (long long)pa->window_days)
                     : NULL;
}

/* What of property `p` the warehouse backends do not compute yet, or NULL. */
static const char *prop_unsupported(sig_arena *a, const sig_property *p)
{
    if (!p) return NULL;
    if (p->kind == SIG_PROP_CALCULATED)
        return sig_arena_printf(a, "calculated property `%s(...)`", p->calc_op);
    if (p->date_part) return sig_arena_printf(a, "date part `%s`", p->date_part);
    return NULL;
}

/* What of `at` the warehouse backends do not compute yet, or NULL. */
static const char *attr_unsupported(sig_arena *a, const sig_attribute *at)
{
    const sig_agg_info *agg = sig_agg_get(at->agg);
    if (agg && !agg->in_warehouse) return sig_arena_printf(a, "`%s`", agg->name);
    if (at->all_events) return "attributes over all events";
    for (size_t i = 0; i < at->nevents; i++)
        if (at->events[i]->spec_id) return "events given by specification id";
    if (at->type.scalar == SIG_TIMESTAMP || at->type.scalar == SIG_DICT)
        return sig_arena_printf(a, "`%s` attributes", sig_type_name(at->type));
    const char *what = prop_unsupported(a, at->property);
    for (size_t i = 0; !what && i < at->criteria.nall; i++)
        what = prop_unsupported(a, &at->criteria.all[i].property);
    for (size_t i = 0; !what && i < at->criteria.nany; i++)
        what = prop_unsupported(a, &at->criteria.any[i].property);
    return what;
}

bool sig_plan_view_supported(sig_arena *arena, const sig_view *v)
{
    for (size_t i = 0; v && i < v->nattributes; i++)
        if (attr_unsupported(arena, v->attributes[i])) return false;
    return v != NULL;
}

/* E0360: what the warehouse backends do not compute yet. */
static bool attr_supported(struct sig_ctx *ctx, const sig_attribute *at, const char *backend)
{
    const char *what = attr_unsupported(sig_ctx_arena(ctx), at);
    if (!what) return true;
    sig_diag *d = sig_error(ctx, at->loc, "E0360", "the %s backend does not compute %s yet",
                            backend, what);
    sig_diag_label(ctx, d, "attribute `%s` of an offline view", at->name);
    sig_diag_help(ctx, d, "compute it in a stream view (`offline false`), or compile this "
                  "view with `--backend api` only");
    return false;
}

bool sig_plan_supported(struct sig_ctx *ctx, const sig_model *model, const char *backend)
{
    bool ok = true;
    for (size_t i = 0; model && i < model->nviews; i++) {
        const sig_view *v = model->views[i];
        if (!v->offline || !v->nattributes) continue;
        for (size_t j = 0; j < v->nattributes; j++)
            ok &= attr_supported(ctx, v->attributes[j], backend);
    }
    return ok;
}

const sig_plan *sig_plan_view(sig_arena *arena, const sig_view *v)
{
    if (!arena || !v) return NULL;
    lower L = {.a = arena};
    sig_plan *p = SIG_NEW(arena, sig_plan);
    p->view = v;
    p->prefix = sig_arena_printf(arena, "%s_v%d", v->name, v->version);
    p->entity = v->key->name;
    p->entity_property = v->key->property;
    sig_plan_attr *attrs = SIG_NEW_ARRAY(arena, sig_plan_attr, v->nattributes ? v->nattributes : 1);
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_attribute *at = v->attributes[i];
        lower_attr(&L, at, &attrs[i]);
        if (attrs[i].agg->states & SIG_STATE_BIT(SIG_STATE_VALUES)) {
            p->has_lists = true;
            p->list_scalars |= 1u << (unsigned)at->type.scalar;
        }
    }
    p->attrs = attrs;
    p->nattrs = v->nattributes;
    p->events = (const sig_event *const *)L.events.items;
    p->nevents = L.events.len;
    p->props = (const sig_plan_prop *const *)L.props.items;
    p->nprops = L.props.len;
    p->columns = (const sig_plan_column *const *)L.cols.items;
    p->ncolumns = L.cols.len;
    return p;
}
