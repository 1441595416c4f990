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

/* The property's value as text, read the dialect's way (dialect.h). */
static const char *json_access(gen *g, const sig_property *p)
{
    const sig_dbt_dialect *d = g->d;
    if (d->json_path_literal) {
        const char *path = sig_plan_path(g->a, p);
        if (d->json_path_prefix) path = S(g, "%s%s", d->json_path_prefix, path);
        return T(g, d->json_text, 2, dbt_qi(g, p->column), dbt_sql_str(g, path));
    }
    const char *x = dbt_qi(g, p->column);
    bool first_field = true;
    if (p->kind == SIG_PROP_ENTITY) x = T(g, d->path_index, 2, x, S(g, "%u", (unsigned)p->index));
    for (size_t i = 0; i < p->nsteps; i++) {
        const sig_path_step *st = &p->steps[i];
        if (st->kind == SIG_STEP_INDEX) {
            x = T(g, d->path_index, 2, x, S(g, "%u", (unsigned)st->index));
            continue;
        }
        const char *f = d->snake_case_fields ? snake_case(g, st->field) : st->field;
        bool plain = isalpha((unsigned char)f[0]) || f[0] == '_';
        for (const char *q = f; *q && plain; q++) plain = isalnum((unsigned char)*q) || *q == '_';
        if (!plain) {
            sig_buf b = {.arena = g->a};
            sig_buf_puts(&b, d->field_quote_open);
            size_t ql = strlen(d->field_quote_close);
            for (const char *q = f; *q; q++) {
                if (strncmp(q, d->field_quote_close, ql) == 0) sig_buf_puts(&b, d->field_quote_close);
                sig_buf_putc(&b, *q);
            }
            sig_buf_puts(&b, d->field_quote_close);
            f = sig_buf_str(&b);
        }
        const char *tpl = first_field && d->path_first_field ? d->path_first_field : d->path_field;
        x = T(g, tpl, 2, x, f);
        first_field = false;
    }
    return T(g, d->json_text, 1, x);
}

/* The property's raw value as text (JSON null and missing keys: NULL). */
static const char *raw_expr(gen *g, const sig_property *p)
{
    if (p->kind == SIG_PROP_ATOMIC) {
        const char *col = dbt_qi(g, p->atomic);
        if (p->type_known && !p->type.list &&
            (p->type.scalar == SIG_STRING || p->type.scalar == SIG_BYTES))
            return col;
        return T(g, g->d->to_text, 1, col);
    }
    return json_access(g, p);
}

/* A text that holds a number (as JSON numbers are written; surrounding
 * blanks allowed). Anything else, "inf", "0x1A" or "1_000" included, is no
 * number. */
#define NUMBER_PATTERN "^\\s*[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$"

/* The column's value from the `extracted`/`numbers` stages of P_events. */
static const char *col_expr(gen *g, const sig_plan_column *c)
{
    const sig_dbt_dialect *d = g->d;
    const sig_property *p = c->prop->prop;
    sig_plan_conv k = c->conv;
    if (c->direct)
        return T(g, d->try_cast, 2, dbt_qi(g, p->atomic), d->type_name[sig_plan_conv_scalar(k)]);
    const char *raw = dbt_qis(g, c->prop->base, "raw");
    const char *num = dbt_qis(g, c->prop->base, "number");
    switch (k) {
    case SIG_PLAN_CONV_TEXT: return raw;
    case SIG_PLAN_CONV_DOUBLE: return num;
    case SIG_PLAN_CONV_INT64:
        /* the bounds are -2^63 and 2^63 as doubles: every double in between
         * converts */
        return S(g, "CASE WHEN %s = %s AND %s >= -9223372036854775808.0 AND %s < 9223372036854775808.0 THEN %s END",
                 num, T(g, d->floor, 1, num), num, num,
                 T(g, d->try_cast, 2, num, d->type_name[SIG_INT64]));
    case SIG_PLAN_CONV_INT32:
        return S(g, "CASE WHEN %s = %s AND %s BETWEEN -2147483648 AND 2147483647 THEN %s END",
                 num, T(g, d->floor, 1, num), num, T(g, d->cast, 2, num, d->type_name[SIG_INT32]));
    case SIG_PLAN_CONV_BOOL:
        return S(g, "CASE %s WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
                 T(g, d->lower, 1, T(g, d->trim, 1, raw)));
    case SIG_PLAN_CONV_TIMESTAMP: return T(g, d->text_to_timestamp, 1, raw);
    default: return raw;
    }
}

