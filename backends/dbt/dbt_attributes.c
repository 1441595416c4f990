/* dbt_attributes.c: the P_attributes model (the merge and finish stages of
 * the plan): daily states merged over each attribute's window, finished
 * into its value, and only new or changed rows written. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

/* ------------------------------------------------------- P_attributes */

/* `CASE WHEN w THEN x END`, or x for lifetime attributes */
static const sqlx_node *in_window(gen *g, const sig_plan_attr *pa, const sqlx_node *x)
{
    return pa->window ? sqlx_when(g->a, sqlx_raw(g->a, pa->window), x) : x;
}

/* Emits `name AS (SELECT entity, event_day, ..., in_last_N_days ... FROM src)`. */
static void put_window_cte(gen *g, sig_buf *b, const char *cte, const char *src, bool lists)
{
    sig_arena *a = g->a;
    sqlx_select sel = {.from = S(g, "%s d\n    CROSS JOIN params p", src)};
    sqlx_select_col(a, &sel, sqlx_raw(a, "d.*"), NULL, NULL);
    sig_ptrvec seen = {0};
    const sqlx_node *today = sqlx_raw(a, "p.today");
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (dbt_keeps_values(pa->agg) != lists) continue;
        int64_t n = pa->window_days;
        if (!n) continue;
        const char *w = pa->window;
        bool dup = false;
        for (size_t k = 0; k < seen.len && !dup; k++) dup = strcmp(seen.items[k], w) == 0;
        if (dup) continue;
        sig_ptrvec_push(a, &seen, sig_arena_strdup(a, w));
        const sqlx_node *from = sqlx_fn_of(a, SQLX_FN_DATE_MINUS_DAYS, 2, today,
                                           sqlx_raw(a, S(g, "%lld", (long long)(n - 1))));
        sqlx_select_col(a, &sel, sqlx_between(a, sqlx_raw(a, "d.event_day"), from, today), w,
                        NULL);
    }
    sig_buf_printf(b, "%s AS (\n", cte);
    dbt_put_select(g, b, &sel, "    ");
    sig_buf_puts(b, "\n),\n\n");
}

static bool any_window(gen *g)
{
    for (size_t i = 0; i < g->v->nattributes; i++)
        if (g->plan->attrs[i].window_days) return true;
    return false;
}

/* The state of `pa` of kind `k` (the planner keeps every state of the row). */
static const sig_plan_state *state_of(const sig_plan_attr *pa, sig_state_kind k)
{
    for (size_t i = 0; i < pa->nstates; i++)
        if (pa->states[i].kind == k) return &pa->states[i];
    return NULL;
}

/* The daily states `st` of the days in `pa`'s window, merged: one case per
 * merge rule (model.h sig_merge). */
const sqlx_node *dbt_merged_state(gen *g, const sig_plan_attr *pa, const sig_plan_state *st)
{
    sig_arena *a = g->a;
    const sqlx_node *col = sqlx_ident(a, NULL, st->column);
    switch (sig_state_get(st->kind)->merge) {
    case SIG_MERGE_SUM: return sqlx_call(a, "sum", 1, in_window(g, pa, col));
    case SIG_MERGE_MIN:
    case SIG_MERGE_MAX: return dbt_minmax(g, st, in_window(g, pa, col));
    case SIG_MERGE_EARLIEST:
    case SIG_MERGE_LATEST: {
        bool first = sig_state_get(st->kind)->merge == SIG_MERGE_EARLIEST;
        const sqlx_node *has = sqlx_post(a, col, "IS NOT NULL");
        if (pa->window) has = sqlx_bin(a, sqlx_raw(a, pa->window), "AND", has);
        return sqlx_fn_of(a, first ? SQLX_FN_FIRST_ORDERED : SQLX_FN_LAST_ORDERED, 5, col,
                          sqlx_raw(a, first ? "event_day" : "event_day DESC"), has,
                          sqlx_raw(a, g->d->type_name[st->type.scalar]), sqlx_raw(a, "event_day"));
    }
    case SIG_MERGE_UNION: break;
    }
    return NULL;
}

