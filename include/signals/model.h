/* model.h: the resolved, type-checked Signals model of a spec.
 *
 * This is what the checker produces from the AST and what every backend
 * consumes. It follows the Signals API's objects (reference: the Python SDK's
 * models, shared/reference/signals-api.md section 5): attribute keys,
 * events, attributes, attribute groups (views), batch sources, fields and
 * services. Every pointer here is owned by the compilation's arena and lives
 * until sig_ctx_free(); backends never modify the model.
 *
 * Arrays are (pointer, count) pairs. Order is declaration order across the
 * spec's files, imports first in the order they are imported, so that every
 * backend's output is deterministic. */
#ifndef SIGNALS_MODEL_H
#define SIGNALS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signals/export.h"
#include "signals/arena.h"
#include "signals/diag.h"

/* ---------------------------------------------------------------- types */

/* The scalar element of the Signals types: the 16 Field types
 * (signals-api.md 5.1), and `timestamp` and `dict`, which attributes may
 * have since SDK 0.4.3/0.4.5 but which have no `_list` form. */
typedef enum sig_scalar {
    SIG_BYTES,
    SIG_STRING,
    SIG_INT32,
    SIG_INT64,
    SIG_DOUBLE,
    SIG_FLOAT,
    SIG_BOOL,
    SIG_UNIX_TIMESTAMP,
    SIG_TIMESTAMP,      /* an attribute type only (SDK 0.4.5) */
    SIG_DICT            /* an attribute type only: category_count (SDK 0.4.3) */
} sig_scalar;

/* A Field type: a scalar, or a list of a scalar (`string_list`). */
typedef struct sig_type {
    sig_scalar scalar;
    bool list;
} sig_type;

/* "int32", "string_list", ...: the API spelling; "?" for a type the API
 * does not have (a list of timestamp or dict). Static storage. */
SIG_API const char *sig_type_name(sig_type t);
/* Parses an API type name. Returns false if `name` is not one of the 18. */
SIG_API bool sig_type_parse(const char *name, sig_type *out);
/* True for the 16 Field types, false for timestamp and dict: the types a
 * field of an external table, and the View-era API, can have. */
SIG_API bool sig_type_is_field(sig_type t);
/* The 18 attribute type names in the API's order (Attribute.type, SDK
 * 0.4.10), NULL-terminated, for did-you-mean. */
SIG_API extern const char *const sig_type_names[];
/* True for int32, int64, double and float (not their lists). */
SIG_API bool sig_type_is_numeric(sig_type t);
/* Same scalar and same list-ness. */
SIG_API bool sig_type_equal(sig_type a, sig_type b);

/* --------------------------------------------------------- aggregations */

/* The Signals aggregations (signals-api.md 5.1), one per row of
 * signals/aggregations.def, in its order. SIG_AGG__COUNT ends it. */
typedef enum sig_agg {
#define SIG_AGG_ROW(ID, ...) SIG_AGG_##ID,
#include "signals/aggregations.def"
#undef SIG_AGG_ROW
    SIG_AGG__COUNT
} sig_agg;

/* The partial states an aggregation keeps per (entity, day), so that a day
 * is computed once and windows are rolled up from days. Each says how the
 * states of several days merge (sig_state_info.merge). */
typedef enum sig_state_kind {
    SIG_STATE_EVENTS,  /* number of matching events; days merge by sum */
    SIG_STATE_SUM,     /* sum of the values; sum */
    SIG_STATE_COUNT,   /* number of (non-NULL) values; sum */
    SIG_STATE_MIN,     /* smallest value; min */
    SIG_STATE_MAX,     /* largest value; max */
    SIG_STATE_FIRST,   /* arg-first: the value of the earliest event with a
                        * value (ties: smallest event_id); the earliest day's */
    SIG_STATE_LAST,    /* arg-last; the latest day's */
    SIG_STATE_VALUES,  /* value set: each value and when it was last seen;
                        * union, keeping the latest last seen */
    SIG_STATE__COUNT
} sig_state_kind;

