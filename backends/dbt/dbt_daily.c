/* dbt_daily.c: the P_daily and P_daily_values models (the daily stage of
 * the plan): each event flagged by the attributes it counts for, and the
 * partial states per (entity, day). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

/* The value column an attribute aggregates. */
static const sqlx_node *attr_value(gen *g, const sig_plan_attr *pa)
{
    return sqlx_ident(g->a, NULL, pa->value->name);
}

/* One comparison, on the P_events column of its property: one case per
 * operator. */
const sqlx_node *dbt_criterion(gen *g, const sig_plan_criterion *pc)
{
    sig_arena *a = g->a;
    const sig_criterion *c = pc->criterion;
    const sqlx_node *col = sqlx_ident(a, NULL, pc->column->name);
    sig_scalar s = sig_plan_conv_scalar(pc->column->conv);
    const sig_literal *l = &c->value;
    switch (c->op) {
    case SIG_OP_IS_NULL: return sqlx_post(a, col, "IS NULL");
    case SIG_OP_IS_NOT_NULL: return sqlx_post(a, col, "IS NOT NULL");
    case SIG_OP_IN: {
        if (l->kind != SIG_LIT_LIST || !l->nitems) return sqlx_raw(a, "FALSE");
        const sqlx_node **items = SIG_NEW_ARRAY(a, const sqlx_node *, l->nitems);
        for (size_t i = 0; i < l->nitems; i++) items[i] = dbt_criterion_literal(g, &l->items[i], s);
        return sqlx_bin(a, col, "IN", sqlx_paren(a, sqlx_seq(a, ", ", items, l->nitems)));
    }
    case SIG_OP_NE: {
        /* != passes absent values */
        const sqlx_node **t = SIG_NEW_ARRAY(a, const sqlx_node *, 2);
        t[0] = sqlx_post(a, col, "IS NULL");
        t[1] = sqlx_bin(a, col, "<>", dbt_criterion_literal(g, l, s));
        return sqlx_paren(a, sqlx_seq(a, " OR ", t, 2));
    }
    case SIG_OP_LIKE:
        /* the pattern's `\` escapes `%`, `_` and `\` (docs/language.md
         * section 5; the checker rejects any other use, E0333): each
         * dialect's ESCAPE clause, or none where `\` is the only escape */
        return sqlx_fn_of(a, SQLX_FN_LIKE, 3, col, sqlx_str(a, l->str), sqlx_str(a, "\\"));
    default: return sqlx_bin(a, col, dbt_op_text(c->op), dbt_criterion_literal(g, l, s));
    }
}

/* Whether an event counts for `at`: one of its events, and its criteria,
 * laid out one condition a line after `indent`. Absent values make a
 * comparison NULL, which no CASE/FILTER takes as true; nothing is ever
 * negated, so NULL behaves as false throughout. */
const sqlx_node *dbt_match(gen *g, const sig_plan_attr *pa, const char *indent)
{
    sig_arena *a = g->a;
    const sig_attribute *at = pa->attr;
    const sqlx_node **ev = SIG_NEW_ARRAY(a, const sqlx_node *, at->nevents ? at->nevents : 1);
    for (size_t i = 0; i < at->nevents; i++) ev[i] = sqlx_paren(a, dbt_event_cond(g, at->events[i]));
    const sqlx_node **t = SIG_NEW_ARRAY(a, const sqlx_node *, pa->nall + 2);
    size_t n = 0;
    t[n++] = sqlx_paren(a, sqlx_seq(a, S(g, "\n%s    OR ", indent), ev, at->nevents));
    for (size_t i = 0; i < pa->nall; i++) t[n++] = dbt_criterion(g, &pa->all[i]);
    if (pa->nany) {
        const sqlx_node **any = SIG_NEW_ARRAY(a, const sqlx_node *, pa->nany);
        for (size_t i = 0; i < pa->nany; i++) any[i] = dbt_criterion(g, &pa->any[i]);
        t[n++] = sqlx_paren(a, sqlx_seq(a, " OR ", any, pa->nany));
    }
    return sqlx_seq(a, S(g, "\n%sAND ", indent), t, n);
}

