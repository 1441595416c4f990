/* dbt_events.c: the P_events model (the events stage of the plan): the
 * view's events deduplicated, the entity, the event day, and each property
 * read once and converted as the plan says. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbt.h"

/* ----------------------------------------------------------- properties */

/* A field name as Snowplow's BigQuery and Databricks loaders name struct
 * fields: camelCase becomes snake_case (`deviceClass` -> `device_class`). */
static const char *snake_case(gen *g, const char *s)
{
    return sig_snake_case(g->a, s);
}

/* A field step of a walked path: the loader's field name, quoted the
 * dialect's way when it is not a plain name. */
static const sqlx_node *path_field(gen *g, const char *field)
{
    const sig_dbt_dialect *d = g->d;
    const char *f = d->snake_case_fields ? snake_case(g, field) : field;
    bool plain = isalpha((unsigned char)f[0]) || f[0] == '_';
    for (const char *q = f; *q && plain; q++) plain = isalnum((unsigned char)*q) || *q == '_';
    if (plain) return sqlx_raw(g->a, f);
    sig_buf b = {.arena = g->a};
    sig_buf_puts(&b, d->field_quote_open);
    size_t ql = strlen(d->field_quote_close);
    for (const char *q = f; *q; q++) {
        if (strncmp(q, d->field_quote_close, ql) == 0) sig_buf_puts(&b, d->field_quote_close);
        sig_buf_putc(&b, *q);
    }
    sig_buf_puts(&b, d->field_quote_close);
    return sqlx_raw(g->a, sig_buf_str(&b));
}

/* The property's value as text, read the dialect's way (dialect.h). */
static const sqlx_node *json_access(gen *g, const sig_property *p)
{
    const sig_dbt_dialect *d = g->d;
    sig_arena *a = g->a;
    const sqlx_node *col = sqlx_ident(a, NULL, p->column);
    if (d->json_path_literal) {
        const char *path = sig_plan_path(a, p);
        if (d->json_path_prefix) path = S(g, "%s%s", d->json_path_prefix, path);
        return sqlx_fn_of(a, SQLX_FN_JSON_TEXT, 2, col, sqlx_str(a, path));
    }
    const sqlx_node *x = col;
    bool first_field = true;
    if (p->kind == SIG_PROP_ENTITY)
        x = sqlx_fn_of(a, SQLX_FN_PATH_INDEX, 2, x, sqlx_raw(a, S(g, "%u", (unsigned)p->index)));
    for (size_t i = 0; i < p->nsteps; i++) {
        const sig_path_step *st = &p->steps[i];
        if (st->kind == SIG_STEP_INDEX) {
            x = sqlx_fn_of(a, SQLX_FN_PATH_INDEX, 2, x,
                           sqlx_raw(a, S(g, "%u", (unsigned)st->index)));
            continue;
        }
        sqlx_fn fn = first_field ? SQLX_FN_PATH_FIRST_FIELD : SQLX_FN_PATH_FIELD;
        x = sqlx_fn_of(a, fn, 2, x, path_field(g, st->field));
        first_field = false;
    }
    return sqlx_fn_of(a, SQLX_FN_JSON_TEXT, 1, x);
}

/* The property's raw value as text (JSON null and missing keys: NULL). */
const sqlx_node *dbt_raw_expr(gen *g, const sig_property *p)
{
    if (p->kind == SIG_PROP_ATOMIC) {
        const sqlx_node *col = sqlx_ident(g->a, NULL, p->atomic);
        if (p->type_known && !p->type.list &&
            (p->type.scalar == SIG_STRING || p->type.scalar == SIG_BYTES))
            return col;
        return sqlx_cast(g->a, col, g->d->type_name[SIG_STRING]);
    }
    return json_access(g, p);
}

/* A text that holds a number (as JSON numbers are written; surrounding
 * blanks allowed). Anything else, "inf", "0x1A" or "1_000" included, is no
 * number. */
#define NUMBER_PATTERN "^\\s*[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$"

/* `num` (a double) as an integer of `type` when it is one in [lo, hi):
 * CASE WHEN num = floor(num) AND <range> THEN <cast> END. */