#define SIG_STATE_BIT(k) (1u << (unsigned)(k))

/* How the states of several days merge into one. */
typedef enum sig_merge {
    SIG_MERGE_SUM,
    SIG_MERGE_MIN,
    SIG_MERGE_MAX,
    SIG_MERGE_EARLIEST,  /* the earliest day's state */
    SIG_MERGE_LATEST,    /* the latest day's state */
    SIG_MERGE_UNION      /* value sets: union, max(last seen) per value */
} sig_merge;

typedef struct sig_state_info {
    sig_state_kind kind;
    const char *name;     /* "events", "sum", ..., "values": plan JSON */
    const char *suffix;   /* of the daily column `<attribute>__<suffix>`;
                           * NULL for values (rows of a table, not a column) */
    sig_merge merge;
    const char *merge_name; /* "sum", "min", "max", "earliest", "latest", "union" */
    bool value_typed;     /* typed as the value read; else int64 (counts) */
    const char *meaning;  /* one line, for docs and comments */
} sig_state_info;

/* The row of `k`, or NULL when `k` is out of range. Static storage. */
SIG_API const sig_state_info *sig_state_get(sig_state_kind k);

/* How the merged states of an attribute's window become its value
 * (`default` is the attribute's default literal, when it has one). */
typedef enum sig_finish {
    SIG_FINISH_COUNT,   /* the event count; 0 (no event) gives `default` or 0 */
    SIG_FINISH_SUM,     /* the sum; no value gives `default` or 0 */
    SIG_FINISH_DIVIDE,  /* sum / count as a double; no value gives `default` or NULL */
    SIG_FINISH_VALUE,   /* the state itself; no value gives `default` or NULL */
    SIG_FINISH_LIST     /* the values last seen latest, capped at
                         * sig_agg_info.list_cap, oldest first; none: `default` or [] */
} sig_finish;

/* "count", "sum", "divide", "value", "list": plan JSON. Static storage. */
SIG_API const char *sig_finish_name(sig_finish f);

/* What an aggregation reads. */
typedef enum sig_agg_prop {
    SIG_AGG_PROP_NONE, SIG_AGG_PROP_ANY, SIG_AGG_PROP_NUMERIC,
    SIG_AGG_PROP_UNIT  /* no property; the time unit instead (time_since_*) */
} sig_agg_prop;

/* How an aggregation's result type relates to its property's type. */
typedef enum sig_agg_rule {
    SIG_RULE_ANY,     /* no relation (counter) */
    SIG_RULE_SUM,     /* an integer result needs an integer property */
    SIG_RULE_REAL,    /* always a real number (mean) */
    SIG_RULE_SAME,    /* the property's type (int32/int64 interchangeable) */
    SIG_RULE_ELEMENT  /* a list of the property's type */
} sig_agg_rule;

/* Sets of types: bit scalar + 16 * list. */
#define SIG_TYPE_BIT(s, l) (1u << ((unsigned)(s) + ((l) ? 16u : 0u)))
#define SIG_YIELDS_INTEGER (SIG_TYPE_BIT(SIG_INT32, 0) | SIG_TYPE_BIT(SIG_INT64, 0))
#define SIG_YIELDS_REAL (SIG_TYPE_BIT(SIG_DOUBLE, 0) | SIG_TYPE_BIT(SIG_FLOAT, 0))
#define SIG_YIELDS_NUMBER (SIG_YIELDS_INTEGER | SIG_YIELDS_REAL)
/* The scalars but dict (timestamp included), and the 8 lists. */
#define SIG_YIELDS_SCALAR 0x1ffu
#define SIG_YIELDS_LIST 0xff0000u
#define SIG_YIELDS_DICT SIG_TYPE_BIT(SIG_DICT, 0)