/* ------------------------------------------------- P_daily, P_daily_values */

/* Emits the CTEs shared by the daily models: touched (incremental), events,
 * flagged (one boolean per attribute of `lists` kind). */
static void put_daily_ctes(gen *g, sig_buf *b, bool lists)
{
    const char *E = g->qentity;
    sig_buf_puts(b, "\nWITH\n\n");
    dbt_put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   "\n\n"
                   "-- (entity, day) pairs that events stored since this model last ran fall on.\n"
                   "touched AS (\n"
                   "    SELECT DISTINCT\n"
                   "        %s,\n"
                   "        event_day\n"
                   "    FROM %s\n"
                   "    WHERE loaded_at > (\n"
                   "        SELECT coalesce(max(computed_at), %s)\n"
                   "        FROM {{ this }}\n"
                   "    )\n"
                   "),\n",
                   E, dbt_ref(g, "events"), dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_TIMESTAMP_LITERAL, 1,
                                                            sqlx_str(g->a, "1970-01-01 00:00:00"))));
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n\n");
    sig_buf_printf(b,
                   "-- Every stored event of those pairs (of all pairs on a full refresh): a pair\n"
                   "-- is recomputed from all its events, so late events are counted.\n"
                   "events AS (\n"
                   "    SELECT\n"
                   "        e.*\n"
                   "    FROM %s e\n",
                   dbt_ref(g, "events"));
    dbt_put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   "\n"
                   "    INNER JOIN touched t\n"
                   "        ON t.%s = e.%s\n"
                   "        AND t.event_day = e.event_day\n",
                   E, E);
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n),\n\n");
    sig_buf_puts(b,
                 "-- Which attributes each event counts for: one of the attribute's events,\n"
                 "-- passing its criteria.\n"
                 "flagged AS (\n");
    sqlx_select sel = {.from = "events"};
    sqlx_select_col(g->a, &sel, sqlx_raw(g->a, "*"), NULL, NULL);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (dbt_keeps_values(pa->agg) != lists || !pa->match) continue;
        sqlx_select_col(g->a, &sel, dbt_match(g, pa, "        "), pa->match,
                        dbt_comment_text(g, pa->attr->name));
    }
    dbt_put_select(g, b, &sel, "    ");
    sig_buf_puts(b, "\n)");
}

/* What each daily state column holds: for its `--` comment in SQL and its
 * description in schema.yml. Values (unique_list) are rows of P_daily_values. */
const dbt_state_words dbt_state_text[SIG_STATE__COUNT] = {
    [SIG_STATE_EVENTS] = {"number of events", "number of its events that day."},
    [SIG_STATE_SUM] = {"sum of the values (NULL: no value)",
                       "sum of the values that day (NULL: no value)."},
    [SIG_STATE_COUNT] = {"number of the values", "number of values that day."},
    [SIG_STATE_MIN] = {"smallest value", "smallest value that day."},
    [SIG_STATE_MAX] = {"largest value", "largest value that day."},
    [SIG_STATE_FIRST] = {"value of the earliest event with a value (ties: smallest event_id)",
                         "value of the day's earliest event with a value."},
    [SIG_STATE_LAST] = {"value of the latest event with a value (ties: largest event_id)",
                        "value of the day's latest event with a value."},
};

/* min or max of `x` for a min or max state (booleans: the dialect's way) */
const sqlx_node *dbt_minmax(gen *g, const sig_plan_state *st, const sqlx_node *x)
{
    bool min = st->kind == SIG_STATE_MIN, b = st->type.scalar == SIG_BOOL;
    sqlx_fn fn = min ? (b ? SQLX_FN_BOOL_MIN : SQLX_FN_MIN) : (b ? SQLX_FN_BOOL_MAX : SQLX_FN_MAX);
    return sqlx_fn_of(g->a, fn, 1, x);
}