static const sqlx_node *integral(gen *g, const sqlx_node *num, const sqlx_node *range,
                                 const sqlx_node *cast)
{
    sig_arena *a = g->a;
    const sqlx_node *conds[2] = {
        sqlx_bin(a, num, "=", sqlx_fn_of(a, SQLX_FN_FLOOR, 1, num)), range};
    const sqlx_node **c = SIG_NEW_ARRAY(a, const sqlx_node *, 2);
    memcpy(c, conds, sizeof conds);
    return sqlx_when(a, sqlx_seq(a, " AND ", c, 2), cast);
}

/* The column's value from the `extracted`/`numbers` stages of P_events:
 * one case per conversion (sig_plan_conv). */
const sqlx_node *dbt_col_expr(gen *g, const sig_plan_column *c)
{
    const sig_dbt_dialect *d = g->d;
    sig_arena *a = g->a;
    const sig_property *p = c->prop->prop;
    sig_plan_conv k = c->conv;
    if (c->direct)
        return sqlx_fn_of(a, SQLX_FN_TRY_CAST, 2, sqlx_ident(a, NULL, p->atomic),
                          sqlx_raw(a, d->type_name[sig_plan_conv_scalar(k)]));
    const sqlx_node *raw = sqlx_ident(a, NULL, S(g, "%s__raw", c->prop->base));
    const sqlx_node *num = sqlx_ident(a, NULL, S(g, "%s__number", c->prop->base));
    switch (k) {
    case SIG_PLAN_CONV_TEXT: return raw;
    case SIG_PLAN_CONV_DOUBLE: return num;
    case SIG_PLAN_CONV_INT64:
        /* the bounds are -2^63 and 2^63 as doubles: every double in between
         * converts */
        return integral(g, num,
                        sqlx_bin(a, sqlx_bin(a, num, ">=", sqlx_raw(a, "-9223372036854775808.0")),
                                 "AND", sqlx_bin(a, num, "<", sqlx_raw(a, "9223372036854775808.0"))),
                        sqlx_fn_of(a, SQLX_FN_TRY_CAST, 2, num,
                                   sqlx_raw(a, d->type_name[SIG_INT64])));
    case SIG_PLAN_CONV_INT32:
        return integral(g, num,
                        sqlx_between(a, num, sqlx_raw(a, "-2147483648"), sqlx_raw(a, "2147483647")),
                        sqlx_cast(a, num, d->type_name[SIG_INT32]));
    case SIG_PLAN_CONV_BOOL:
        return sqlx_case(a,
                         sqlx_fn_of(a, SQLX_FN_LOWER, 1, sqlx_fn_of(a, SQLX_FN_TRIM, 1, raw)), 4,
                         sqlx_str(a, "true"), sqlx_raw(a, "TRUE"), sqlx_str(a, "false"),
                         sqlx_raw(a, "FALSE"));
    case SIG_PLAN_CONV_TIMESTAMP: return sqlx_fn_of(a, SQLX_FN_TEXT_TO_TIMESTAMP, 1, raw);
    default: return raw;
    }
}

/* ----------------------------------------------------- event conditions */

/* The event filter: vendor, name and the version pattern. */
const sqlx_node *dbt_event_cond(gen *g, const sig_event *e)
{
    const sig_schema_ref *s = &e->schema;
    sig_arena *a = g->a;
    const sqlx_node **t = SIG_NEW_ARRAY(a, const sqlx_node *, 3);
    size_t n = 0;
    t[n++] = sqlx_bin(a, sqlx_raw(a, "event_vendor"), "=", sqlx_str(a, s->vendor));
    t[n++] = sqlx_bin(a, sqlx_raw(a, "event_name"), "=", sqlx_str(a, s->name));
    if (s->has_version && s->model >= 0) {
        const sqlx_node *ver = sqlx_raw(a, "event_version");
        if (s->revision >= 0 && s->addition >= 0)
            t[n++] = sqlx_bin(a, ver, "=",
                              sqlx_str(a, S(g, "%d-%d-%d", s->model, s->revision, s->addition)));
        else if (s->revision >= 0)
            t[n++] = sqlx_bin(a, ver, "LIKE", sqlx_str(a, S(g, "%d-%d-%%", s->model, s->revision)));
        else
            t[n++] = sqlx_bin(a, ver, "LIKE", sqlx_str(a, S(g, "%d-%%", s->model)));
    }
    return sqlx_seq(a, " AND ", t, n);
}

