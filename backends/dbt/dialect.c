/* dialect.c: the warehouse dialects of the dbt backend, as overrides.
 *
 * DEFAULTS is what the dialects share: standard SQL where there is one,
 * else what most of the five write. Each dialect starts from it and writes
 * only what differs (a later designated initializer overrides an earlier
 * one for the same member: C11 6.7.9p19), as PRQL's dialect handler keeps
 * the defaults and lets each dialect override them. A member without a
 * default (NULL in DEFAULTS: the JSON access, regex match, timestamp
 * parsing, today, first/last ordered, the empty list) has no common form and
 * every dialect sets it; the unit tests check that none is left unset.
 *
 * Known differences between the warehouses: shared/reference/batch-engine.md
 * section 9 (JSON access, list aggregation, date arithmetic, current UTC
 * date, merge strategies). */
#include <string.h>

#include "dialect.h"

/* A text holding an ISO 8601 timestamp, for dialects without a cast that
 * gives NULL on bad input (POSIX regex; no `{n}` counts, which would read as
 * template holes). */
#define ISO_DATE "[0-9][0-9][0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
#define ISO_TIME "[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?"
#define ISO_OFFSET "([Zz]|[-+][0-9][0-9](:?[0-9][0-9])?)"

/* Words reserved by DuckDB, PostgreSQL, Snowflake, BigQuery or Databricks:
 * the union, the shared default, so that a name is quoted the same way on
 * every target (a model's SQL and its schema.yml stay alike across
 * warehouses). Sorted in strcmp order: the quoting binary-searches it. */
static const char *const reserved_union[] = {
    "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "at", "between", "both", "by", "case", "cast", "check",
    "collate", "column", "connect", "constraint", "create", "cross", "current",
    "current_date", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "delete", "desc", "describe", "distinct", "do",
    "drop", "else", "end", "except", "exists", "extract", "false", "fetch",
    "following", "for", "foreign", "from", "full", "grant", "group", "having",
    "if", "ilike", "in", "increment", "initially", "inner", "insert",
    "intersect", "interval", "into", "is", "join", "lambda", "lateral",
    "leading", "left", "like", "limit", "localtime", "localtimestamp",
    "minus", "natural", "not", "null", "of", "offset", "on", "only", "or",
    "order", "outer", "over", "partition", "pivot", "pivot_longer",
    "pivot_wider", "placing", "primary", "qualify", "range", "references",
    "regexp", "returning", "revoke", "right", "rlike", "row", "rows", "sample",
    "select", "session_user", "set", "show", "some", "start", "summarize",
    "symmetric", "table", "tablesample", "then", "to", "trailing", "trigger",
    "true", "union", "unique", "unpivot", "update", "user", "using", "values",
    "variadic", "when", "whenever", "where", "window", "with",
};