/* The daily state `st` of attribute `pa` over the day's flagged events
 * (`m`: its match flag column): one case per state kind. */
const sqlx_node *dbt_daily_state(gen *g, const sig_plan_attr *pa, const sig_plan_state *st,
                                 const sqlx_node *m)
{
    sig_arena *a = g->a;
    const sqlx_node *v = pa->value ? attr_value(g, pa) : NULL;
    switch (st->kind) {
    case SIG_STATE_EVENTS: return sqlx_call(a, "count", 1, sqlx_when(a, m, sqlx_raw(a, "1")));
    case SIG_STATE_SUM: return sqlx_call(a, "sum", 1, sqlx_when(a, m, v));
    case SIG_STATE_COUNT: return sqlx_call(a, "count", 1, sqlx_when(a, m, v));
    case SIG_STATE_MIN:
    case SIG_STATE_MAX: return dbt_minmax(g, st, sqlx_when(a, m, v));
    case SIG_STATE_FIRST:
    case SIG_STATE_LAST: {
        bool first = st->kind == SIG_STATE_FIRST;
        return sqlx_fn_of(a, first ? SQLX_FN_FIRST_ORDERED : SQLX_FN_LAST_ORDERED, 5, v,
                          sqlx_raw(a, first ? "derived_tstamp NULLS FIRST, event_id"
                                            : "derived_tstamp DESC NULLS LAST, event_id DESC"),
                          sqlx_bin(a, m, "AND", sqlx_post(a, v, "IS NOT NULL")),
                          sqlx_raw(a, g->d->type_name[st->type.scalar]),
                          sqlx_raw(a, "derived_tstamp, event_id"));
    }
    default: return NULL;
    }
}

void dbt_emit_daily(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = dbt_model_name(g, "daily");
    dbt_put_config_upsert(g, &b, S(g, "[%s, 'event_day']", dbt_jinja_key(g, g->entity)), d->daily_config);
    dbt_put_header(g, &b, name,
               "per entity value and event day, the partial state of every attribute\n"
               "-- (unique_list attributes: see _daily_values).");
    put_daily_ctes(g, &b, false);
    sig_buf_puts(&b, "\n\n");
    sig_arena *a = g->a;
    sqlx_select sel = {.from = "flagged"};
    const sqlx_node *entity = sqlx_ident(a, NULL, g->entity), *day = sqlx_raw(a, "event_day");
    sqlx_select_col(a, &sel, entity, NULL, NULL);
    sqlx_select_col(a, &sel, day, NULL, NULL);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sqlx_node *m = pa->match ? sqlx_ident(a, NULL, pa->match) : NULL;
        for (size_t j = 0; j < pa->nstates; j++) {
            const sig_plan_state *st = &pa->states[j];
            if (st->shared) continue; /* an earlier attribute's column */
            const sqlx_node *x = dbt_daily_state(g, pa, st, m);
            if (!x) continue;
            sqlx_select_col(a, &sel, x, st->column,
                            S(g, "%s: %s", dbt_comment_text(g, pa->attr->name),
                              dbt_state_text[st->kind].sql));
        }
    }
    sqlx_select_col(a, &sel, sqlx_raw(a, g->run_ts), "computed_at", "the run that computed the row");
    sqlx_select_group(a, &sel, entity);
    sqlx_select_group(a, &sel, day);
    dbt_put_select(g, &b, &sel, "");
    sig_buf_puts(&b, "\n");
    dbt_finish_model(g, out, "daily", name, &b);
}

/* One attribute's part of `observed`: its values on its events, in the
 * value column of its type (the others NULL), with the event's time. */
