/* dbt.h: what the dbt backend's files share (internal to backends/dbt).
 *
 * dbt.c drives the generation (checks, model plumbing, the entry points);
 * one file per stage of the plan writes its models: dbt_events.c (P_events),
 * dbt_daily.c (P_daily, P_daily_values), dbt_attributes.c (P_attributes),
 * dbt_project.c (schema.yml and the project files); dbt_text.c holds the
 * quoting and escaping rules. */
#ifndef SIGNALS_DBT_DBT_H
#define SIGNALS_DBT_DBT_H

#include <stdarg.h>
#include <stdbool.h>

#include "backend.h"
#include "dialect.h"
#include "sqlgen.h"
#include "sqlx.h"
#include "signals/plan.h"
#include "signals/signals.h"

typedef struct gen {
    sig_ctx *ctx;
    sig_arena *a;
    const sig_dbt_dialect *d;
    const sig_compile_options *opts;
    const char *project;
    /* the view being generated */
    const sig_view *v;
    const char *prefix;      /* "V_vN" */
    const char *entity;      /* entity column name as written */
    const char *qentity;     /* ... quoted when needed */
    const char *run_ts;      /* SQL timestamp literal of the run */
    /* plain SQL (sig_sqlgen_plain): no Jinja, a full recompute; models are
     * handed to sink instead of written as files */
    bool plain;
    const char *events_table; /* plain: the qualified events table */
    sig_sqlgen_sink *sink;
    void *sink_ud;
    /* the view's plan: its events, property columns, states and windows */
    const sig_plan *plan;
    /* plain: inside the incremental part of a block, which starts at inc_mark */
    bool inc_in_if;
    size_t inc_mark;
} gen;

/* A string formatted in the generator's arena. */
static inline const char *S(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline const char *S(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sig_arena_vprintf(g->a, fmt, ap);
    va_end(ap);
    return s;
}

/* A dialect template expanded (dialect.h). */
static inline const char *T(gen *g, const char *tpl, int n, ...)
{
    const char *args[10];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n && i < 10; i++) args[i] = va_arg(ap, const char *);
    va_end(ap);
    sig_buf b = {.arena = g->a};
    sig_dbt_tpl(&b, tpl, n, args);
    return sig_buf_str(&b);
}

/* The tags of a dbt `is_incremental()` block (dbt_put_inc). */
typedef enum inc_tag { INC_IF, INC_ELSE, INC_ENDIF } inc_tag;

/* What a daily state column holds: its `--` comment in SQL and its
 * description in schema.yml. */
typedef struct dbt_state_words {
    const char *sql, *yml;
} dbt_state_words;

/* Where events are read from when the generated SQL is plain (no dbt var). */
#define PLAIN_START_DATE "2020-01-01"

/* sqlx.c: an expression rendered for the generator's dialect */
const char *dbt_x(gen *g, const sqlx_node *x);
/* Appends the SELECT `s`, its SELECT/FROM/WHERE/GROUP BY lines after
 * `indent`, its columns four spaces further; no final line break. */
void dbt_put_select(gen *g, sig_buf *b, const sqlx_select *s, const char *indent);

/* dbt_text.c */
const char *dbt_sql_str(gen *g, const char *s);
const char *dbt_comment_text(gen *g, const char *s);
const char *dbt_yaml_str(gen *g, const char *s);
bool dbt_needs_quote(const sig_dbt_dialect *d, const char *s);
const char *dbt_qi(gen *g, const char *s);
const char *dbt_qis(gen *g, const char *name, const char *suffix);
bool dbt_ieq(const char *a, const char *b);
bool dbt_keeps_values(const sig_agg_info *agg);
const char *dbt_sql_type(gen *g, sig_type t);
const sqlx_node *dbt_scalar_literal(gen *g, const sig_literal *l, sig_scalar s);
const sqlx_node *dbt_criterion_literal(gen *g, const sig_literal *l, sig_scalar s);
const sqlx_node *dbt_default(gen *g, const sig_attribute *at);
const char *dbt_op_text(sig_op op);
const char *dbt_attr_summary(gen *g, const sig_plan_attr *pa);

/* dbt_events.c */
const sqlx_node *dbt_event_cond(gen *g, const sig_event *e);
const sqlx_node *dbt_raw_expr(gen *g, const sig_property *p);
const sqlx_node *dbt_col_expr(gen *g, const sig_plan_column *c);
void dbt_emit_events(gen *g, sig_output *out);

/* dbt_daily.c */
const sqlx_node *dbt_criterion(gen *g, const sig_plan_criterion *pc);
const sqlx_node *dbt_match(gen *g, const sig_plan_attr *pa, const char *indent);
const sqlx_node *dbt_minmax(gen *g, const sig_plan_state *st, const sqlx_node *x);
const sqlx_node *dbt_daily_state(gen *g, const sig_plan_attr *pa, const sig_plan_state *st,
                                 const sqlx_node *m);
void dbt_emit_daily(gen *g, sig_output *out);
void dbt_emit_daily_values(gen *g, sig_output *out);
extern const dbt_state_words dbt_state_text[SIG_STATE__COUNT];

/* dbt_attributes.c */
const sqlx_node *dbt_merged_state(gen *g, const sig_plan_attr *pa, const sig_plan_state *st);
const sqlx_node *dbt_finish(gen *g, const sig_plan_attr *pa, const sqlx_node *def);
void dbt_emit_attributes(gen *g, sig_output *out);

/* dbt_project.c */
void dbt_attributes_columns(gen *g, sig_sqlgen_model *m);
void dbt_emit_schema(gen *g, sig_output *out);
const char *dbt_sanitize_project(gen *g, const char *name);
void dbt_emit_project(gen *g, sig_output *out, const sig_view *const *views, size_t n);

/* dbt.c */
const char *dbt_model_name(gen *g, const char *suffix);
const char *dbt_ref(gen *g, const char *suffix);
void dbt_put_config(gen *g, sig_buf *b, const char *strategy, const char *unique_key,
                       const char *extra);
void dbt_put_config_upsert(gen *g, sig_buf *b, const char *keys, const char *extra);
void dbt_put_inc(gen *g, sig_buf *b, inc_tag tag);
void dbt_finish_model(gen *g, sig_output *out, const char *kind, const char *name, sig_buf *b);
void dbt_put_header(gen *g, sig_buf *b, const char *model, const char *what);
const char *dbt_jinja_key(gen *g, const char *ident);
extern const char *const dbt_list_value_col[8];

#endif
