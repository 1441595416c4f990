/* sqlgen.h: the SQL the dbt backend builds, for other backends.
 *
 * The backend lowers each offline view into four SELECTs (P_events, P_daily,
 * P_daily_values, P_attributes; docs/language.md section 9). The dbt backend
 * writes them as incremental dbt models; sig_sqlgen_plain() gives the same
 * SELECTs as plain SQL of a full recompute (no Jinja: every model reads the
 * previous ones by name, `today` is the current UTC date), which the DDL
 * backend (backends/ddl) wraps in CREATE statements. One generator, so every
 * backend computes the same. */
#ifndef SIGNALS_DBT_SQLGEN_H
#define SIGNALS_DBT_SQLGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "dialect.h"
#include "signals/signals.h"

typedef struct sig_sqlgen_column {
    const char *name;      /* quoted as needed */
    const char *type;      /* SQL type */
    const char *comment;   /* description (plain text, one paragraph or more) */
} sig_sqlgen_column;

typedef struct sig_sqlgen_model {
    const sig_view *view;
    const char *kind;      /* "events", "daily", "daily_values", "attributes" */
    const char *name;      /* table name, quoted as needed */
    const char *sql;       /* the SELECT (plain SQL, comments included) */
    /* attributes only: the table's columns (entity, attributes, updated_at)
     * and a description of the table */
    const sig_sqlgen_column *columns;
    size_t ncolumns;
    const char *comment;
} sig_sqlgen_model;

typedef void sig_sqlgen_sink(void *ud, const sig_sqlgen_model *m);

/* Generates every offline view with attributes for dialect `d` as plain SQL,
 * calling `sink` once per model in dependency order. `backend` names the
 * backend in diagnostics. Returns false after queuing errors (E0910, E0911,
 * E0912, E0913). `events_table` is the qualified atomic events table. */
bool sig_sqlgen_plain(sig_ctx *ctx, const sig_model *model, const sig_dbt_dialect *d,
                      const char *events_table, sig_sqlgen_sink *sink, void *ud);

/* Helpers with the generator's own rules. */
const char *sig_sqlgen_ident(sig_arena *a, const sig_dbt_dialect *d, const char *name);
const char *sig_sqlgen_string(sig_arena *a, const sig_dbt_dialect *d, const char *s);
const char *sig_sqlgen_type(sig_arena *a, const sig_dbt_dialect *d, sig_type t);

#endif
