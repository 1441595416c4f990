/* dbt_daily.c: the P_daily and P_daily_values models (the daily stage of
 * the plan): each event flagged by the attributes it counts for, and the
 * partial states per (entity, day). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

static const char *attr_value_col(gen *g, const sig_plan_attr *pa)
{
    return dbt_qi(g, pa->value->name);
}

/* Does the attribute keep a value set (P_daily_values) rather than columns? */
static const char *criterion_sql(gen *g, const sig_plan_criterion *pc)
{
    const sig_criterion *c = pc->criterion;
    const char *col = dbt_qi(g, pc->column->name);
    sig_scalar s = sig_plan_conv_scalar(pc->column->conv);
    const char *lit;
    if (c->op == SIG_OP_IN) {
        if (c->value.kind != SIG_LIT_LIST || !c->value.nitems) return "FALSE";
        sig_buf b = {.arena = g->a};
        for (size_t i = 0; i < c->value.nitems; i++) {
            const sig_literal *it = &c->value.items[i];
            if (i) sig_buf_puts(&b, ", ");
            if (it->kind == SIG_LIT_STRING) sig_buf_puts(&b, dbt_sql_str(g, it->str));
            else if (it->kind == SIG_LIT_BOOL) sig_buf_puts(&b, it->b ? "TRUE" : "FALSE");
            else if (it->kind == SIG_LIT_INT) sig_buf_printf(&b, "%lld", (long long)it->i);
            else sig_buf_puts(&b, it->str ? it->str : S(g, "%.17g", it->d));
        }
        return S(g, "%s IN (%s)", col, sig_buf_str(&b));
    }
    const sig_literal *l = &c->value;
    if (l->kind == SIG_LIT_STRING) lit = dbt_sql_str(g, l->str);
    else if (l->kind == SIG_LIT_BOOL) lit = l->b ? "TRUE" : "FALSE";
    else if (l->kind == SIG_LIT_INT) lit = S(g, "%lld", (long long)l->i);
    else if (l->kind == SIG_LIT_DECIMAL) lit = l->str ? l->str : S(g, "%.17g", l->d);
    else lit = dbt_sql_scalar_literal(g, l, s);
    switch (c->op) {
    case SIG_OP_NE: return S(g, "(%s IS NULL OR %s <> %s)", col, col, lit);
    case SIG_OP_LIKE: return dbt_like_sql(g, col, l->str);
    default: return S(g, "%s %s %s", col, dbt_op_text(c->op), lit);
    }
}

/* Whether an event counts for `at`: one of its events, and its criteria.
 * Absent values make a comparison NULL, which no CASE/FILTER takes as true;
 * nothing is ever negated, so NULL behaves as false throughout. */
static const char *match_sql(gen *g, const sig_plan_attr *pa, const char *indent)
{
    const sig_attribute *at = pa->attr;
    sig_buf b = {.arena = g->a};
    sig_buf_puts(&b, "(");
    for (size_t i = 0; i < at->nevents; i++)
        sig_buf_printf(&b, "%s(%s)", i ? S(g, "\n%s    OR ", indent) : "",
                       dbt_event_cond(g, at->events[i]));
    sig_buf_puts(&b, ")");
    for (size_t i = 0; i < pa->nall; i++)
        sig_buf_printf(&b, "\n%sAND %s", indent, criterion_sql(g, &pa->all[i]));
    if (pa->nany) {
        sig_buf_printf(&b, "\n%sAND (", indent);
        for (size_t i = 0; i < pa->nany; i++)
            sig_buf_printf(&b, "%s%s", i ? " OR " : "", criterion_sql(g, &pa->any[i]));
        sig_buf_puts(&b, ")");
    }
    return sig_buf_str(&b);
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
                   E, dbt_ref(g, "events"), T(g, g->d->timestamp_literal, 1, "'1970-01-01 00:00:00'"));
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
                 "flagged AS (\n"
                 "    SELECT\n"
                 "        *");
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (dbt_keeps_values(pa->agg) != lists || !pa->match) continue;
        sig_buf_printf(b, ",\n        -- %s\n        %s AS %s", dbt_comment_text(g, at->name),
                       match_sql(g, pa, "        "), dbt_qi(g, pa->match));
    }
    sig_buf_puts(b, "\n    FROM events\n)");
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
const char *dbt_minmax(gen *g, const sig_plan_state *st, const char *x)
{
    bool min = st->kind == SIG_STATE_MIN;
    const char *tpl = st->type.scalar == SIG_BOOL ? (min ? g->d->bool_min : g->d->bool_max) : NULL;
    if (!tpl) tpl = min ? "min({0})" : "max({0})";
    return T(g, tpl, 1, x);
}

/* The daily state `st` of attribute `pa` over the day's flagged events
 * (`m`: its match flag column). */
