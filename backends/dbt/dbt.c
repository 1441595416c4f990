/* dbt.c: the dbt backend. Lowers the offline views of a checked model into a
 * self-contained dbt project (no dbt packages) that computes their
 * attributes incrementally, exactly as docs/language.md section 6 says.
 *
 * Per view V version N (prefix P = V_vN) it writes four models, all in the
 * target schema:
 *
 *   P_events        incremental, append only: the view's events, one row per
 *                   event_id (the copy loaded first), with the entity value,
 *                   event day and every property value converted once.
 *   P_daily         incremental, delete+insert on (entity, event_day): the
 *                   partial state of every scalar attribute per entity and
 *                   day. A run recomputes exactly the (entity, day) pairs
 *                   touched by the events stored since it last ran, from all
 *                   stored events of those pairs, so late events are counted.
 *   P_daily_values  (only with unique_list attributes) same grain plus
 *                   (attribute, value): when each value was last seen.
 *   P_attributes    incremental, delete+insert on the entity: recomputes every
 *                   row from the daily models (windows move with `today`) and
 *                   writes only new or changed rows, stamped with updated_at.
 *
 * What each model computes comes from the view's plan (signals/plan.h:
 * event filters, property columns, match flags, states, windows), lowered
 * once; the backend only says how, in SQL. Every warehouse difference comes
 * from the dialect table (dialect.c). The generated text is a function of
 * the model and options only.
 *
 * This file checks the names and drives the generation; each model is
 * written by the file of its stage (dbt.h lists them). */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

const char *const dbt_list_value_col[8] = {
    [SIG_BYTES] = "bytes_value", [SIG_STRING] = "string_value",
    [SIG_INT32] = "int32_value", [SIG_INT64] = "int64_value",
    [SIG_DOUBLE] = "double_value", [SIG_FLOAT] = "float_value",
    [SIG_BOOL] = "bool_value", [SIG_UNIX_TIMESTAMP] = "timestamp_value",
};

static const char *const internal_names[] = {
    "event_id", "event_vendor", "event_name", "event_version", "derived_tstamp",
    "event_day", "load_tstamp", "collector_tstamp", "loaded_at", "copy_rank",
    "computed_at", "updated_at", "attribute", "last_seen", "value", "recency",
    "today", "bytes_value", "string_value", "int32_value", "int64_value",
    "double_value", "float_value", "bool_value", "timestamp_value", "value_key", NULL,
};

/* Names the generated models cannot take: E0911, E0912, E0913. */
static bool check_names(gen *g)
{
    const sig_view *v = g->v;
    bool ok = true;
    for (const char *const *n = internal_names; *n; n++) {
        if (dbt_ieq(*n, g->entity)) {
            sig_diag *dg = sig_error(g->ctx, v->key->loc, "E0912",
                                     "the entity `%s` of view `%s` has the name of a column the "
                                     "dbt backend generates", g->entity, v->name);
            sig_diag_note(g->ctx, dg, v->loc, "view `%s` v%d uses it here", v->name, v->version);
            sig_diag_help(g->ctx, dg, "declare an entity with another name and `key %s`",
                          g->entity);
            ok = false;
            break;
        }
    }
    bool is_prop = false;
    const sig_plan *pl = g->plan;
    for (size_t i = 0; i < pl->ncolumns; i++) is_prop |= dbt_ieq(pl->columns[i]->name, g->entity);
    for (size_t i = 0; i < pl->nprops; i++)
        is_prop |= dbt_ieq(S(g, "%s__raw", pl->props[i]->base), g->entity) ||
                   dbt_ieq(S(g, "%s__number", pl->props[i]->base), g->entity);
    if (is_prop) {
        sig_error(g->ctx, v->key->loc, "E0912",
                  "the entity `%s` of view `%s` has the name of a property column the dbt "
                  "backend generates", g->entity, v->name);
        ok = false;
    }
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (dbt_ieq(at->name, g->entity) || dbt_ieq(at->name, "updated_at")) {
            sig_diag *dg = sig_error(g->ctx, at->loc, "E0911",
                                     "attribute `%s` of view `%s` has a reserved name", at->name,
                                     v->name);
            sig_diag_label(g->ctx, dg, "the attributes table already has a column `%s`",
                           dbt_ieq(at->name, "updated_at") ? "updated_at" : g->entity);
            sig_diag_help(g->ctx, dg, "rename the attribute");
            ok = false;
        }
        for (size_t j = 0; j < i; j++) {
            if (dbt_ieq(at->name, v->attributes[j]->name)) {
                sig_diag *dg = sig_error(g->ctx, at->loc, "E0913",
                                         "attributes `%s` and `%s` of view `%s` would be the "
                                         "same warehouse column", v->attributes[j]->name,
                                         at->name, v->name);
                sig_diag_note(g->ctx, dg, v->attributes[j]->loc, "`%s` is here",
                              v->attributes[j]->name);
                sig_diag_help(g->ctx, dg, "warehouse column names ignore case; rename one");
                ok = false;
            }
        }
    }
    return ok;
}