/* One row of signals/aggregations.def (see there for each field): the
 * single place that says what each aggregation takes, yields, keeps per
 * day and finishes with. The checker, the planner (signals/plan.h), the
 * backends and the docs read it. */
typedef struct sig_agg_info {
    sig_agg agg;
    const char *name;          /* API spelling: "unique_list" */
    bool needs_property;       /* counter: false */
    bool property_must_be_numeric;
    bool yields_list;          /* unique_list */
    /* The type when the spec leaves it out and the property type is not
     * known (a field of JSON): counter int64, sum/mean double, others string. */
    sig_type default_type;
    const char *meaning;       /* one line, for docs and `explain` */
    unsigned yields;           /* SIG_TYPE_BIT set of the types it may yield */
    sig_agg_rule rule;
    unsigned states;           /* SIG_STATE_BIT set, kept in sig_state_kind order */
    sig_finish finish;
    bool reads_double;         /* reads the property as a double whatever the result type */
    int list_cap;              /* SIG_FINISH_LIST: at most this many values; else 0 */
    bool in_views;             /* the View-era API carries it */
    bool in_groups;            /* the attribute-group-era API carries it */
    bool in_warehouse;         /* the dbt and DDL backends compute it */
    bool takes_unit;           /* time_since_*: a time unit, no property */
    const char *summary;       /* phrase, {0} = the property: "sum of {0} over" */
} sig_agg_info;

SIG_API const sig_agg_info *sig_agg_lookup(const char *name); /* NULL if unknown */
SIG_API const sig_agg_info *sig_agg_get(sig_agg agg);         /* NULL if out of range */
SIG_API extern const char *const sig_agg_names[]; /* NULL-terminated */

/* ------------------------------------------------------------ schemas */

/* An Iglu schema reference `iglu:VENDOR/NAME/FORMAT/M-R-A`. A version part
 * may be `*` (Snowplow's schema-criterion form, `1-*-*`): then it is -1.
 * With no version at all, has_version is false and all three are -1. */
typedef struct sig_schema_ref {
    const char *vendor;        /* "com.snowplowanalytics.snowplow" */
    const char *name;          /* "page_view" */
    const char *format;        /* "jsonschema" */
    bool has_version;
    int model, revision, addition; /* -1 = any */
    const char *uri;           /* as written */
} sig_schema_ref;

/* "1-0-2" when the version is exact, NULL otherwise (static or arena). */
SIG_API const char *sig_schema_exact_version(const struct sig_schema_ref *ref);

/* `event NAME = iglu:...`: a self-describing (or built-in) event. */
typedef struct sig_event {
    const char *name;
    sig_schema_ref schema;         /* all NULL/-1 for a spec_id event */
    sig_loc loc;
    /* `event NAME = specification "ID"`: the API's
     * Event.event_specification_id (SDK 0.4.4), "mutually exclusive with
     * name/vendor/version"; NULL for an Iglu event. */
    const char *spec_id;
} sig_event;

/* `context NAME = iglu:...`: an entity attached to events. */
typedef struct sig_context {
    const char *name;
    sig_schema_ref schema;
    sig_loc loc;
} sig_context;

/* --------------------------------------------------------- properties */

typedef enum sig_prop_kind {
    SIG_PROP_ATOMIC,  /* an atomic column: mkt_source */
    SIG_PROP_EVENT,   /* a field of the event's own data: unstruct_event */
    SIG_PROP_ENTITY,  /* a field of an attached context: contexts */
    SIG_PROP_CALCULATED /* values of other properties combined (SDK 0.4.9):
                         * calc_op over operands; no column, path or steps */
} sig_prop_kind;

typedef enum sig_step_kind { SIG_STEP_FIELD, SIG_STEP_INDEX } sig_step_kind;

/* One step of a path into JSON: `.name` or `[3]`. */
typedef struct sig_path_step {
    sig_step_kind kind;
    const char *field;   /* SIG_STEP_FIELD */
    uint32_t index;      /* SIG_STEP_INDEX, 0-based */
} sig_path_step;

