/* dialect.h: everything the dbt backend's SQL depends on per warehouse.
 *
 * The generator never tests which target it writes for: every difference
 * between warehouses is a member of one sig_dbt_dialect. dialect.c writes
 * the shared defaults once and, per warehouse, only the members that differ
 * (as PRQL's dialect handler does); adding a target is one entry of
 * overrides and its tests.
 *
 * Templates are plain text with positional holes {0} .. {9}, expanded by
 * sig_dbt_tpl(). They are not printf formats: the generator's own code never
 * passes non-literal strings to printf. */
#ifndef SIGNALS_DBT_DIALECT_H
#define SIGNALS_DBT_DIALECT_H

#include <stdbool.h>

#include "signals/model.h"
#include "signals/output.h"
#include "sqlx.h"

typedef struct sig_dbt_dialect {
    const char *target;          /* "duckdb": the --target name */
    const char *adapter;         /* dbt adapter type, for profiles.yml */

    /* ---- identifiers and literals */
    const char *quote_open, *quote_close;  /* "\"" "\"" (BigQuery: backticks) */
    /* words quoted as identifiers (sorted in strcmp order, lower case) */
    const char *const *reserved;
    size_t nreserved;
    /* true: backslash is an escape character in string literals
     * (BigQuery, MySQL-likes), so it is doubled too. */
    bool backslash_escapes;
    /* A control character (U+0001..U+001F, U+007F) of a string literal, or
     * U+0085, U+2028, U+2029, U+FEFF, which must not reach the SQL text raw:
     * dbt's Jinja turns CR into LF, tools read the others as line breaks
     * or strip them. Either written inside the literal
     * (char_escape, {0} = 4 hex digits, after a backslash-u; such dialects
     * also read the escapes backslash-n, -r and -t) or as an expression
     * joined to the literal's pieces with || (char_expr, {0} = the decimal
     * code: "chr({0})"). */
    const char *char_escape, *char_expr;
    /* longest identifier the warehouse keeps (bytes); 0: long enough for
     * every name the language allows (E0914 otherwise) */
    size_t max_identifier;

    /* ---- types: SQL type name per Field scalar; list type of an element
     * (values are cast to the string type to read them as text) */
    const char *type_name[8];    /* indexed by sig_scalar */
    const char *list_type;       /* {0} = element type */

    /* ---- property access (self-describing columns)
     * Either the dialect reads a JSONPath literal (json_path_literal: true):
     *   fn[SQLX_FN_JSON_TEXT]: {0} column, {1} the '$...' JSONPath literal,
     *   prefixed inside the literal with json_path_prefix (e.g. "strict ");
     * or it walks the path with expressions, step by step from the column:
     *   fn[SQLX_FN_PATH_INDEX]: {0} expression so far, {1} 0-based index
     *   fn[SQLX_FN_PATH_FIELD]: {0} expression so far, {1} field name (an
     *     identifier, quoted with field_quote_open/close when not a plain
     *     name); fn[SQLX_FN_PATH_FIRST_FIELD] the same for the first field
     *     step (Snowflake writes col[0]:field.a)
     *   snake_case_fields: field names are written as the loader names
     *     struct fields (camelCase -> snake_case: BigQuery, Databricks)
     *   fn[SQLX_FN_JSON_TEXT]: {0} the walked expression.
     * Either way JSON_TEXT gives the value as text: JSON null and missing
     * keys NULL. */
    bool json_path_literal;
    const char *json_path_prefix;
    const char *field_quote_open, *field_quote_close;
    bool snake_case_fields;

    /* ---- functions (sqlx.h): a template per function, {0}.. its arguments.
     * Beyond what sqlx.h says:
     *   TEXT_TO_TIMESTAMP: {0} ISO 8601 text, with or without offset, to a
     *     UTC timestamp without time zone; NULL when it does not convert.
     *   FIRST_ORDERED: the value {0} of the first row ordered by {1} (an
     *     ORDER BY list) among rows where {2} holds (an aggregate); NULL when
     *     no row. {3} is the SQL type of {0}; {4} the ordering keys alone,
     *     comma-separated, whose ascending order with NULLs smallest is {1}
     *     (for min_by-style dialects). LAST_ORDERED: the same where {1} is
     *     already descending; {4} the ascending keys.
     *   LIST_AGG_ORDERED: list of {0} ordered by {1} (an aggregate); NULL
     *     when no row. {2}: the ordering keys alone (ascending, NULLs first).
     *   CURRENT_UTC_TIMESTAMP: now, UTC, without time zone. */
    const char *fn[SQLX_FN__COUNT];

    /* ---- dbt */
    const char *upsert_strategy; /* incremental_strategy with a unique key */
    const char *append_strategy; /* incremental_strategy, insert only */
    /* true: the upsert strategy is a MERGE, which needs a key unique per
     * row (P_daily_values then gets a value_key column in its key) */
    bool upsert_needs_row_key;
    /* extra config() arguments, each line "        name=value,\n":
     * every model (model_config), P_events (events_config; {0} = the
     * entity column as a Jinja string) and the daily models (daily_config) */
    const char *model_config, *events_config, *daily_config;
    /* profiles.yml's target block, indented 4 spaces; {0} = target name.
     * NULL: no profiles.yml is generated; profile_example (same form) is
     * shown in the project's README for users to write their own. */
    const char *profile_output;
    const char *profile_example;
    const char *profile_doc;     /* README text on the connection (markdown) */
} sig_dbt_dialect;

/* The dialect of `target`, or NULL. */
const sig_dbt_dialect *sig_dbt_dialect_find(const char *target);

/* The backend's targets, NULL-terminated (the dialects that are filled). */
extern const char *const sig_dbt_targets[];

/* Appends `tpl` to `b` with {0}..{9} replaced by args[i] (n of them). */
void sig_dbt_tpl(sig_buf *b, const char *tpl, int n, const char *const *args);

#endif