/* ----------------------------------------------------- event conditions */

const char *dbt_event_cond(gen *g, const sig_event *e)
{
    const sig_schema_ref *s = &e->schema;
    sig_buf b = {.arena = g->a};
    sig_buf_printf(&b, "event_vendor = %s AND event_name = %s", dbt_sql_str(g, s->vendor),
                   dbt_sql_str(g, s->name));
    if (s->has_version && s->model >= 0) {
        if (s->revision >= 0 && s->addition >= 0)
            sig_buf_printf(&b, " AND event_version = %s",
                           dbt_sql_str(g, S(g, "%d-%d-%d", s->model, s->revision, s->addition)));
        else if (s->revision >= 0)
            sig_buf_printf(&b, " AND event_version LIKE %s",
                           dbt_sql_str(g, S(g, "%d-%d-%%", s->model, s->revision)));
        else
            sig_buf_printf(&b, " AND event_version LIKE %s", dbt_sql_str(g, S(g, "%d-%%", s->model)));
    }
    return sig_buf_str(&b);
}

/* One comparison, on the P_events column of its property. */
/* The event day of events without derived_tstamp: before every window. */
#define NO_DAY "0001-01-01"

static const char *no_day(gen *g)
{
    return T(g, g->d->date_literal, 1, "'" NO_DAY "'");
}

static const char *entity_expr(gen *g)
{
    const sig_property *p = g->v->key->property;
    if (p->kind == SIG_PROP_ATOMIC) return dbt_qi(g, p->atomic);
    return raw_expr(g, p);
}

/* The `extracted` and `numbers` CTEs: each property's raw text once, and
 * the texts that are numbers as doubles, as the plan says each property
 * needs. Returns the CTE the final SELECT reads. */
static const char *put_extract(gen *g, sig_buf *b)
{
    const sig_dbt_dialect *d = g->d;
    const char *from = "view_events";
    bool raw = false, num = false;
    for (size_t i = 0; i < g->plan->nprops; i++) {
        raw |= g->plan->props[i]->needs_raw;
        num |= g->plan->props[i]->needs_number;
    }
    if (raw) {
        sig_buf_puts(b, ",\n\n-- The raw value of each property read, as text (JSON null: NULL).\n"
                         "extracted AS (\n    SELECT\n        *");
        for (size_t i = 0; i < g->plan->nprops; i++) {
            const sig_plan_prop *ps = g->plan->props[i];
            if (!ps->needs_raw) continue;
            sig_buf_printf(b, ",\n        -- %s\n        %s AS %s",
                           dbt_comment_text(g, ps->prop->text ? ps->prop->text : "?"),
                           raw_expr(g, ps->prop), dbt_qis(g, ps->base, "raw"));
        }
        sig_buf_puts(b, "\n    FROM view_events\n)");
        from = "extracted";
    }
    if (num) {
        sig_buf_puts(b, ",\n\n-- The raw values that are numbers, as numbers (other text: NULL).\n"
                         "numbers AS (\n    SELECT\n        *");
        for (size_t i = 0; i < g->plan->nprops; i++) {
            const sig_plan_prop *ps = g->plan->props[i];
            if (!ps->needs_number) continue;
            const char *r = dbt_qis(g, ps->base, "raw");
            sig_buf_printf(b, ",\n        CASE WHEN %s THEN %s END AS %s",
                           T(g, d->regex_match, 2, r, dbt_sql_str(g, NUMBER_PATTERN)),
                           T(g, d->try_cast, 2, T(g, d->trim, 1, r), d->type_name[SIG_DOUBLE]),
                           dbt_qis(g, ps->base, "number"));
        }
        sig_buf_printf(b, "\n    FROM %s\n)", from);
        from = "numbers";
    }
    return from;
}