typedef struct sig_property {
    sig_prop_kind kind;
    /* ATOMIC: the column name ("mkt_source"). */
    const char *atomic;
    /* EVENT: the event whose data is read; ENTITY: the context. The schema
     * has at least a model (major) version: the warehouse column needs it. */
    const sig_event *event;
    const sig_context *context;
    /* ENTITY: which entity of that type on the event, 0-based (`[i]`). */
    uint32_t index;
    /* EVENT/ENTITY: the path inside the event's or entity's JSON object,
     * at least one step, first step a field. */
    const sig_path_step *steps;
    size_t nsteps;
    /* EVENT/ENTITY: the API's JSONPath subset for `steps`: "$.a.b[0].c". */
    const char *json_path;
    /* The warehouse column holding the value, in Snowflake naming (the
     * names the language refers to): the atomic name, or
     * "unstruct_event_<vendor>_<name>_<model>" / "contexts_<vendor>_<name>_<model>"
     * with '.' and '-' in vendor and name turned into '_'. */
    const char *column;
    /* The value's type when it is known (atomic columns); for JSON fields
     * type_known is false and the attribute's declared type is used. */
    bool type_known;
    sig_type type;
    const char *text;    /* as written in the spec */
    sig_loc loc;
    /* A date-part modifier (SDK 0.4.7, the property objects' date_part):
     * "active_day", "active_week", "active_month", "hour_of_day",
     * "day_of_week" or "month_of_year"; NULL for none. Then `type` is the
     * part's type (sig_date_part_type), not the column's. */
    const char *date_part;
    /* CALCULATED (the API's CalculatedProperty): "concat", "sum",
     * "product", "min", "max" or "coalesce" over 1 to 50 leaf operands
     * (atomic, event or entity; at least 2 but for coalesce), and concat's
     * separator (NULL: none). type_known/type are the result's when every
     * operand's type is known. */
    const char *calc_op;
    const struct sig_property *operands;
    size_t noperands;
    const char *separator;
} sig_property;

/* The API's date parts (SDK 0.4.7), NULL-terminated, in its order. */
SIG_API extern const char *const sig_date_parts[];
/* The type of a date part: int64 for hour_of_day, day_of_week and
 * month_of_year (0-23, 1-7 Monday first, 1-12), string for the active_*
 * parts (the day, ISO week or month, "2025-01-31", "2025-W05",
 * "2025-01"). `part` must be one of sig_date_parts. */
SIG_API sig_type sig_date_part_type(const char *part);

/* ----------------------------------------------------------- literals */

typedef enum sig_lit_kind {
    SIG_LIT_STRING,
    SIG_LIT_INT,
    SIG_LIT_DECIMAL,
    SIG_LIT_BOOL,
    SIG_LIT_LIST
} sig_lit_kind;

typedef struct sig_literal {
    sig_lit_kind kind;
    const char *str;     /* STRING: the value, unescaped (may contain any byte
                          * but NUL); DECIMAL/INT: the digits as written */
    int64_t i;           /* INT */
    double d;            /* DECIMAL (and INT, converted) */
    bool b;              /* BOOL */
    const struct sig_literal *items; /* LIST: items (scalars only) */
    size_t nitems;
    sig_loc loc;
} sig_literal;

/* ----------------------------------------------------------- criteria */

typedef enum sig_op {
    SIG_OP_EQ,    /* = */
    SIG_OP_NE,    /* != (also true when the property is absent) */
    SIG_OP_LT,
    SIG_OP_GT,
    SIG_OP_LE,
    SIG_OP_GE,
    SIG_OP_LIKE,  /* SQL LIKE, pattern as written */
    SIG_OP_IN,    /* value is a list */
    SIG_OP_IS_NULL,     /* no value (absent or JSON null); SDK 0.4.3 */
    SIG_OP_IS_NOT_NULL, /* has a value; SDK 0.4.3 */
    /* interventions only (their Criterion.operator, SDK 0.4.6): */
    SIG_OP_NOT_LIKE,
    SIG_OP_RLIKE,       /* a regular expression */
    SIG_OP_NOT_RLIKE,
    SIG_OP_NOT_IN,
    SIG_OP_CHANGED      /* the attribute's value changed; no value */
} sig_op;