/* Names longer than the target keeps (E0914): PostgreSQL truncates
 * identifiers to 63 bytes, so long names would silently collide. */
static bool check_name_length(gen *g, const char *name, sig_loc loc, const char *what)
{
    size_t max = g->d->max_identifier;
    if (!max || strlen(name) <= max) return true;
    sig_diag *dg = sig_error(g->ctx, loc, "E0914",
                             "%s `%s` is %zu bytes long; target `%s` keeps identifiers of at "
                             "most %zu bytes", what, name, strlen(name), g->d->target, max);
    sig_diag_help(g->ctx, dg, "shorten the name, or use another target");
    return false;
}

static bool check_fields(gen *g)
{
    const sig_view *v = g->v;
    bool ok = check_name_length(g, g->entity, v->key->loc, "entity");
    /* the longest table name: P_daily_values */
    ok &= check_name_length(g, dbt_model_name(g, g->plan->has_lists ? "daily_values" : "attributes"), v->loc,
                            "generated table");
    for (size_t i = 0; i < v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        ok &= check_name_length(g, at->name, at->loc, "attribute");
        ok &= check_name_length(g, S(g, "%s__match", at->name), at->loc,
                                "the generated column of attribute");
    }
    return ok;
}

/* --------------------------------------------------------- P_events */

const char *dbt_model_name(gen *g, const char *suffix)
{
    return S(g, "%s_%s", g->prefix, suffix);
}

const char *dbt_ref(gen *g, const char *suffix)
{
    if (g->plain) return dbt_qi(g, dbt_model_name(g, suffix));
    return S(g, "{{ ref('%s') }}", dbt_model_name(g, suffix));
}



/* The dbt config block of a model (nothing in plain SQL): `unique_key` a
 * Jinja expression or NULL; `extra` a dialect template ({0} = the entity
 * column as a Jinja string). */
void dbt_put_config(gen *g, sig_buf *b, const char *strategy, const char *unique_key,
                       const char *extra)
{
    if (g->plain) return;
    sig_buf_puts(b, "{{\n    config(\n        materialized='incremental',\n");
    if (g->d->model_config) sig_buf_puts(b, g->d->model_config);
    if (extra) {
        const char *args[1] = {dbt_jinja_key(g, g->entity)};
        sig_dbt_tpl(b, extra, 1, args);
    }
    sig_buf_printf(b, "        incremental_strategy='%s'", strategy);
    if (unique_key) sig_buf_printf(b, ",\n        unique_key=%s", unique_key);
    sig_buf_puts(b, "\n    )\n}}\n\n");
}

void dbt_put_config_upsert(gen *g, sig_buf *b, const char *keys, const char *extra)
{
    dbt_put_config(g, b, g->d->upsert_strategy, keys, extra);
}