void dbt_emit_events(gen *g, sig_output *out)
{
    const sig_dbt_dialect *d = g->d;
    sig_buf b = {.arena = g->a};
    const char *name = dbt_model_name(g, "events");
    dbt_put_config(g, &b, d->append_strategy, NULL, d->events_config);
    dbt_put_header(g, &b, name,
               "the view's events, one row per event_id, with every property value its "
               "attributes read.");
    const char *start = T(g, d->timestamp_literal, 1,
                          g->plain ? "'" PLAIN_START_DATE "'" : "'{{ var(\"snowplow__start_date\") }}'");
    sig_buf_printf(&b,
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
    dbt_put_inc(g, &b, INC_IF);
    sig_buf_printf(&b,
                   "\n"
                   "      AND load_tstamp >= (\n"
                   "          SELECT coalesce(max(load_tstamp), %s)\n"
                   "          FROM {{ this }}\n"
                   "      )\n",
                   start);
    dbt_put_inc(g, &b, INC_ENDIF);
    sig_buf_puts(&b, "\n),\n\n");
    sig_buf_puts(&b,
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
    sig_buf_puts(&b,
                 "-- The view's event types, with an entity value and a derived_tstamp. An\n"
                 "-- event_id already stored is never replaced.\n"
                 "view_events AS (\n"
                 "    SELECT\n"
                 "        *\n"
                 "    FROM deduplicated e\n"
                 "    WHERE (\n");
    for (size_t i = 0; i < g->plan->nevents; i++)
        sig_buf_printf(&b, "        %s(%s)\n", i ? "OR " : "   ", dbt_event_cond(g, g->plan->events[i]));
    sig_buf_printf(&b,
                   "    )\n"
                   "      AND %s IS NOT NULL\n",
                   entity_expr(g));
    dbt_put_inc(g, &b, INC_IF);
    sig_buf_puts(&b,
                 "\n"
                 "      AND NOT EXISTS (\n"
                 "          SELECT 1\n"
                 "          FROM {{ this }} stored\n"
                 "          WHERE stored.event_id = e.event_id\n"
                 "      )\n");
    dbt_put_inc(g, &b, INC_ENDIF);
    sig_buf_puts(&b, "\n)");
    const char *from = put_extract(g, &b);
    sig_buf_printf(&b,
                   "\n\nSELECT\n"
                   "    event_id,\n"
                   "    event_vendor,\n"
                   "    event_name,\n"
                   "    event_version,\n"
                   "    %s%s%s,\n"
                   "    derived_tstamp,\n"
                   "    -- the event day: the UTC date of derived_tstamp (%s when it is NULL)\n"
                   "    coalesce(%s, %s) AS event_day,\n"
                   "    load_tstamp,\n"
                   "    -- the run that stored the event (the daily models recompute its days)\n"
                   "    %s AS loaded_at",
                   entity_expr(g), strcmp(entity_expr(g), g->qentity) ? " AS " : "",
                   strcmp(entity_expr(g), g->qentity) ? g->qentity : "", NO_DAY,
                   T(g, d->date_of, 1, "derived_tstamp"), no_day(g), g->run_ts);
    for (size_t i = 0; i < g->plan->ncolumns; i++) {
        const sig_plan_column *c = g->plan->columns[i];
        const sig_property *p = c->prop->prop;
        sig_buf_printf(&b, ",\n    -- %s %s\n    %s AS %s",
                       dbt_comment_text(g, p->text ? p->text : "?"), sig_plan_conv_words(c->conv),
                       col_expr(g, c), dbt_qi(g, c->name));
    }
    sig_buf_printf(&b, "\nFROM %s\n", from);
    dbt_finish_model(g, out, "events", name, &b);
}