/* "=", "!=", ..., "like", "in", "is null", "is not null": the API
 * spelling (Criterion.operator). Static storage; "?" out of range. */
SIG_API const char *sig_op_name(sig_op op);
/* False for is null / is not null / changed, whose criterion has no value
 * (its value is zeroed and must not be read). */
SIG_API bool sig_op_takes_value(sig_op op);

typedef struct sig_criterion {
    sig_property property;
    sig_op op;
    sig_literal value;
    sig_loc loc;
} sig_criterion;

/* The API's Criteria: every `all` criterion holds AND (no `any` criterion
 * or at least one `any` criterion holds). Both empty: no criteria. */
typedef struct sig_criteria {
    const sig_criterion *all;
    size_t nall;
    const sig_criterion *any;
    size_t nany;
} sig_criteria;

/* --------------------------------------------------------------- tags */

typedef struct sig_tag {
    const char *key;
    const char *value;
} sig_tag;

/* --------------------------------------------------------- attributes */

typedef struct sig_attribute {
    const char *name;
    const char *description;       /* NULL if none */
    sig_type type;                 /* declared, or inferred (type_inferred) */
    bool type_inferred;
    sig_agg agg;
    const sig_event *const *events; /* at least one, none with all_events */
    size_t nevents;
    const sig_property *property;  /* NULL for counter */
    sig_criteria criteria;
    /* Window length in seconds; 0 = lifetime (no `over`). */
    int64_t period_seconds;
    const sig_literal *default_value; /* NULL if none; checked against type */
    const sig_tag *tags;
    size_t ntags;
    sig_loc loc;                   /* the attribute's name */
    /* time_since_*: "s", "min", "h" or "d" (Attribute.time_unit, SDK
     * 0.4.8); NULL for the other aggregations. */
    const char *time_unit;
    /* `from all`: nevents is 0 and the attribute reads every event
     * (the API's empty `events` list, SDK 0.4.10). */
    bool all_events;
    /* Attribute.ttl in seconds (SDK 0.4.6; lifetime attributes only); 0
     * for none. */
    int64_t ttl_seconds;
} sig_attribute;

/* ------------------------------------------------ attribute keys (entities) */

typedef struct sig_attribute_key {
    const char *name;
    const char *key;          /* deprecated API `key`, NULL if none */
    const char *description;
    const char *owner;
    int64_t ttl_seconds;      /* -1: none */
    bool builtin;             /* domain_userid, domain_sessionid, user_id,
                               * network_userid, user, session */
    bool property_explicit;   /* `property` was written in the spec */
    /* Where the key's value is read from, always set: the explicit property,
     * or the atomic column named by `key` or else `name`. */
    const sig_property *property;
    sig_loc loc;
    /* AttributeKey.external_column (SDK 0.4.2): the column of an external
     * table holding the key; the SDK requires it to equal `name`. NULL if
     * none. */
    const char *external_column;
} sig_attribute_key;

/* ------------------------------------------------------ batch sources */

typedef struct sig_batch_source {
    const char *name;
    const char *database, *schema, *table;
    const char *timestamp_field;
    const char *created_timestamp_column;  /* NULL if none */
    const char *date_partition_column;     /* NULL if none */
    const char *owner, *description;
    const sig_tag *tags;
    size_t ntags;
    sig_loc loc;
} sig_batch_source;

/* A column of an external batch table. */
typedef struct sig_field {
    const char *name;
    sig_type type;
    const char *description;
    sig_loc loc;
} sig_field;

/* ------------------------------------------------------------- views */

/* A view (API: attribute group). Either it has attributes (stream or
 * batch computed) or fields and a batch source (external batch). */