/* coalesce(x, y) */
static const sqlx_node *coalesce(gen *g, const sqlx_node *x, const sqlx_node *y)
{
    return sqlx_call(g->a, "coalesce", 2, x, y);
}

/* The attribute's value from its merged states (before the cast to its
 * type), `def` its default or NULL: one case per finish kind; NULL for
 * value lists, which have their own CTEs. */
const sqlx_node *dbt_finish(gen *g, const sig_plan_attr *pa, const sqlx_node *def)
{
    sig_arena *a = g->a;
    const sig_plan_state *st = &pa->states[0];
    const sqlx_node *zero = sqlx_raw(a, "0");
    switch (pa->agg->finish) {
    case SIG_FINISH_COUNT: {
        const sqlx_node *n = dbt_merged_state(g, pa, st);
        return def ? coalesce(g, sqlx_call(a, "nullif", 2, n, zero), def) : coalesce(g, n, zero);
    }
    case SIG_FINISH_SUM: return coalesce(g, dbt_merged_state(g, pa, st), def ? def : zero);
    case SIG_FINISH_DIVIDE: {
        const sig_plan_state *sum = state_of(pa, SIG_STATE_SUM);
        const sig_plan_state *count = state_of(pa, SIG_STATE_COUNT);
        const sqlx_node *x =
            sqlx_bin(a, sqlx_cast(a, dbt_merged_state(g, pa, sum), g->d->type_name[SIG_DOUBLE]),
                     "/", sqlx_call(a, "nullif", 2, dbt_merged_state(g, pa, count), zero));
        return def ? coalesce(g, x, def) : x;
    }
    case SIG_FINISH_VALUE: {
        const sqlx_node *x = dbt_merged_state(g, pa, st);
        return def ? coalesce(g, x, def) : x;
    }
    case SIG_FINISH_LIST: break;
    }
    return NULL;
}

/* The `params` CTE (today) and the CTEs that flag the windows each day
 * falls in; sets the sources the roll-ups read. */
static void put_windows(gen *g, sig_buf *b, const char **daily_src, const char **values_src)
{
    const char *today = dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_CURRENT_UTC_DATE, 0));
    bool windows = any_window(g);
    bool scalar_windows = false, list_windows = false;
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        if (!pa->window_days) continue;
        if (dbt_keeps_values(pa->agg)) list_windows = true;
        else scalar_windows = true;
    }
    *daily_src = dbt_ref(g, "daily");
    *values_src = dbt_ref(g, "daily_values");
    if (windows && g->plain) {
        sig_buf_printf(b,
                       "-- Today: the current UTC date (to compute for another day, replace it\n"
                       "-- with a date). A window of N days is today - (N - 1) <= event_day <= today.\n"
                       "params AS (\n"
                       "    SELECT\n"
                       "        %s AS today\n"
                       "),\n\n",
                       today);
    } else if (windows) {
        sig_buf_printf(b,
                       "-- Today: the `today` var (YYYY-MM-DD), by default the current UTC date.\n"
                       "-- A window of N days is today - (N - 1) <= event_day <= today.\n"
                       "params AS (\n"
                       "    SELECT\n"
                       "{%%- if var('today') %%}\n"
                       "        %s AS today\n"
                       "{%%- else %%}\n"
                       "        %s AS today\n"
                       "{%%- endif %%}\n"
                       "),\n\n",
                       dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_DATE_LITERAL, 1,
                                           sqlx_raw(g->a, "'{{ var(\"today\") | string | "
                                                          "replace(\"'\", \"''\") }}'"))),
                       today);
    }
    if (windows) {
        if (scalar_windows) {
            sig_buf_puts(b, "-- Daily states with the windows each day falls in.\n");
            put_window_cte(g, b, "daily", *daily_src, false);
            *daily_src = "daily";
        }
        if (list_windows && g->plan->has_lists) {
            sig_buf_puts(b, "-- Daily values with the windows each day falls in.\n");
            put_window_cte(g, b, "daily_values", *values_src, true);
            *values_src = "daily_values";
        }
    }
}

/* `aggregated`: every attribute kept in daily columns, its states merged
 * over its window and finished. */