/* The tags of a dbt `is_incremental()` block: dbt renders the part after
 * INC_IF on incremental runs, the part after INC_ELSE (if any) on the first
 * run and on full refreshes. Plain SQL is a full recompute: it keeps only
 * the else part, and each tag still strips the blanks before it, as
 * Jinja's `{%-` does, so both forms read alike. */

void dbt_put_inc(gen *g, sig_buf *b, inc_tag tag)
{
    static const char *const tags[] = {"{%- if is_incremental() %}", "{%- else %}",
                                       "{%- endif %}"};
    if (!g->plain) {
        sig_buf_puts(b, tags[tag]);
        return;
    }
    if (tag != INC_IF && g->inc_in_if) b->len = g->inc_mark; /* drop the incremental part */
    while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n')) b->len--;
    if (b->data) b->data[b->len] = '\0';
    g->inc_in_if = tag == INC_IF;
    g->inc_mark = b->len;
}


/* Writes a model: a dbt model file, or (plain) hands its SQL to the sink. */
void dbt_finish_model(gen *g, sig_output *out, const char *kind, const char *name, sig_buf *b)
{
    if (!g->plain) {
        sig_output_add_buf(out, S(g, "models/%s/%s.sql", g->prefix, name), b);
        return;
    }
    sig_sqlgen_model m = {.view = g->v, .kind = kind, .name = dbt_qi(g, name),
                          .sql = sig_buf_str(b)};
    if (strcmp(kind, "attributes") == 0) dbt_attributes_columns(g, &m);
    g->sink(g->sink_ud, &m);
}

void dbt_put_header(gen *g, sig_buf *b, const char *model, const char *what)
{
    sig_buf_printf(b, "-- %s: %s\n", model, what);
    sig_buf_printf(b, "-- View `%s` v%d, entity `%s`.\n", dbt_comment_text(g, g->v->name),
                   g->v->version, dbt_comment_text(g, g->entity));
    sig_buf_puts(b, "-- Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n");
}


const char *dbt_jinja_key(gen *g, const char *ident)
{
    /* a Jinja string literal holding the (quoted) identifier */
    const char *q = dbt_qi(g, ident);
    sig_buf b = {.arena = g->a};
    sig_buf_putc(&b, '\'');
    for (const char *p = q; *p; p++) {
        if (*p == '\'' || *p == '\\') sig_buf_putc(&b, '\\');
        sig_buf_putc(&b, *p);
    }
    sig_buf_putc(&b, '\'');
    return sig_buf_str(&b);
}

/* --------------------------------------------------------------- emit */

/* Every offline view with attributes, checked and generated (files into
 * `out`, or plain models to base->sink). `backend` names the backend in
 * diagnostics. */