typedef struct sig_view {
    const char *name;
    int version;                     /* >= 1; default 1 */
    const sig_attribute_key *key;    /* `entity` */
    int64_t ttl_seconds;             /* -1: none */
    bool online;                     /* default true (API default) */
    bool offline_set;                /* `offline` was written */
    bool offline;                    /* default false */
    const char *owner, *description;
    const sig_tag *tags;
    size_t ntags;
    const sig_batch_source *source;  /* NULL if none */
    const sig_field *fields;
    size_t nfields;
    const sig_attribute *const *attributes;
    size_t nattributes;
    sig_loc loc;
    /* AttributeGroup.backfill_since_tstamp (SDK 0.4.4), as written
     * ("2025-01-31T00:00:00Z", the form pydantic sends back unchanged);
     * NULL if none. */
    const char *backfill_since_tstamp;
    /* AttributeGroup.refresh_rate in seconds (SDK 0.4.7); 0 for none. */
    int64_t refresh_rate_seconds;
} sig_view;

typedef struct sig_view_ref {
    const sig_view *view;
    int version;
} sig_view_ref;

typedef struct sig_service {
    const char *name;
    const char *owner, *description;
    const sig_view_ref *views;
    size_t nviews;
    const sig_tag *tags;
    size_t ntags;
    sig_loc loc;
} sig_service;

/* ----------------------------------------------------- interventions */

/* A rule intervention's criteria (SDK 0.4.6 RuleIntervention.criteria): one
 * criterion on an attribute of a view, or all / any / none of nested ones. */
typedef enum sig_icrit_kind {
    SIG_ICRIT_CRITERION, SIG_ICRIT_ALL, SIG_ICRIT_ANY, SIG_ICRIT_NONE
} sig_icrit_kind;

typedef struct sig_icriteria {
    sig_icrit_kind kind;
    /* CRITERION: "<view>:<attribute>" (the API's unversioned reference),
     * the operator, and its value (unless !sig_op_takes_value(op)). */
    const sig_view *view;
    const sig_attribute *attribute;
    const char *reference;
    sig_op op;
    sig_literal value;
    /* ALL, ANY, NONE: at least one item. */
    const struct sig_icriteria *items;
    size_t nitems;
    sig_loc loc;
} sig_icriteria;

typedef struct sig_intervention {
    const char *name;
    int version;                       /* >= 1; default 1 */
    const char *owner, *description;   /* NULL if none */
    sig_icriteria criteria;
    const sig_attribute_key *const *targets; /* target_attribute_keys */
    size_t ntargets;
    const sig_view_ref *payload;       /* payload_attribute_groups */
    size_t npayload;
    sig_loc loc;
} sig_intervention;

/* ------------------------------------------------------------- model */

typedef struct sig_model {
    const sig_event *const *events;          size_t nevents;
    const sig_context *const *contexts;      size_t ncontexts;
    /* Keys the spec uses or declares (built-ins only when used). */
    const sig_attribute_key *const *keys;    size_t nkeys;
    /* Every attribute, top-level and view-inline, declaration order. */
    const sig_attribute *const *attributes;  size_t nattributes;
    const sig_view *const *views;            size_t nviews;
    const sig_batch_source *const *sources;  size_t nsources;
    const sig_service *const *services;      size_t nservices;
    const sig_intervention *const *interventions; size_t ninterventions;
} sig_model;

/* --------------------------------------------------- atomic columns */

/* One of Snowplow's atomic columns (the 131 of signals-api.md 5.1, plus
 * load_tstamp, which the API list lacks but the warehouse has). */
typedef struct sig_atomic_column {
    const char *name;
    sig_type type;
} sig_atomic_column;

SIG_API const sig_atomic_column *sig_atomic_lookup(const char *name); /* NULL if unknown */
/* The SDK's spelling of refr_dvce_tstamp before 0.4.9 (AtomicProperty):
 * not in the table; the checker reads it as refr_dvce_tstamp, with a
 * deprecation warning. */