/* The event day of events without derived_tstamp: before every window. */
#define NO_DAY "0001-01-01"

static const sqlx_node *no_day(gen *g)
{
    return sqlx_fn_of(g->a, SQLX_FN_DATE_LITERAL, 1, sqlx_str(g->a, NO_DAY));
}

static const sqlx_node *entity_expr(gen *g)
{
    const sig_property *p = g->v->key->property;
    if (p->kind == SIG_PROP_ATOMIC) return sqlx_ident(g->a, NULL, p->atomic);
    return dbt_raw_expr(g, p);
}

/* The `extracted` and `numbers` CTEs: each property's raw text once, and
 * the texts that are numbers as doubles, as the plan says each property
 * needs. Returns the CTE the final SELECT reads. */
static const char *put_extract(gen *g, sig_buf *b)
{
    sig_arena *a = g->a;
    const char *from = "view_events";
    sqlx_select raw = {.from = "view_events"}, num = {0};
    sqlx_select_col(a, &raw, sqlx_raw(a, "*"), NULL, NULL);
    sqlx_select_col(a, &num, sqlx_raw(a, "*"), NULL, NULL);
    for (size_t i = 0; i < g->plan->nprops; i++) {
        const sig_plan_prop *ps = g->plan->props[i];
        const char *rname = S(g, "%s__raw", ps->base);
        if (ps->needs_raw)
            sqlx_select_col(a, &raw, dbt_raw_expr(g, ps->prop), rname,
                            dbt_comment_text(g, ps->prop->text ? ps->prop->text : "?"));
        if (!ps->needs_number) continue;
        const sqlx_node *r = sqlx_ident(a, NULL, rname);
        const sqlx_node *x =
            sqlx_when(a, sqlx_fn_of(a, SQLX_FN_REGEX_MATCH, 2, r, sqlx_str(a, NUMBER_PATTERN)),
                      sqlx_fn_of(a, SQLX_FN_TRY_CAST, 2, sqlx_fn_of(a, SQLX_FN_TRIM, 1, r),
                                 sqlx_raw(a, g->d->type_name[SIG_DOUBLE])));
        sqlx_select_col(a, &num, x, S(g, "%s__number", ps->base), NULL);
    }
    if (raw.items.len > 1) {
        sig_buf_puts(b, ",\n\n-- The raw value of each property read, as text (JSON null: NULL).\n"
                        "extracted AS (\n");
        dbt_put_select(g, b, &raw, "    ");
        sig_buf_puts(b, "\n)");
        from = "extracted";
    }
    if (num.items.len > 1) {
        sig_buf_puts(b, ",\n\n-- The raw values that are numbers, as numbers (other text: NULL).\n"
                        "numbers AS (\n");
        num.from = from;
        dbt_put_select(g, b, &num, "    ");
        sig_buf_puts(b, "\n)");
        from = "numbers";
    }
    return from;
}

/* The CTEs `loaded` (events loaded since the last run), `deduplicated`
 * (one copy per event_id) and `view_events` (the view's event types with
 * an entity value, not stored yet). */