static const sqlx_select *observed(gen *g, const sig_plan_attr *pa)
{
    const sig_dbt_dialect *d = g->d;
    sig_arena *a = g->a;
    const sig_attribute *at = pa->attr;
    const sqlx_node *v = attr_value(g, pa), *val = v;
    if (at->type.scalar == SIG_FLOAT) val = sqlx_cast(a, v, d->type_name[SIG_FLOAT]);
    sqlx_select *sel = SIG_NEW(a, sqlx_select);
    sel->from = "flagged";
    sqlx_select_col(a, sel, sqlx_ident(a, NULL, g->entity), NULL, NULL);
    sqlx_select_col(a, sel, sqlx_raw(a, "event_day"), NULL, NULL);
    sqlx_select_col(a, sel, sqlx_str(a, at->name), "attribute", NULL);
    for (int s = 0; s < 8; s++) {
        if (!(g->plan->list_scalars >> s & 1u)) continue;
        const sqlx_node *x = s == (int)at->type.scalar
                                 ? val
                                 : sqlx_cast(a, sqlx_raw(a, "NULL"), d->type_name[s]);
        sqlx_select_col(a, sel, x, dbt_list_value_col[s], NULL);
    }
    if (d->upsert_needs_row_key)
        sqlx_select_col(a, sel, sqlx_cast(a, val, d->type_name[SIG_STRING]), "value_key",
                        "the value as text: with attribute, a key of the row");
    sqlx_select_col(a, sel, sqlx_raw(a, "derived_tstamp"), NULL, NULL);
    sqlx_select_where(a, sel, sqlx_ident(a, NULL, pa->match));
    sqlx_select_where(a, sel, sqlx_post(a, v, "IS NOT NULL"));
    return sel;
}

void dbt_emit_daily_values(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = dbt_model_name(g, "daily_values");
    dbt_put_config_upsert(g, &b,
                      d->upsert_needs_row_key
                          ? S(g, "[%s, 'event_day', 'attribute', 'value_key']", dbt_jinja_key(g, g->entity))
                          : S(g, "[%s, 'event_day']", dbt_jinja_key(g, g->entity)),
                      d->daily_config);
    dbt_put_header(g, &b, name,
               "per entity value, event day and unique_list attribute, each value\n"
               "-- seen and when it was last seen that day.");
    put_daily_ctes(g, &b, true);
    sig_buf_puts(&b, ",\n\n");
    sig_buf_puts(&b, "-- The values of each unique_list attribute on its events.\nobserved AS (\n");
    bool firstq = true;
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (!dbt_keeps_values(pa->agg)) continue;
        if (!firstq) sig_buf_puts(&b, "    UNION ALL\n");
        firstq = false;
        sig_buf_printf(&b, "    -- %s\n", dbt_comment_text(g, pa->attr->name));
        dbt_put_select(g, &b, observed(g, pa), "    ");
        sig_buf_puts(&b, "\n");
    }
    sig_buf_puts(&b, ")\n\n");
    sig_arena *a = g->a;
    sqlx_select sel = {.from = "observed"};
    sqlx_select_col(a, &sel, sqlx_ident(a, NULL, g->entity), NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, "event_day"), NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, "attribute"), NULL, NULL);
    for (int k = 0; k < 8; k++)
        if ((g->plan->list_scalars >> k & 1u))
            sqlx_select_col(a, &sel, sqlx_raw(a, dbt_list_value_col[k]), NULL, NULL);
    if (d->upsert_needs_row_key) sqlx_select_col(a, &sel, sqlx_raw(a, "value_key"), NULL, NULL);
    size_t nkeys = sel.items.len;
    sqlx_select_col(a, &sel, sqlx_call(a, "max", 1, sqlx_raw(a, "derived_tstamp")), "last_seen",
                    NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, g->run_ts), "computed_at", NULL);
    for (size_t k = 0; k < nkeys; k++)
        sqlx_select_group(a, &sel, ((const sqlx_item *)sel.items.items[k])->expr);
    dbt_put_select(g, &b, &sel, "");
    sig_buf_puts(&b, "\n");
    dbt_finish_model(g, out, "daily_values", name, &b);
}