static bool generate(gen *base, const sig_model *model, sig_output *out, const char *backend)
{
    sig_ctx *ctx = base->ctx;
    sig_arena *arena = base->a;
    /* the views to compute */
    sig_ptrvec views = {0};
    for (size_t i = 0; i < model->nviews; i++) {
        const sig_view *v = model->views[i];
        if (v->offline && v->nattributes) sig_ptrvec_push(arena, &views, (void *)(uintptr_t)v);
    }
    if (!views.len) {
        sig_diag *dg = sig_error(ctx, SIG_NOLOC, "E0910", "no view for the %s backend to compute",
                                 backend);
        if (!model->nviews)
            sig_diag_note(ctx, dg, SIG_NOLOC, "the spec declares no view");
        for (size_t i = 0; i < model->nviews; i++) {
            const sig_view *v = model->views[i];
            if (!v->offline)
                sig_diag_note(ctx, dg, v->loc, "view `%s` v%d is not offline (`offline true` is missing)",
                              v->name, v->version);
            else
                sig_diag_note(ctx, dg, v->loc, "view `%s` v%d has no attributes", v->name, v->version);
        }
        sig_diag_help(ctx, dg, "add `offline true` to a view with attributes");
        return false;
    }
    bool ok = true;
    /* model prefixes must differ in the warehouse (names ignore case) */
    for (size_t i = 0; i < views.len; i++) {
        const sig_view *v = views.items[i];
        for (size_t j = 0; j < i; j++) {
            const sig_view *w = views.items[j];
            if (v->version == w->version && dbt_ieq(v->name, w->name)) {
                sig_diag *dg = sig_error(ctx, v->loc, "E0913",
                                         "views `%s` and `%s` v%d would have the same warehouse "
                                         "tables", w->name, v->name, v->version);
                sig_diag_note(ctx, dg, w->loc, "`%s` is here", w->name);
                sig_diag_help(ctx, dg, "warehouse table names ignore case; rename one");
                ok = false;
            }
        }
    }
    if (!base->plain) dbt_emit_project(base, out, (const sig_view *const *)views.items, views.len);
    for (size_t i = 0; i < views.len; i++) {
        gen g = *base;
        g.v = views.items[i];
        g.prefix = S(&g, "%s_v%d", g.v->name, g.v->version);
        g.entity = g.v->key->name;
        g.qentity = dbt_qi(&g, g.entity);
        g.run_ts = dbt_x(&g, g.plain ? sqlx_fn_of(arena, SQLX_FN_CURRENT_UTC_TIMESTAMP, 0)
                                     : sqlx_fn_of(arena, SQLX_FN_TIMESTAMP_LITERAL, 1,
                                                  sqlx_raw(arena, "'{{ run_started_at.strftime("
                                                                  "\"%Y-%m-%d %H:%M:%S.%f\") }}'")));
        g.plan = sig_plan_view(arena, g.v);
        if (!check_fields(&g) || !check_names(&g)) {
            ok = false;
            continue;
        }
        if (!ok) continue;
        dbt_emit_events(&g, out);
        dbt_emit_daily(&g, out);
        if (g.plan->has_lists) dbt_emit_daily_values(&g, out);
        dbt_emit_attributes(&g, out);
        if (!g.plain) dbt_emit_schema(&g, out);
    }
    return ok;
}

static bool dbt_emit(sig_ctx *ctx, const sig_model *model, const char *target,
                     const sig_compile_options *opts, sig_output *out)
{
    const sig_dbt_dialect *d = sig_dbt_dialect_find(target ? target : "duckdb");
    gen base = {.ctx = ctx, .a = sig_ctx_arena(ctx), .d = d, .opts = opts};
    if (!d) {
        sig_error(ctx, SIG_NOLOC, "E0902", "the dbt backend has no target `%s`", target);
        return false;
    }
    base.project = dbt_sanitize_project(&base, opts ? opts->project_name : NULL);
    return generate(&base, model, out, "dbt");
}

bool sig_sqlgen_plain(sig_ctx *ctx, const sig_model *model, const sig_dbt_dialect *d,
                      const char *events_table, sig_sqlgen_sink *sink, void *ud)
{
    gen base = {.ctx = ctx, .a = sig_ctx_arena(ctx), .d = d, .plain = true,
                .events_table = events_table, .sink = sink, .sink_ud = ud,
                .project = "signals"};
    return generate(&base, model, NULL, "ddl");
}

const char *sig_sqlgen_ident(sig_arena *a, const sig_dbt_dialect *d, const char *name)
{
    gen g = {.a = a, .d = d, .plain = true};
    return dbt_qi(&g, name);
}

const char *sig_sqlgen_string(sig_arena *a, const sig_dbt_dialect *d, const char *s)
{
    gen g = {.a = a, .d = d, .plain = true};
    return dbt_sql_str(&g, s);
}

const char *sig_sqlgen_type(sig_arena *a, const sig_dbt_dialect *d, sig_type t)
{
    gen g = {.a = a, .d = d, .plain = true};
    return dbt_sql_type(&g, t);
}

const sig_backend sig_backend_dbt = {
    .name = "dbt",
    .summary = "a dbt project computing the offline views' attributes incrementally",
    .targets = sig_dbt_targets,
    .single_file = false,
    .emit = dbt_emit,
};