static void put_view_events(gen *g, sig_buf *b, const char *entity)
{
    const char *start = dbt_x(g, sqlx_fn_of(g->a, SQLX_FN_TIMESTAMP_LITERAL, 1,
                                            g->plain ? sqlx_str(g->a, PLAIN_START_DATE)
                                                     : sqlx_raw(g->a, "'{{ var(\"snowplow__start_date\") }}'")));
    sig_buf_printf(b,
                   "\nWITH\n\n"
                   "-- Events loaded since the previous run (on the first run or a full refresh:\n"
                   "-- every event loaded since snowplow__start_date). Events loaded at the same\n"
                   "-- load_tstamp as the newest stored one are read again; `view_events` drops\n"
                   "-- those already stored.\n"
                   "loaded AS (\n"
                   "    SELECT\n"
                   "        *\n"
                   "    FROM %s\n"
                   "    WHERE load_tstamp >= %s\n",
                   g->plain ? g->events_table : "{{ source('atomic', 'events') }}", start);
    dbt_put_inc(g, b, INC_IF);
    sig_buf_printf(b,
                   "\n"
                   "      AND load_tstamp >= (\n"
                   "          SELECT coalesce(max(load_tstamp), %s)\n"
                   "          FROM {{ this }}\n"
                   "      )\n",
                   start);
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n),\n\n");
    sig_buf_puts(b,
                 "-- One copy per event_id: the one loaded first (smallest load_tstamp, then\n"
                 "-- collector_tstamp).\n"
                 "deduplicated AS (\n"
                 "    SELECT\n"
                 "        *\n"
                 "    FROM (\n"
                 "        SELECT\n"
                 "            *,\n"
                 "            row_number() OVER (\n"
                 "                PARTITION BY event_id\n"
                 "                ORDER BY load_tstamp, collector_tstamp, derived_tstamp\n"
                 "            ) AS copy_rank\n"
                 "        FROM loaded\n"
                 "    ) ranked\n"
                 "    WHERE copy_rank = 1\n"
                 "),\n\n");
    /* union of the view's event types, in order of first use */
    sig_buf_puts(b,
                 "-- The view's event types, with an entity value and a derived_tstamp. An\n"
                 "-- event_id already stored is never replaced.\n"
                 "view_events AS (\n"
                 "    SELECT\n"
                 "        *\n"
                 "    FROM deduplicated e\n"
                 "    WHERE (\n");
    for (size_t i = 0; i < g->plan->nevents; i++)
        sig_buf_printf(b, "        %s(%s)\n", i ? "OR " : "   ", dbt_x(g, dbt_event_cond(g, g->plan->events[i])));
    sig_buf_printf(b,
                   "    )\n"
                   "      AND %s IS NOT NULL\n",
                   entity);
    dbt_put_inc(g, b, INC_IF);
    sig_buf_puts(b,
                 "\n"
                 "      AND NOT EXISTS (\n"
                 "          SELECT 1\n"
                 "          FROM {{ this }} stored\n"
                 "          WHERE stored.event_id = e.event_id\n"
                 "      )\n");
    dbt_put_inc(g, b, INC_ENDIF);
    sig_buf_puts(b, "\n)");
}

void dbt_emit_events(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = dbt_model_name(g, "events");
    dbt_put_config(g, &b, d->append_strategy, NULL, d->events_config);
    const char *entity = dbt_x(g, entity_expr(g));
    dbt_put_header(g, &b, name,
               "the view's events, one row per event_id, with every property value its "
               "attributes read.");
    put_view_events(g, &b, entity);
    sig_arena *a = g->a;
    sqlx_select sel = {.from = put_extract(g, &b)};
    static const char *const event_cols[] = {"event_id", "event_vendor", "event_name",
                                             "event_version"};
    for (size_t i = 0; i < 4; i++) sqlx_select_col(a, &sel, sqlx_raw(a, event_cols[i]), NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, entity),
                    strcmp(entity, g->qentity) ? g->entity : NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, "derived_tstamp"), NULL, NULL);
    const sqlx_node *day = sqlx_fn_of(a, SQLX_FN_DATE_OF, 1, sqlx_raw(a, "derived_tstamp"));
    sqlx_select_col(a, &sel, sqlx_call(a, "coalesce", 2, day, no_day(g)), "event_day",
                    "the event day: the UTC date of derived_tstamp (" NO_DAY " when it is NULL)");
    sqlx_select_col(a, &sel, sqlx_raw(a, "load_tstamp"), NULL, NULL);
    sqlx_select_col(a, &sel, sqlx_raw(a, g->run_ts), "loaded_at",
                    "the run that stored the event (the daily models recompute its days)");
    for (size_t i = 0; i < g->plan->ncolumns; i++) {
        const sig_plan_column *c = g->plan->columns[i];
        const sig_property *p = c->prop->prop;
        sqlx_select_col(a, &sel, dbt_col_expr(g, c), c->name,
                        S(g, "%s %s", dbt_comment_text(g, p->text ? p->text : "?"),
                          sig_plan_conv_words(c->conv)));
    }
    sig_buf_puts(&b, "\n\n");
    dbt_put_select(g, &b, &sel, "");
    sig_buf_puts(&b, "\n");
    dbt_finish_model(g, out, "events", name, &b);
}
