/* ddl.c: the DDL backend. One SQL script a Snowflake user runs as is:
 *
 *   CREATE SCHEMA IF NOT EXISTS signals; USE SCHEMA signals;
 *   per external batch view (source + fields): its source table's DDL;
 *   per offline view with attributes (P = <view>_v<N>):
 *     CREATE OR REPLACE TEMPORARY TABLE P_events / P_daily / P_daily_values
 *       AS SELECT ...   (the session's working tables)
 *     CREATE OR REPLACE TABLE P_attributes (typed columns, COMMENTs)
 *     INSERT INTO P_attributes SELECT ...
 *
 * A full recompute from atomic.events on every run. The SELECTs are the dbt
 * backend's (backends/dbt/sqlgen.h), so both compute the same; today is the
 * current UTC date. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "dbt/dialect.h"
#include "dbt/sqlgen.h"
#include "signals/signals.h"

static const char *const ddl_targets[] = {"snowflake", NULL};

#define SCHEMA "signals"
#define EVENTS_TABLE "atomic.events"

typedef struct ddl_state {
    sig_arena *a;
    const sig_dbt_dialect *d;
    sig_buf *b;
} ddl_state;

static const char *str(ddl_state *st, const char *s)
{
    return sig_sqlgen_string(st->a, st->d, s);
}

static void sink(void *ud, const sig_sqlgen_model *m)
{
    ddl_state *st = ud;
    sig_buf *b = st->b;
    if (strcmp(m->kind, "attributes") != 0) {
        sig_buf_printf(b, "\nCREATE OR REPLACE TEMPORARY TABLE %s AS\n%s;\n", m->name, m->sql);
        return;
    }
    sig_buf_printf(b, "\n-- The attributes table of view `%s` v%d.\nCREATE OR REPLACE TABLE %s (\n",
                   m->view->name, m->view->version, m->name);
    for (size_t i = 0; i < m->ncolumns; i++)
        sig_buf_printf(b, "    %s %s COMMENT %s%s\n", m->columns[i].name, m->columns[i].type,
                       str(st, m->columns[i].comment), i + 1 < m->ncolumns ? "," : "");
    sig_buf_printf(b, ")\nCOMMENT = %s;\n", str(st, m->comment));
    sig_buf_printf(b, "\nINSERT INTO %s (", m->name);
    for (size_t i = 0; i < m->ncolumns; i++)
        sig_buf_printf(b, "%s%s", i ? ", " : "", m->columns[i].name);
    sig_buf_printf(b, ")\n%s;\n", m->sql);
}

/* A name as written in the spec (database, schema, table, column). */
static const char *ident(ddl_state *st, const char *s)
{
    return sig_sqlgen_ident(st->a, st->d, s);
}

static void batch_source_ddl(ddl_state *st, const sig_view *v)
{
    const sig_batch_source *s = v->source;
    sig_buf *b = st->b;
    const char *qual = sig_arena_printf(st->a, "%s.%s", ident(st, s->database), ident(st, s->schema));
    sig_buf_printf(b, "\n-- The source table of external batch view `%s` v%d (batch source `%s`).\n",
                   v->name, v->version, s->name);
    sig_buf_printf(b, "CREATE SCHEMA IF NOT EXISTS %s;\n", qual);
    sig_buf_printf(b, "CREATE TABLE IF NOT EXISTS %s.%s (\n", qual, ident(st, s->table));
    bool first = true;
    for (size_t i = 0; i < v->nfields; i++) {
        const sig_field *f = &v->fields[i];
        sig_buf_printf(b, "%s    %s %s", first ? "" : ",\n", ident(st, f->name),
                       sig_sqlgen_type(st->a, st->d, f->type));
        if (f->description) sig_buf_printf(b, " COMMENT %s", str(st, f->description));
        first = false;
    }
    const char *ts_cols[2] = {s->timestamp_field, s->created_timestamp_column};
    const char *ts_what[2] = {"Event time of the row (timestamp_field).",
                              "When the row was created (created_timestamp_column)."};
    for (int k = 0; k < 2; k++) {
        if (!ts_cols[k]) continue;
        bool dup = false;
        for (size_t i = 0; i < v->nfields; i++) dup |= strcmp(v->fields[i].name, ts_cols[k]) == 0;
        if (k == 1 && strcmp(ts_cols[1], ts_cols[0]) == 0) dup = true;
        if (dup) continue;
        sig_buf_printf(b, "%s    %s %s COMMENT %s", first ? "" : ",\n", ident(st, ts_cols[k]),
                       st->d->type_name[SIG_UNIX_TIMESTAMP], str(st, ts_what[k]));
        first = false;
    }
    if (s->date_partition_column) {
        bool dup = false;
        for (size_t i = 0; i < v->nfields; i++)
            dup |= strcmp(v->fields[i].name, s->date_partition_column) == 0;
        if (!dup) {
            sig_buf_printf(b, "%s    %s DATE COMMENT %s", first ? "" : ",\n",
                           ident(st, s->date_partition_column),
                           str(st, "Date partition of the row (date_partition_column)."));
        }
    }
    const char *desc = v->description ? v->description : s->description;
    sig_buf_printf(b, "\n)");
    if (desc) sig_buf_printf(b, "\nCOMMENT = %s", str(st, desc));
    if (s->date_partition_column)
        sig_buf_printf(b, "\nCLUSTER BY (%s)", ident(st, s->date_partition_column));
    sig_buf_puts(b, ";\n");
}

static bool ddl_emit(sig_ctx *ctx, const sig_model *model, const char *target,
                     const sig_compile_options *opts, sig_output *out)
{
    (void)opts;
    const sig_dbt_dialect *d = sig_dbt_dialect_find(target);
    if (!d) {
        sig_error(ctx, SIG_NOLOC, "E0902", "the ddl backend has no target `%s`", target);
        return false;
    }
    sig_buf b = {.arena = sig_ctx_arena(ctx)};
    ddl_state st = {sig_ctx_arena(ctx), d, &b};
    sig_buf_puts(&b,
                 "-- Generated by signalsc " SIGNALS_VERSION ". Do not edit: recompile the spec.\n"
                 "--\n"
                 "-- Computes the attributes of the spec's offline views in Snowflake, from the\n"
                 "-- Snowplow events in " EVENTS_TABLE " (loaded since 2020-01-01), as a full\n"
                 "-- recompute: run the whole script, in one session, whenever the attributes\n"
                 "-- should be refreshed. Windows end today, the current UTC date. The\n"
                 "-- attributes tables are written to schema " SCHEMA " of the current database;\n"
                 "-- the intermediate tables are temporary.\n"
                 "\n"
                 "CREATE SCHEMA IF NOT EXISTS " SCHEMA ";\n"
                 "USE SCHEMA " SCHEMA ";\n");
    size_t computed = 0, external = 0;
    for (size_t i = 0; i < model->nviews; i++) {
        const sig_view *v = model->views[i];
        if (v->source && v->nfields) {
            batch_source_ddl(&st, v);
            external++;
        }
        if (v->offline && v->nattributes) computed++;
    }
    /* a spec of external batch views only is DDL alone */
    if ((computed || !external) && !sig_sqlgen_plain(ctx, model, d, EVENTS_TABLE, sink, &st))
        return false;
    sig_output_add_buf(out, "signals.sql", &b);
    return true;
}

const sig_backend sig_backend_ddl = {
    .name = "ddl",
    .summary = "one SQL script creating and computing the attributes tables (Snowflake)",
    .targets = ddl_targets,
    .single_file = true,
    .emit = ddl_emit,
};
