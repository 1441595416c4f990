/* dialect.c: the table of warehouse dialects of the dbt backend.
 *
 * One entry per --target. Only DuckDB is filled and tested so far; issue #3
 * adds snowflake, bigquery, databricks and postgres as further entries (their
 * known differences are noted in shared/reference/batch-engine.md section 9:
 * JSON access, list aggregation and unnest, date arithmetic, current UTC
 * date, merge strategies). */
#include <string.h>

#include "dialect.h"

/* A text holding an ISO 8601 timestamp, for dialects without a cast that
 * gives NULL on bad input (POSIX regex; no `{n}` counts, which would read as
 * template holes). */
#define ISO_DATE "[0-9][0-9][0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
#define ISO_TIME "[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?"
#define ISO_OFFSET "([Zz]|[-+][0-9][0-9](:?[0-9][0-9])?)"

static const sig_dbt_dialect dialects[] = {
    {
        .target = "duckdb",
        .adapter = "duckdb",
        .quote_open = "\"",
        .quote_close = "\"",
        .backslash_escapes = false,
        /* no escapes in '...' literals: chr() (duckdb.org/docs/sql/data_types/text) */
        .char_expr = "chr({0})",
        .type_name = {
            [SIG_BYTES] = "VARCHAR",
            [SIG_STRING] = "VARCHAR",
            [SIG_INT32] = "INTEGER",
            [SIG_INT64] = "BIGINT",
            [SIG_DOUBLE] = "DOUBLE",
            [SIG_FLOAT] = "REAL",
            [SIG_BOOL] = "BOOLEAN",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",
        },
        .list_type = "{0}[]",
        /* JSON columns (typed JSON), JSONPath */
        .json_path_literal = true,
        .json_text = "json_extract_string({0}, {1})",
        .cast = "CAST({0} AS {1})",
        .try_cast = "TRY_CAST({0} AS {1})",
        .to_text = "CAST({0} AS VARCHAR)",
        .lower = "lower({0})",
        .trim = "trim({0})",
        /* DuckDB has no default escape character (duckdb.org/docs/sql/functions/pattern_matching) */
        .like = "{0} LIKE {1} ESCAPE {2}",
        .regex_match = "regexp_matches({0}, {1})",
        .text_to_timestamp = "timezone('UTC', TRY_CAST({0} AS TIMESTAMPTZ))",
        .floor = "floor({0})",
        .date_of = "CAST({0} AS DATE)",
        .date_minus_days = "{0} - {1}",
        .current_utc_date = "CAST(timezone('UTC', current_timestamp) AS DATE)",
        .current_utc_timestamp = "CAST(timezone('UTC', current_timestamp) AS TIMESTAMP)",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP)",
        .first_ordered = "first({0} ORDER BY {1}) FILTER (WHERE {2})",
        .last_ordered = "first({0} ORDER BY {1}) FILTER (WHERE {2})",
        .list_agg_ordered = "list({0} ORDER BY {1})",
        .list_literal = "[{0}]",
        .empty_list = "CAST([] AS {0})",
        .distinct_from = "{0} IS DISTINCT FROM {1}",
        .upsert_strategy = "delete+insert",
        .append_strategy = "append",
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
        .target = "postgres",
        .adapter = "postgres",
        .quote_open = "\"",
        .quote_close = "\"",
        .backslash_escapes = false, /* standard_conforming_strings (the default) */
        /* standard strings have no escapes: chr()
         * (postgresql.org/docs/current/sql-syntax-lexical.html) */
        .char_expr = "chr({0})",
        .max_identifier = 63,       /* NAMEDATALEN - 1 */
        .type_name = {
            [SIG_BYTES] = "TEXT",
            [SIG_STRING] = "TEXT",
            [SIG_INT32] = "INTEGER",
            [SIG_INT64] = "BIGINT",
            [SIG_DOUBLE] = "DOUBLE PRECISION",
            [SIG_FLOAT] = "REAL",
            [SIG_BOOL] = "BOOLEAN",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",
        },
        .list_type = "{0}[]",
        /* jsonb columns; a strict JSONPath (no lax unwrapping of arrays),
         * errors silenced: a missing key or a step into a scalar is NULL */
        .json_path_literal = true,
        .json_path_prefix = "strict ",
        .json_text = "jsonb_path_query_first({0}, CAST({1} AS jsonpath), '{}', TRUE) #>> '{}'",
        .cast = "CAST({0} AS {1})",
        /* PostgreSQL has no TRY_CAST: the generator only uses it on input
         * already checked (numbers matched by a pattern, integral doubles
         * in range, integer columns) */
        .try_cast = "CAST({0} AS {1})",
        .to_text = "CAST({0} AS TEXT)",
        .lower = "lower({0})",
        .trim = "btrim({0})",
        /* backslash is the default, named all the same
         * (postgresql.org/docs/current/functions-matching.html#FUNCTIONS-LIKE) */
        .like = "{0} LIKE {1} ESCAPE {2}",
        .regex_match = "({0} ~ {1})",
        .text_to_timestamp =
            "CASE WHEN {0} ~ '^\\s*" ISO_DATE "(" ISO_TIME ")?\\s*$' "
            "THEN CAST(btrim({0}) AS TIMESTAMP) "
            "WHEN {0} ~ '^\\s*" ISO_DATE ISO_TIME "\\s*" ISO_OFFSET "\\s*$' "
            "THEN CAST(btrim({0}) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END",
        .floor = "floor({0})",
        .date_of = "CAST({0} AS DATE)",
        .date_minus_days = "{0} - {1}",
        .current_utc_date = "CAST(timezone('UTC', now()) AS DATE)",
        .current_utc_timestamp = "timezone('UTC', now())",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP)",
        .first_ordered = "(array_agg({0} ORDER BY {1}) FILTER (WHERE {2}))[1]",
        .last_ordered = "(array_agg({0} ORDER BY {1}) FILTER (WHERE {2}))[1]",
        .list_agg_ordered = "array_agg({0} ORDER BY {1})",
        .list_literal = "ARRAY[{0}]",
        .empty_list = "CAST(ARRAY[] AS {0})",
        .distinct_from = "{0} IS DISTINCT FROM {1}",
        .bool_min = "bool_and({0})",
        .bool_max = "bool_or({0})",
        .upsert_strategy = "delete+insert",
        .append_strategy = "append",
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
        .target = "snowflake",
        .adapter = "snowflake",
        .quote_open = "\"",
        .quote_close = "\"",
        .backslash_escapes = true,
        /* the \uhhhh escape of '...' literals (docs.snowflake.com/en/sql-reference/data-types-text,
         * "Escape sequences in single-quoted string constants") */
        .char_escape = "\\u{0}",
        .type_name = {
            [SIG_BYTES] = "VARCHAR",
            [SIG_STRING] = "VARCHAR",
            [SIG_INT32] = "INTEGER",
            [SIG_INT64] = "BIGINT",
            [SIG_DOUBLE] = "DOUBLE",
            [SIG_FLOAT] = "FLOAT",
            [SIG_BOOL] = "BOOLEAN",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP_NTZ",
        },
        .list_type = "ARRAY",
        /* Snowplow's Snowflake loader: one VARIANT column per major version,
         * unstruct_event_*_1 an object, contexts_*_1 an array: col[0]:field */
        .json_path_literal = false,
        .path_index = "{0}[{1}]",
        .path_first_field = "{0}:{1}",
        .path_field = "{0}.{1}",
        .field_quote_open = "\"",
        .field_quote_close = "\"",
        /* JSON null is NULL (IS_NULL_VALUE is NULL for SQL NULL: the CAST) */
        .json_text = "IFF(IS_NULL_VALUE({0}), NULL, CAST({0} AS VARCHAR))",
        .cast = "CAST({0} AS {1})",
        /* Snowflake's TRY_CAST takes text only: the generator's other uses
         * are on checked input, as for PostgreSQL */
        .try_cast = "CAST({0} AS {1})",
        .to_text = "CAST({0} AS VARCHAR)",
        .lower = "lower({0})",
        .trim = "trim({0})",
        /* "There is no default escape character"
         * (docs.snowflake.com/en/sql-reference/functions/like) */
        .like = "{0} LIKE {1} ESCAPE {2}",
        .regex_match = "REGEXP_LIKE({0}, {1})",
        .text_to_timestamp =
            "CAST(CONVERT_TIMEZONE('UTC', TRY_TO_TIMESTAMP_TZ(CASE WHEN REGEXP_LIKE({0}, "
            "'.*(Z|z|[-+][0-9][0-9](:?[0-9][0-9])?)\\\\s*') THEN trim({0}) ELSE trim({0}) || 'Z' END)) "
            "AS TIMESTAMP_NTZ)",
        .floor = "floor({0})",
        .date_of = "CAST({0} AS DATE)",
        .date_minus_days = "DATEADD(day, -{1}, {0})",
        .current_utc_date = "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS DATE)",
        .current_utc_timestamp = "CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS TIMESTAMP_NTZ)",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP_NTZ)",
        /* rows where {2} holds sort first, so element 0 is the value
         * (whether or not ARRAY_AGG drops the NULLs of the other rows) */
        .first_ordered =
            "CAST((ARRAY_AGG(CASE WHEN {2} THEN {0} END) WITHIN GROUP "
            "(ORDER BY CASE WHEN {2} THEN 0 ELSE 1 END, {1}))[0] AS {3})",
        .last_ordered =
            "CAST((ARRAY_AGG(CASE WHEN {2} THEN {0} END) WITHIN GROUP "
            "(ORDER BY CASE WHEN {2} THEN 0 ELSE 1 END, {1}))[0] AS {3})",
        .list_agg_ordered = "ARRAY_AGG({0}) WITHIN GROUP (ORDER BY {1})",
        .list_literal = "ARRAY_CONSTRUCT({0})",
        .empty_list = "ARRAY_CONSTRUCT()",
        .distinct_from = "{0} IS DISTINCT FROM {1}",
        .upsert_strategy = "delete+insert",
        .append_strategy = "append",
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
        .target = "bigquery",
        .adapter = "bigquery",
        .quote_open = "`",
        .quote_close = "`",
        .backslash_escapes = true,
        /* the \uhhhh escape (cloud.google.com/bigquery/docs/reference/standard-sql/lexical) */
        .char_escape = "\\u{0}",
        .type_name = {
            [SIG_BYTES] = "STRING",
            [SIG_STRING] = "STRING",
            [SIG_INT32] = "INT64",
            [SIG_INT64] = "INT64",
            [SIG_DOUBLE] = "FLOAT64",
            [SIG_FLOAT] = "FLOAT64",
            [SIG_BOOL] = "BOOL",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",
        },
        .list_type = "ARRAY<{0}>",
        /* Snowplow's BigQuery loader (2.x column names): one column per major
         * version, unstruct_event_*_1 a STRUCT, contexts_*_1 an ARRAY of
         * STRUCTs, fields in snake_case: col[SAFE_OFFSET(0)].field */
        .json_path_literal = false,
        .path_index = "{0}[SAFE_OFFSET({1})]",
        .path_field = "{0}.{1}",
        .field_quote_open = "`",
        .field_quote_close = "`",
        .snake_case_fields = true,
        .json_text = "JSON_VALUE(TO_JSON({0}))",
        .cast = "CAST({0} AS {1})",
        .try_cast = "SAFE_CAST({0} AS {1})",
        .to_text = "CAST({0} AS STRING)",
        .lower = "LOWER({0})",
        .trim = "TRIM({0})",
        /* no ESCAPE clause; backslash escapes %, _ and itself
         * (cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator) */
        .like = "{0} LIKE {1}",
        .regex_match = "REGEXP_CONTAINS({0}, {1})",
        .text_to_timestamp =
            "CASE WHEN REGEXP_CONTAINS({0}, r'^\\s*" ISO_DATE "(" ISO_TIME "\\s*" ISO_OFFSET "?)?\\s*$') "
            "THEN SAFE_CAST(TRIM({0}) AS TIMESTAMP) END",
        .floor = "FLOOR({0})",
        .date_of = "DATE({0})",
        .date_minus_days = "DATE_SUB({0}, INTERVAL {1} DAY)",
        .current_utc_date = "CURRENT_DATE('UTC')",
        .current_utc_timestamp = "CURRENT_TIMESTAMP()",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP)",
        .first_ordered =
            "ARRAY_AGG(IF({2}, {0}, NULL) IGNORE NULLS ORDER BY {1} LIMIT 1)[SAFE_OFFSET(0)]",
        .last_ordered =
            "ARRAY_AGG(IF({2}, {0}, NULL) IGNORE NULLS ORDER BY {1} LIMIT 1)[SAFE_OFFSET(0)]",
        .list_agg_ordered = "ARRAY_AGG({0} ORDER BY {1})",
        .list_literal = "[{0}]",
        .empty_list = "{0}[]",
        /* arrays do not compare in BigQuery: compare their JSON */
        .distinct_from = "TO_JSON_STRING({0}) IS DISTINCT FROM TO_JSON_STRING({1})",
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
        .target = "databricks",
        .adapter = "databricks",
        .quote_open = "`",
        .quote_close = "`",
        .backslash_escapes = true,
        /* the \uhhhh escape (spark.apache.org/docs/latest/sql-ref-literals.html) */
        .char_escape = "\\u{0}",
        .type_name = {
            [SIG_BYTES] = "STRING",
            [SIG_STRING] = "STRING",
            [SIG_INT32] = "INT",
            [SIG_INT64] = "BIGINT",
            [SIG_DOUBLE] = "DOUBLE",
            [SIG_FLOAT] = "FLOAT",
            [SIG_BOOL] = "BOOLEAN",
            [SIG_UNIX_TIMESTAMP] = "TIMESTAMP",
        },
        .list_type = "ARRAY<{0}>",
        /* Snowplow's Databricks loader: one column per major version,
         * unstruct a STRUCT, contexts an ARRAY of STRUCTs, fields in
         * snake_case. get() is col[i] that gives NULL past the end (also
         * under ANSI mode). */
        .json_path_literal = false,
        .path_index = "get({0}, {1})",
        .path_field = "{0}.{1}",
        .field_quote_open = "`",
        .field_quote_close = "`",
        .snake_case_fields = true,
        .json_text = "CAST({0} AS STRING)",
        .cast = "CAST({0} AS {1})",
        .try_cast = "try_cast({0} AS {1})",
        .to_text = "CAST({0} AS STRING)",
        .lower = "lower({0})",
        .trim = "trim({0})",
        /* backslash is the default, and escaping any other character is an
         * error (docs.databricks.com/en/sql/language-manual/functions/like.html) */
        .like = "{0} LIKE {1} ESCAPE {2}",
        .regex_match = "({0} RLIKE {1})",
        .text_to_timestamp =
            "CASE WHEN {0} RLIKE '^\\\\s*" ISO_DATE "(" ISO_TIME "\\\\s*" ISO_OFFSET "?)?\\\\s*$' "
            "THEN to_utc_timestamp(try_cast(trim({0}) AS TIMESTAMP), current_timezone()) END",
        .floor = "floor({0})",
        .date_of = "to_date(to_utc_timestamp({0}, current_timezone()))",
        .date_minus_days = "date_sub({0}, {1})",
        .current_utc_date = "to_date(to_utc_timestamp(current_timestamp(), current_timezone()))",
        .current_utc_timestamp = "to_utc_timestamp(current_timestamp(), current_timezone())",
        .date_literal = "CAST({0} AS DATE)",
        .timestamp_literal = "CAST({0} AS TIMESTAMP)",
        /* min_by/max_by over a struct of the keys: structs order field by
         * field with NULL smallest, which is ORDER BY {1} */
        .first_ordered = "min_by(CASE WHEN {2} THEN {0} END, CASE WHEN {2} THEN struct({4}) END)",
        .last_ordered = "max_by(CASE WHEN {2} THEN {0} END, CASE WHEN {2} THEN struct({4}) END)",
        .list_agg_ordered = "transform(array_sort(collect_list(struct({2}))), s -> s.value)",
        .list_literal = "array({0})",
        .empty_list = "CAST(array() AS {0})",
        .distinct_from = "NOT ({0} <=> {1})",
        .upsert_strategy = "merge",
        .append_strategy = "append",
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