static const char *daily_state_sql(gen *g, const sig_plan_attr *pa, const sig_plan_state *st,
                                   const char *m)
{
    const sig_dbt_dialect *d = g->d;
    const char *v = pa->value ? attr_value_col(g, pa) : NULL;
    switch (st->kind) {
    case SIG_STATE_EVENTS: return S(g, "count(CASE WHEN %s THEN 1 END)", m);
    case SIG_STATE_SUM: return S(g, "sum(CASE WHEN %s THEN %s END)", m, v);
    case SIG_STATE_COUNT: return S(g, "count(CASE WHEN %s THEN %s END)", m, v);
    case SIG_STATE_MIN:
    case SIG_STATE_MAX: return dbt_minmax(g, st, S(g, "CASE WHEN %s THEN %s END", m, v));
    case SIG_STATE_FIRST:
    case SIG_STATE_LAST: {
        bool first = st->kind == SIG_STATE_FIRST;
        return T(g, first ? d->first_ordered : d->last_ordered, 5, v,
                 first ? "derived_tstamp NULLS FIRST, event_id"
                       : "derived_tstamp DESC NULLS LAST, event_id DESC",
                 S(g, "%s AND %s IS NOT NULL", m, v), d->type_name[st->type.scalar],
                 "derived_tstamp, event_id");
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
    sig_buf_printf(&b, "SELECT\n    %s,\n    event_day", g->qentity);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const char *m = pa->match ? dbt_qi(g, pa->match) : NULL;
        for (size_t j = 0; j < pa->nstates; j++) {
            const sig_plan_state *st = &pa->states[j];
            if (st->shared) continue; /* an earlier attribute's column */
            const char *x = daily_state_sql(g, pa, st, m);
            if (!x) continue;
            sig_buf_printf(&b, ",\n    -- %s: %s\n    %s AS %s", dbt_comment_text(g, pa->attr->name),
                           dbt_state_text[st->kind].sql, x, dbt_qi(g, st->column));
        }
    }
    sig_buf_printf(&b,
                   ",\n    -- the run that computed the row\n    %s AS computed_at\n"
                   "FROM flagged\nGROUP BY\n    %s,\n    event_day\n",
                   g->run_ts, g->qentity);
    dbt_finish_model(g, out, "daily", name, &b);
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
        const sig_attribute *at = pa->attr;
        if (!dbt_keeps_values(pa->agg)) continue;
        const char *v = attr_value_col(g, pa);
        const char *val = v;
        if (at->type.scalar == SIG_FLOAT)
            val = T(g, d->cast, 2, v, d->type_name[SIG_FLOAT]);
        if (!firstq) sig_buf_puts(&b, "    UNION ALL\n");
        firstq = false;
        sig_buf_printf(&b,
                       "    -- %s\n"
                       "    SELECT\n"
                       "        %s,\n"
                       "        event_day,\n"
                       "        %s AS attribute",
                       dbt_comment_text(g, at->name), g->qentity, dbt_sql_str(g, at->name));
        for (int s = 0; s < 8; s++) {
            if (!(g->plan->list_scalars >> s & 1u)) continue;
            sig_buf_printf(&b, ",\n        %s AS %s",
                           s == (int)at->type.scalar
                               ? val
                               : T(g, d->cast, 2, "NULL", d->type_name[s]),
                           dbt_list_value_col[s]);
        }
        if (d->upsert_needs_row_key)
            sig_buf_printf(&b, ",\n        -- the value as text: with attribute, a key of the row\n"
                               "        %s AS value_key", T(g, d->to_text, 1, val));
        sig_buf_printf(&b,
                       ",\n        derived_tstamp\n"
                       "    FROM flagged\n"
                       "    WHERE %s\n"
                       "      AND %s IS NOT NULL\n",
                       dbt_qi(g, pa->match), v);
    }
    sig_buf_puts(&b, ")\n\n");
    sig_buf_printf(&b, "SELECT\n    %s,\n    event_day,\n    attribute", g->qentity);
    for (int s = 0; s < 8; s++)
        if ((g->plan->list_scalars >> s & 1u)) sig_buf_printf(&b, ",\n    %s", dbt_list_value_col[s]);
    if (d->upsert_needs_row_key) sig_buf_puts(&b, ",\n    value_key");
    sig_buf_printf(&b,
                   ",\n    max(derived_tstamp) AS last_seen,\n"
                   "    %s AS computed_at\n"
                   "FROM observed\n"
                   "GROUP BY\n    %s,\n    event_day,\n    attribute",
                   g->run_ts, g->qentity);
    for (int s = 0; s < 8; s++)
        if ((g->plan->list_scalars >> s & 1u)) sig_buf_printf(&b, ",\n    %s", dbt_list_value_col[s]);
    if (d->upsert_needs_row_key) sig_buf_puts(&b, ",\n    value_key");
    sig_buf_puts(&b, "\n");
    dbt_finish_model(g, out, "daily_values", name, &b);
}