#define SIG_ATOMIC_OLD_REFR_DVCE "refr_device_tstamp"
/* The table, in the API's order (load_tstamp last), and its length. */
SIG_API extern const sig_atomic_column sig_atomic_columns[];
SIG_API extern const size_t sig_atomic_column_count;
/* The names, NULL-terminated, for did-you-mean. */
SIG_API extern const char *const sig_atomic_names[];

/* ------------------------------------------------ Snowplow naming facts */

/* A built-in attribute key of the Signals SDK (definitions.py;
 * signals-api.md 5.8): its name, the atomic column its `key` names, and the
 * description the SDK sends. */
typedef struct sig_builtin_key {
    const char *name, *key, *description;
} sig_builtin_key;

/* The SDK's built-in keys (domain_userid, ...), sig_builtin_key_count of them. */
SIG_API extern const sig_builtin_key sig_builtin_keys[];
SIG_API extern const size_t sig_builtin_key_count;
/* The built-in key named `name`, or NULL. */
SIG_API const sig_builtin_key *sig_builtin_key_lookup(const char *name);

/* Snowplow's camelCase to snake_case, the one rule for schema names in
 * column names and for struct field names (BigQuery, Databricks): '_'
 * before each upper-case letter that follows anything but an upper-case
 * letter or '_', then ASCII lower case; other bytes are kept. As Python:
 * re.sub(r"([^A-Z_])([A-Z])", r"\1_\2", s).lower(). "deviceClass" gives
 * "device_class", "HTTPStatus" "httpstatus", "v2Name" "v2_name". Allocated
 * in `arena`; NULL gives NULL. */
SIG_API char *sig_snake_case(sig_arena *arena, const char *s);

/* Snowplow's warehouse spelling of a schema's vendor and name, as the
 * loaders and the analytics SDKs' shredder write column names
 * (signals-api.md 7.2): "<vendor>_<name>" where the name is
 * sig_snake_case()'d, '.' and '-' become '_' and letters are lower-cased.
 * "com.acme-x" and "myEvent" give "com_acme_x_my_event". Allocated in
 * `arena`. */
SIG_API char *sig_warehouse_stem(sig_arena *arena, const char *vendor, const char *name);
/* Vendors of common Snowplow schemas, NULL-terminated, every vendor before
 * any shorter vendor it starts with: for splitting a warehouse stem such as
 * "com_snowplowanalytics_snowplow_ecommerce_product" into vendor and name,
 * which the underscores alone cannot do. */
SIG_API extern const char *const sig_known_vendors[];

/* The warehouse column of a schema: `prefix` ("unstruct_event_" or
 * "contexts_") + stem + "_" + model, e.g.
 * "contexts_com_snowplowanalytics_snowplow_ecommerce_product_1". NULL when
 * the reference has no model version. Allocated in `arena`. */
SIG_API char *sig_schema_column(sig_arena *arena, const char *prefix, const sig_schema_ref *ref);

/* A warehouse column name taken apart: "contexts_<stem>_<model>" or
 * "unstruct_event_<stem>_<model>". */
typedef struct sig_warehouse_column {
    bool is_event;        /* unstruct_event_ (an event); else contexts_ */
    const char *stem;     /* "<vendor>_<name>", inside the parsed text (no NUL) */
    size_t stem_len;      /* > 0 */
    int model;            /* the major version: 1 to 9 digits after the last '_' */
} sig_warehouse_column;

/* Parses the first `len` bytes of `text` as exactly one such column name
 * (no `[i]` or `.path` after it). Returns false, leaving `out` unspecified,
 * for another prefix, an empty stem, or no `_` and 1 to 9 digits at the
 * end. The inverse of sig_schema_column() up to the stem's spelling. */
SIG_API bool sig_warehouse_column_parse(const char *text, size_t len, sig_warehouse_column *out);

#endif