#define DEFAULTS                                                                 \
    .quote_open = "\"", .quote_close = "\"",                                     \
    .reserved = reserved_union,                                                  \
    .nreserved = sizeof reserved_union / sizeof reserved_union[0],               \
    /* standard strings have no escapes: chr() joined with || */                 \
    .backslash_escapes = false, .char_expr = "chr({0})",                         \
    .type_name = {                                                               \
        [SIG_BYTES] = "VARCHAR", [SIG_STRING] = "VARCHAR",                       \
        [SIG_INT32] = "INTEGER", [SIG_INT64] = "BIGINT",                         \
        [SIG_DOUBLE] = "DOUBLE", [SIG_FLOAT] = "REAL",                           \
        [SIG_BOOL] = "BOOLEAN", [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",              \
    },                                                                           \
    .list_type = "{0}[]",                                                        \
    .json_path_literal = true,                                                   \
    .field_quote_open = "\"", .field_quote_close = "\"",                         \
    .fn = {                                                                      \
        [SQLX_FN_CAST] = "CAST({0} AS {1})",                                     \
        [SQLX_FN_TRY_CAST] = "TRY_CAST({0} AS {1})",                             \
        [SQLX_FN_LOWER] = "lower({0})",                                          \
        [SQLX_FN_TRIM] = "trim({0})",                                            \
        [SQLX_FN_FLOOR] = "floor({0})",                                          \
        [SQLX_FN_MIN] = "min({0})",                                              \
        [SQLX_FN_MAX] = "max({0})",                                              \
        [SQLX_FN_BOOL_MIN] = "min({0})",                                         \
        [SQLX_FN_BOOL_MAX] = "max({0})",                                         \
        /* named, as DuckDB and Snowflake have no default escape character */   \
        [SQLX_FN_LIKE] = "{0} LIKE {1} ESCAPE {2}",                              \
        [SQLX_FN_PATH_INDEX] = "{0}[{1}]",                                       \
        [SQLX_FN_PATH_FIELD] = "{0}.{1}",                                        \
        [SQLX_FN_PATH_FIRST_FIELD] = "{0}.{1}",                                  \
        [SQLX_FN_DATE_OF] = "CAST({0} AS DATE)",                                 \
        [SQLX_FN_DATE_MINUS_DAYS] = "{0} - {1}",                                 \
        [SQLX_FN_DATE_LITERAL] = "CAST({0} AS DATE)",                            \
        [SQLX_FN_TIMESTAMP_LITERAL] = "CAST({0} AS TIMESTAMP)",                  \
        [SQLX_FN_LIST_AGG_ORDERED] = "array_agg({0} ORDER BY {1})",              \
        [SQLX_FN_LIST_LITERAL] = "[{0}]",                                        \
        [SQLX_FN_DISTINCT_FROM] = "{0} IS DISTINCT FROM {1}",                    \
    },                                                                           \
    .upsert_strategy = "delete+insert", .append_strategy = "append"

/* Each entry overrides members of DEFAULTS, which GCC and Clang warn about
 * (-Woverride-init, -Winitializer-overrides): here it is the point. */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

static const sig_dbt_dialect dialects[] = {
    {
        DEFAULTS,
        .target = "duckdb",
        .adapter = "duckdb",
        /* JSON columns (typed JSON), JSONPath */
        .fn[SQLX_FN_JSON_TEXT] = "json_extract_string({0}, {1})",
        .fn[SQLX_FN_REGEX_MATCH] = "regexp_matches({0}, {1})",
        .fn[SQLX_FN_TEXT_TO_TIMESTAMP] = "timezone('UTC', TRY_CAST({0} AS TIMESTAMPTZ))",
        .fn[SQLX_FN_CURRENT_UTC_DATE] = "CAST(timezone('UTC', current_timestamp) AS DATE)",
        .fn[SQLX_FN_CURRENT_UTC_TIMESTAMP] = "CAST(timezone('UTC', current_timestamp) AS TIMESTAMP)",
        .fn[SQLX_FN_FIRST_ORDERED] = "first({0} ORDER BY {1}) FILTER (WHERE {2})",
        .fn[SQLX_FN_LAST_ORDERED] = "first({0} ORDER BY {1}) FILTER (WHERE {2})",
        .fn[SQLX_FN_LIST_AGG_ORDERED] = "list({0} ORDER BY {1})",
        .fn[SQLX_FN_EMPTY_LIST] = "CAST([] AS {0})",
        .profile_output =
            "    {0}:\n"
            "      type: duckdb\n"
            "      path: \"{{ env_var('SIGNALS_DUCKDB_PATH', 'signals.duckdb') }}\"\n"
            "      schema: main\n"
            "      threads: 1\n"
            "      settings:\n"
            "        TimeZone: UTC\n",
        .profile_doc =
            "The `duckdb` target of `profiles.yml` uses the DuckDB file named by\n"
            "`SIGNALS_DUCKDB_PATH` (default `signals.duckdb`); models are written to its\n"
            "`main` schema. The events table has Snowflake-style JSON columns\n"
            "(`unstruct_event_<vendor>_<name>_<major>`, `contexts_<vendor>_<name>_<major>`).\n",
    },
    {
        DEFAULTS,
        .target = "postgres",
        .adapter = "postgres",
        .max_identifier = 63, /* NAMEDATALEN - 1 */
        .type_name[SIG_BYTES] = "TEXT",
        .type_name[SIG_STRING] = "TEXT",
        .type_name[SIG_DOUBLE] = "DOUBLE PRECISION",
        /* jsonb columns; a strict JSONPath (no lax unwrapping of arrays),
         * errors silenced: a missing key or a step into a scalar is NULL */
        .json_path_prefix = "strict ",
        .fn[SQLX_FN_JSON_TEXT] = "jsonb_path_query_first({0}, CAST({1} AS jsonpath), '{}', TRUE) #>> '{}'",
        /* PostgreSQL has no TRY_CAST: the generator only uses it on input
         * already checked (numbers matched by a pattern, integral doubles
         * in range, integer columns) */
        .fn[SQLX_FN_TRY_CAST] = "CAST({0} AS {1})",
        .fn[SQLX_FN_TRIM] = "btrim({0})",
        .fn[SQLX_FN_REGEX_MATCH] = "({0} ~ {1})",
        .fn[SQLX_FN_TEXT_TO_TIMESTAMP] =
            "CASE WHEN {0} ~ '^\\s*" ISO_DATE "(" ISO_TIME ")?\\s*$' "
            "THEN CAST(btrim({0}) AS TIMESTAMP) "
            "WHEN {0} ~ '^\\s*" ISO_DATE ISO_TIME "\\s*" ISO_OFFSET "\\s*$' "
            "THEN CAST(btrim({0}) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END",
        .fn[SQLX_FN_CURRENT_UTC_DATE] = "CAST(timezone('UTC', now()) AS DATE)",
        .fn[SQLX_FN_CURRENT_UTC_TIMESTAMP] = "timezone('UTC', now())",
        .fn[SQLX_FN_FIRST_ORDERED] = "(array_agg({0} ORDER BY {1}) FILTER (WHERE {2}))[1]",
        .fn[SQLX_FN_LAST_ORDERED] = "(array_agg({0} ORDER BY {1}) FILTER (WHERE {2}))[1]",
        .fn[SQLX_FN_LIST_LITERAL] = "ARRAY[{0}]",
        .fn[SQLX_FN_EMPTY_LIST] = "CAST(ARRAY[] AS {0})",
        .fn[SQLX_FN_BOOL_MIN] = "bool_and({0})",
        .fn[SQLX_FN_BOOL_MAX] = "bool_or({0})",
        .profile_output =
            "    {0}:\n"
            "      type: postgres\n"
            "      host: \"{{ env_var('SIGNALS_PG_HOST', 'localhost') }}\"\n"
            "      port: \"{{ env_var('SIGNALS_PG_PORT', '5432') | int }}\"\n"
            "      user: \"{{ env_var('SIGNALS_PG_USER', 'postgres') }}\"\n"
            "      password: \"{{ env_var('SIGNALS_PG_PASSWORD', '') }}\"\n"
            "      dbname: \"{{ env_var('SIGNALS_PG_DBNAME', 'postgres') }}\"\n"
            "      schema: \"{{ env_var('SIGNALS_PG_SCHEMA', 'signals') }}\"\n"
            "      threads: 4\n",
        .profile_doc =
            "The `postgres` target of `profiles.yml` reads its connection from the\n"
            "environment: `SIGNALS_PG_HOST` (default `localhost`), `SIGNALS_PG_PORT`\n"
            "(`5432`), `SIGNALS_PG_USER` (`postgres`), `SIGNALS_PG_PASSWORD` (empty),\n"
            "`SIGNALS_PG_DBNAME` (`postgres`) and `SIGNALS_PG_SCHEMA` (`signals`, where the\n"
            "models are written). The events table has Snowflake-style columns, the\n"
            "self-describing ones as `jsonb` (`unstruct_event_<vendor>_<name>_<major>`:\n"
            "an object, `contexts_<vendor>_<name>_<major>`: an array of objects).\n",
    },
    {
        DEFAULTS,
        .target = "snowflake",
        .adapter = "snowflake",
        .backslash_escapes = true,
        /* the \uhhhh escape of '...' literals (docs.snowflake.com/en/sql-reference/data-types-text,
         * "Escape sequences in single-quoted string constants") */
        .char_escape = "\\u{0}",
        .type_name[SIG_FLOAT] = "FLOAT",
        .type_name[SIG_UNIX_TIMESTAMP] = "TIMESTAMP_NTZ",
        .list_type = "ARRAY",
        /* Snowplow's Snowflake loader: one VARIANT column per major version,
         * unstruct_event_*_1 an object, contexts_*_1 an array: col[0]:field */
        .json_path_literal = false,
        .fn[SQLX_FN_PATH_FIRST_FIELD] = "{0}:{1}",
        /* JSON null is NULL (IS_NULL_VALUE is NULL for SQL NULL: the CAST) */
        .fn[SQLX_FN_JSON_TEXT] = "IFF(IS_NULL_VALUE({0}), NULL, CAST({0} AS VARCHAR))",
        /* Snowflake's TRY_CAST takes text only: the generator's other uses
         * are on checked input, as for PostgreSQL */
        .fn[SQLX_FN_TRY_CAST] = "CAST({0} AS {1})",
        .fn[SQLX_FN_REGEX_MATCH] = "REGEXP_LIKE({0}, {1})",
        .fn[SQLX_FN_TEXT_TO_TIMESTAMP] =
            "CAST(CONVERT_TIMEZONE('UTC', TRY_TO_TIMESTAMP_TZ(CASE WHEN REGEXP_LIKE({0}, "
            "'.*(Z|z|[-+][0-9][0-9](:?[0-9][0-9])?)\\\\s*') THEN trim({0}) ELSE trim({0}) || 'Z' END)) "
            "AS TIMESTAMP_NTZ)",
        .fn[SQLX_FN_DATE_MINUS_DAYS] = "DATEADD(day, -{1}, {0})",
        .fn[SQLX_FN_CURRENT_UTC_DATE] = "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS DATE)",
        .fn[SQLX_FN_CURRENT_UTC_TIMESTAMP] = "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS TIMESTAMP_NTZ)",
        .fn[SQLX_FN_TIMESTAMP_LITERAL] = "CAST({0} AS TIMESTAMP_NTZ)",
        /* rows where {2} holds sort first, so element 0 is the value
         * (whether or not ARRAY_AGG drops the NULLs of the other rows) */
        .fn[SQLX_FN_FIRST_ORDERED] =
            "CAST((ARRAY_AGG(CASE WHEN {2} THEN {0} END) WITHIN GROUP "
            "(ORDER BY CASE WHEN {2} THEN 0 ELSE 1 END, {1}))[0] AS {3})",
        .fn[SQLX_FN_LAST_ORDERED] =
            "CAST((ARRAY_AGG(CASE WHEN {2} THEN {0} END) WITHIN GROUP "
            "(ORDER BY CASE WHEN {2} THEN 0 ELSE 1 END, {1}))[0] AS {3})",
        .fn[SQLX_FN_LIST_AGG_ORDERED] = "ARRAY_AGG({0}) WITHIN GROUP (ORDER BY {1})",
        .fn[SQLX_FN_LIST_LITERAL] = "ARRAY_CONSTRUCT({0})",
        .fn[SQLX_FN_EMPTY_LIST] = "ARRAY_CONSTRUCT()",
        .daily_config = "        cluster_by=['event_day'],\n",
        .profile_example =
            "    {0}:\n"
            "      type: snowflake\n"
            "      account: \"{{ env_var('SNOWFLAKE_ACCOUNT') }}\"\n"
            "      user: \"{{ env_var('SNOWFLAKE_USER') }}\"\n"
            "      password: \"{{ env_var('SNOWFLAKE_PASSWORD') }}\"\n"
            "      role: TRANSFORMER\n"
            "      warehouse: TRANSFORMING\n"
            "      database: ANALYTICS          # where the models are written\n"
            "      schema: SIGNALS\n"
            "      threads: 4\n",
        .profile_doc =
            "Write a `signals` profile (below; any authentication dbt-snowflake supports).\n"
            "The events are read from `snowplow__database`.`snowplow__atomic_schema`.\n"
            "`snowplow__events_table` as Snowplow's Snowflake loader writes them: one VARIANT\n"
            "column per major version, read as `contexts_<vendor>_<name>_<major>[0]:field`\n"
            "(field names as in the schema, case-sensitive). Models are written with dbt's\n"
            "delete+insert strategy; the daily models are clustered by `event_day`.\n",
    },
    {
        DEFAULTS,
        .target = "bigquery",
        .adapter = "bigquery",
        .quote_open = "`",
        .quote_close = "`",
        .backslash_escapes = true,
        /* the \uhhhh escape (cloud.google.com/bigquery/docs/reference/standard-sql/lexical) */
        .char_escape = "\\u{0}",
        .type_name[SIG_BYTES] = "STRING",
        .type_name[SIG_STRING] = "STRING",
        .type_name[SIG_INT32] = "INT64",
        .type_name[SIG_INT64] = "INT64",
        .type_name[SIG_DOUBLE] = "FLOAT64",
        .type_name[SIG_FLOAT] = "FLOAT64",
        .type_name[SIG_BOOL] = "BOOL",
        .list_type = "ARRAY<{0}>",
        /* Snowplow's BigQuery loader (2.x column names): one column per major
         * version, unstruct_event_*_1 a STRUCT, contexts_*_1 an ARRAY of
         * STRUCTs, fields in snake_case: col[SAFE_OFFSET(0)].field */
        .json_path_literal = false,
        .fn[SQLX_FN_PATH_INDEX] = "{0}[SAFE_OFFSET({1})]",
        .field_quote_open = "`",
        .field_quote_close = "`",
        .snake_case_fields = true,
        .fn[SQLX_FN_JSON_TEXT] = "JSON_VALUE(TO_JSON({0}))",
        .fn[SQLX_FN_TRY_CAST] = "SAFE_CAST({0} AS {1})",
        .fn[SQLX_FN_LOWER] = "LOWER({0})",
        .fn[SQLX_FN_TRIM] = "TRIM({0})",
        /* no ESCAPE clause; backslash escapes %, _ and itself
         * (cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator) */
        .fn[SQLX_FN_LIKE] = "{0} LIKE {1}",
        .fn[SQLX_FN_REGEX_MATCH] = "REGEXP_CONTAINS({0}, {1})",
        .fn[SQLX_FN_TEXT_TO_TIMESTAMP] =
            "CASE WHEN REGEXP_CONTAINS({0}, r'^\\s*" ISO_DATE "(" ISO_TIME "\\s*" ISO_OFFSET "?)?\\s*$') "
            "THEN SAFE_CAST(TRIM({0}) AS TIMESTAMP) END",
        .fn[SQLX_FN_FLOOR] = "FLOOR({0})",
        .fn[SQLX_FN_DATE_OF] = "DATE({0})",
        .fn[SQLX_FN_DATE_MINUS_DAYS] = "DATE_SUB({0}, INTERVAL {1} DAY)",
        .fn[SQLX_FN_CURRENT_UTC_DATE] = "CURRENT_DATE('UTC')",
        .fn[SQLX_FN_CURRENT_UTC_TIMESTAMP] = "CURRENT_TIMESTAMP()",
        .fn[SQLX_FN_FIRST_ORDERED] =
            "ARRAY_AGG(IF({2}, {0}, NULL) IGNORE NULLS ORDER BY {1} LIMIT 1)[SAFE_OFFSET(0)]",
        .fn[SQLX_FN_LAST_ORDERED] =
            "ARRAY_AGG(IF({2}, {0}, NULL) IGNORE NULLS ORDER BY {1} LIMIT 1)[SAFE_OFFSET(0)]",
        .fn[SQLX_FN_LIST_AGG_ORDERED] = "ARRAY_AGG({0} ORDER BY {1})",
        .fn[SQLX_FN_EMPTY_LIST] = "{0}[]",
        /* arrays do not compare in BigQuery: compare their JSON */
        .fn[SQLX_FN_DISTINCT_FROM] = "TO_JSON_STRING({0}) IS DISTINCT FROM TO_JSON_STRING({1})",
        .upsert_strategy = "merge",
        .append_strategy = "merge", /* no unique_key: MERGE ... ON FALSE, an insert */
        .upsert_needs_row_key = true,
        .events_config = "        partition_by={'field': 'event_day', 'data_type': 'date'},\n"
                         "        cluster_by=[{0}],\n",
        .daily_config = "        partition_by={'field': 'event_day', 'data_type': 'date'},\n"
                        "        cluster_by=[{0}],\n",
        .profile_example =
            "    {0}:\n"
            "      type: bigquery\n"
            "      method: oauth                # or service-account with keyfile\n"
            "      project: \"{{ env_var('BIGQUERY_PROJECT') }}\"\n"
            "      dataset: signals             # where the models are written\n"
            "      location: EU\n"
            "      threads: 4\n",
        .profile_doc =
            "Write a `signals` profile (below). The events are read as Snowplow's BigQuery\n"
            "loader 2.x writes them: one column per major version,\n"
            "`contexts_<vendor>_<name>_<major>` an ARRAY of STRUCTs read as\n"
            "`col[SAFE_OFFSET(0)].field`, `unstruct_event_<vendor>_<name>_<major>` a STRUCT,\n"
            "field names in snake_case (`deviceClass` is read as `device_class`). Tables\n"
            "with the loader 1.x column names (full version, `..._1_0_0`) need a view that\n"
            "coalesces them into the major-version names. Models are written with the merge\n"
            "strategy, partitioned by `event_day` and clustered by the entity.\n",
    },
    {
        DEFAULTS,
        .target = "databricks",
        .adapter = "databricks",
        .quote_open = "`",
        .quote_close = "`",
        .backslash_escapes = true,
        /* the \uhhhh escape (spark.apache.org/docs/latest/sql-ref-literals.html) */
        .char_escape = "\\u{0}",
        .type_name[SIG_BYTES] = "STRING",
        .type_name[SIG_STRING] = "STRING",
        .type_name[SIG_INT32] = "INT",
        .type_name[SIG_FLOAT] = "FLOAT",
        .list_type = "ARRAY<{0}>",
        /* Snowplow's Databricks loader: one column per major version,
         * unstruct a STRUCT, contexts an ARRAY of STRUCTs, fields in
         * snake_case. get() is col[i] that gives NULL past the end (also
         * under ANSI mode). */
        .json_path_literal = false,
        .fn[SQLX_FN_PATH_INDEX] = "get({0}, {1})",
        .field_quote_open = "`",
        .field_quote_close = "`",
        .snake_case_fields = true,
        .fn[SQLX_FN_JSON_TEXT] = "CAST({0} AS STRING)",
        .fn[SQLX_FN_TRY_CAST] = "try_cast({0} AS {1})",
        .fn[SQLX_FN_REGEX_MATCH] = "({0} RLIKE {1})",
        .fn[SQLX_FN_TEXT_TO_TIMESTAMP] =
            "CASE WHEN {0} RLIKE '^\\\\s*" ISO_DATE "(" ISO_TIME "\\\\s*" ISO_OFFSET "?)?\\\\s*$' "
            "THEN to_utc_timestamp(try_cast(trim({0}) AS TIMESTAMP), current_timezone()) END",
        .fn[SQLX_FN_DATE_OF] = "to_date(to_utc_timestamp({0}, current_timezone()))",
        .fn[SQLX_FN_DATE_MINUS_DAYS] = "date_sub({0}, {1})",
        .fn[SQLX_FN_CURRENT_UTC_DATE] = "to_date(to_utc_timestamp(current_timestamp(), current_timezone()))",
        .fn[SQLX_FN_CURRENT_UTC_TIMESTAMP] = "to_utc_timestamp(current_timestamp(), current_timezone())",
        /* min_by/max_by over a struct of the keys: structs order field by
         * field with NULL smallest, which is ORDER BY {1} */
        .fn[SQLX_FN_FIRST_ORDERED] = "min_by(CASE WHEN {2} THEN {0} END, CASE WHEN {2} THEN struct({4}) END)",
        .fn[SQLX_FN_LAST_ORDERED] = "max_by(CASE WHEN {2} THEN {0} END, CASE WHEN {2} THEN struct({4}) END)",
        .fn[SQLX_FN_LIST_AGG_ORDERED] = "transform(array_sort(collect_list(struct({2}))), s -> s.value)",
        .fn[SQLX_FN_LIST_LITERAL] = "array({0})",
        .fn[SQLX_FN_EMPTY_LIST] = "CAST(array() AS {0})",
        .fn[SQLX_FN_DISTINCT_FROM] = "NOT ({0} <=> {1})",
        .upsert_strategy = "merge",
        .upsert_needs_row_key = true,
        .model_config = "        file_format='delta',\n",
        .profile_example =
            "    {0}:\n"
            "      type: databricks\n"
            "      catalog: main\n"
            "      schema: signals              # where the models are written\n"
            "      host: \"{{ env_var('DATABRICKS_HOST') }}\"\n"
            "      http_path: \"{{ env_var('DATABRICKS_HTTP_PATH') }}\"\n"
            "      token: \"{{ env_var('DATABRICKS_TOKEN') }}\"\n"
            "      threads: 4\n",
        .profile_doc =
            "Write a `signals` profile (below; dbt-databricks, or dbt-spark with Delta\n"
            "tables). The events are read as Snowplow's Databricks loader writes them: one\n"
            "column per major version, `contexts_<vendor>_<name>_<major>` an ARRAY of\n"
            "STRUCTs read as `get(col, 0).field`, unstruct events a STRUCT, field names in\n"
            "snake_case. Timestamps are UTC. Models are Delta tables written with the merge\n"
            "strategy.\n",
    },
};

#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

const char *const sig_dbt_targets[] = {"duckdb", "postgres", "snowflake", "bigquery", "databricks",
                                       NULL};

const sig_dbt_dialect *sig_dbt_dialect_find(const char *target)
{
    for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++)
        if (strcmp(dialects[i].target, target) == 0) return &dialects[i];
    return NULL;
}

void sig_dbt_tpl(sig_buf *b, const char *tpl, int n, const char *const *args)
{
    const char *p = tpl;
    while (*p) {
        if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}' && p[1] - '0' < n) {
            sig_buf_puts(b, args[p[1] - '0']);
            p += 3;
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '{') q++;
        sig_buf_append(b, p, (size_t)(q - p));
        p = q;
    }
}
