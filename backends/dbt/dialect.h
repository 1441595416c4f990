/* dialect.h: everything the dbt backend's SQL depends on per warehouse.
 *
 * The generator (dbt.c) never tests which target it writes for: every
 * difference between warehouses is a field of one sig_dbt_dialect, as PRQL
 * keeps its dialect capabilities in one place. Adding a target (issue #3:
 * snowflake, bigquery, databricks, postgres) means adding one entry to the
 * table in dialect.c and running its tests.
 *
 * Templates are plain text with positional holes {0} .. {9}, expanded by
 * sig_dbt_tpl(). They are not printf formats: the generator's own code never
 * passes non-literal strings to printf. */
#ifndef SIGNALS_DBT_DIALECT_H
#define SIGNALS_DBT_DIALECT_H

#include <stdbool.h>

#include "signals/model.h"
#include "signals/output.h"

typedef struct sig_dbt_dialect {
    const char *target;          /* "duckdb": the --target name */
    const char *adapter;         /* dbt adapter type, for profiles.yml */

    /* ---- identifiers and literals */
    const char *quote_open, *quote_close;  /* "\"" "\"" (BigQuery: backticks) */
    /* true: backslash is an escape character in string literals
     * (BigQuery, MySQL-likes), so it is doubled too. */
    bool backslash_escapes;

    /* ---- types: SQL type name per Field scalar; list type of an element */
    const char *type_name[8];    /* indexed by sig_scalar */
    const char *list_type;       /* {0} = element type */

    /* ---- expressions */
    /* text of the JSON value at JSONPath {1} ('...' literal) of column {0};
     * JSON null and missing keys give NULL; objects/arrays their JSON text */
    const char *json_text;
    const char *cast;            /* {0} expression, {1} type */
    const char *try_cast;        /* NULL when the value does not convert */
    const char *to_text;         /* {0} as the warehouse's string type */
    const char *lower;           /* lower-case a string */
    const char *trim;            /* strip surrounding blanks */
    const char *regex_match;     /* does text {0} match regex literal {1} (RE2/POSIX) */
    /* text {0} (ISO 8601, with or without offset) to a UTC timestamp without
     * time zone; NULL when it does not convert */
    const char *text_to_timestamp;
    const char *floor;
    const char *date_of;         /* UTC date of timestamp {0} */
    const char *date_minus_days; /* date {0} minus integer {1} days */
    const char *current_utc_date;
    const char *date_literal;    /* {0} is a quoted 'YYYY-MM-DD' string */
    const char *timestamp_literal; /* {0} is a quoted timestamp string */
    /* the value {0} of the first row ordered by {1} among rows where {2}
     * holds (an aggregate); NULL when no row */
    const char *first_ordered;
    /* list of {0} ordered by {1} (an aggregate); NULL when no row */
    const char *list_agg_ordered;
    const char *list_literal;    /* {0} = items joined by ", " */
    const char *empty_list;      /* {0} = list type */
    const char *distinct_from;   /* null-safe "differs": {0} vs {1} */

    /* ---- dbt */
    const char *upsert_strategy; /* incremental_strategy with a unique key */
    const char *append_strategy; /* incremental_strategy, insert only */
    /* profiles.yml's target block, indented 4 spaces; {0} = target name */
    const char *profile_output;
} sig_dbt_dialect;

/* The dialect of `target`, or NULL. */
const sig_dbt_dialect *sig_dbt_dialect_find(const char *target);

/* The backend's targets, NULL-terminated (the dialects that are filled). */
extern const char *const sig_dbt_targets[];

/* Appends `tpl` to `b` with {0}..{9} replaced by args[i] (n of them). */
void sig_dbt_tpl(sig_buf *b, const char *tpl, int n, const char *const *args);

#endif