static void put_aggregated(gen *g, sig_buf *b, const char *daily_src)
{
    sig_arena *a = g->a;
    sig_buf_puts(b, "-- Every attribute but unique_list, rolled up over its window. One row per\n"
                    "-- entity value with at least one event of the view.\n"
                    "aggregated AS (\n");
    sqlx_select sel = {.from = daily_src};
    const sqlx_node *entity = sqlx_ident(a, NULL, g->entity);
    sqlx_select_col(a, &sel, entity, NULL, NULL);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        const sqlx_node *def = at->default_value ? dbt_default(g, at) : NULL;
        const sqlx_node *x = dbt_finish(g, pa, def);
        if (!x) continue;
        sqlx_select_col(a, &sel, sqlx_cast(a, x, dbt_sql_type(g, at->type)), at->name,
                        dbt_comment_text(g, dbt_attr_summary(g, pa)));
    }
    sqlx_select_group(a, &sel, entity);
    dbt_put_select(g, b, &sel, "    ");
    sig_buf_puts(b, "\n),\n\n");
}

/* Per value-set attribute: each value in its window with when it was last
 * seen, then the values seen latest (the row's list cap), oldest first. */
static void put_lists(gen *g, sig_buf *b, const char *values_src)
{
    const char *E = g->qentity;
    /* unique lists */
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (!dbt_keeps_values(pa->agg)) continue;
        const char *w = pa->window;
        const char *vc = dbt_list_value_col[at->type.scalar];
        sig_arena *a = g->a;
        sqlx_select seen = {.from = values_src};
        const sqlx_node *entity = sqlx_ident(a, NULL, g->entity), *value = sqlx_raw(a, vc);
        sqlx_select_col(a, &seen, entity, NULL, NULL);
        sqlx_select_col(a, &seen, value, "value", NULL);
        sqlx_select_col(a, &seen, sqlx_call(a, "max", 1, sqlx_raw(a, "last_seen")), "last_seen",
                        NULL);
        sqlx_select_where(a, &seen, sqlx_bin(a, sqlx_raw(a, "attribute"), "=", sqlx_str(a, at->name)));
        if (w) sqlx_select_where(a, &seen, sqlx_raw(a, w));
        sqlx_select_group(a, &seen, entity);
        sqlx_select_group(a, &seen, value);
        sig_buf_printf(b, "-- %s: each value in the window and when it was last seen.\n%s AS (\n",
                       dbt_comment_text(g, at->name), dbt_qis(g, at->name, "seen"));
        dbt_put_select(g, b, &seen, "    ");
        sig_buf_puts(b, "\n),\n\n");
        sig_buf_printf(b,
                       "-- %s: the %d values seen most recently, oldest first (ties by value).\n"
                       "%s AS (\n"
                       "    SELECT\n"
                       "        %s,\n"
                       "        %s AS %s\n"
                       "    FROM (\n"
                       "        SELECT\n"
                       "            *,\n"
                       "            row_number() OVER (\n"
                       "                PARTITION BY %s\n"
                       "                ORDER BY last_seen DESC NULLS LAST, value DESC\n"
                       "            ) AS recency\n"
                       "        FROM %s\n"
                       "    ) ranked\n"
                       "    WHERE recency <= %d\n"
                       "    GROUP BY\n"
                       "        %s\n"
                       "),\n\n",
                       dbt_comment_text(g, at->name), pa->agg->list_cap, dbt_qis(g, at->name, "list"), E,
                       dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_LIST_AGG_ORDERED, 3,
                                           sqlx_raw(g->a, "value"),
                                           sqlx_raw(g->a, "last_seen NULLS FIRST, value"),
                                           sqlx_raw(g->a, "last_seen, value"))),
                       dbt_qi(g, at->name), E, dbt_qis(g, at->name, "seen"), pa->agg->list_cap, E);
    }
}

/* `computed`: every attribute in the view's order, lists joined in. */
static void put_computed(gen *g, sig_buf *b)
{
    const char *E = g->qentity;
    sig_arena *a = g->a;
    sig_buf from = {.arena = a};
    sig_buf_puts(&from, "aggregated a");
    sqlx_select sel = {0};
    sqlx_select_col(a, &sel, sqlx_ident(a, "a", g->entity), NULL, NULL);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const sig_plan_attr *pa = &g->plan->attrs[i];
        const sig_attribute *at = pa->attr;
        if (!dbt_keeps_values(pa->agg)) {
            sqlx_select_col(a, &sel, sqlx_ident(a, "a", at->name), NULL, NULL);
            continue;
        }
        /* value lists are joined in from their own CTE */
        sig_buf_printf(&from, "\n    LEFT JOIN %s l%zu\n        ON l%zu.%s = a.%s",
                       dbt_qis(g, at->name, "list"), i, i, E, E);
        const char *type = dbt_sql_type(g, at->type);
        const sqlx_node *def = at->default_value
                                   ? dbt_default(g, at)
                                   : sqlx_fn_of(a, SQLX_FN_EMPTY_LIST, 1, sqlx_raw(a, type));
        const sqlx_node *x = sqlx_call(a, "coalesce", 2, sqlx_ident(a, S(g, "l%zu", i), at->name), def);
        sqlx_select_col(a, &sel, sqlx_cast(a, x, type), at->name,
                        dbt_comment_text(g, dbt_attr_summary(g, pa)));
    }
    sel.from = sig_buf_str(&from);
    sig_buf_puts(b, "-- The attributes of every entity value, in the view's order.\ncomputed AS (\n");
    dbt_put_select(g, b, &sel, "    ");
    sig_buf_puts(b, "\n)");
}

/* The incremental `changed` CTE and the final SELECT (new or changed rows
 * only, stamped with updated_at; everything on a full recompute). */
static void put_changed(gen *g, sig_buf *b)
{
    const char *E = g->qentity;
    /* incremental: only new or changed rows */
    sig_buf_puts(b, "\n\n");
    dbt_put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   ",\n\n"
                   "-- Only the rows that are new or whose values changed since they were stored;\n"
                   "-- unchanged rows keep their updated_at.\n"
                   "changed AS (\n"
                   "    SELECT\n"
                   "        c.*\n"
                   "    FROM computed c\n"
                   "    LEFT JOIN {{ this }} stored\n"
                   "        ON stored.%s = c.%s\n"
                   "    WHERE stored.%s IS NULL",
                   E, E, E);
    for (size_t i = 0; i < g->v->nattributes; i++) {
        const char *an = g->v->attributes[i]->name;
        sig_buf_printf(b, "\n       OR %s",
                       dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_DISTINCT_FROM, 2, sqlx_ident(g->a, "c", an),
                                           sqlx_ident(g->a, "stored", an))));
    }
    sig_buf_puts(b, "\n)\n");
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n\n");
    sig_buf_printf(b, "SELECT\n    %s", E);
    for (size_t i = 0; i < g->v->nattributes; i++)
        sig_buf_printf(b, ",\n    %s", dbt_qi(g, g->v->attributes[i]->name));
    sig_buf_printf(b, ",\n    %s AS updated_at\n", g->run_ts);
    dbt_put_inc(g, b, INC_IF);
    sig_buf_puts(b, "\nFROM changed\n");
    dbt_put_inc(g, b, INC_ELSE);
    sig_buf_puts(b, "\nFROM computed\n");
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n");
}

void dbt_emit_attributes(gen *g, sig_output *out)
{
    sig_buf b = {.arena = g->a};
    const char *name = dbt_model_name(g, "attributes");
    dbt_put_config_upsert(g, &b, dbt_jinja_key(g, g->entity), NULL);
    dbt_put_header(g, &b, name,
               "the attributes table: one row per entity value, one column per\n"
               "-- attribute; updated_at is the run in which the row's values last changed.");
    sig_buf_puts(&b, "\nWITH\n\n");
    const char *daily_src, *values_src;
    put_windows(g, &b, &daily_src, &values_src);
    put_aggregated(g, &b, daily_src);
    put_lists(g, &b, values_src);
    put_computed(g, &b);
    put_changed(g, &b);
    dbt_finish_model(g, out, "attributes", name, &b);
}
