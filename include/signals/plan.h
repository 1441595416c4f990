/* plan.h: the typed plan of an offline view, lowered once from the model.
 *
 * What docs/language.md section 6 computes, with no SQL in it: where the
 * view's events come from (event filters, deduplication, the property
 * columns to extract and how each converts), the partial states each
 * attribute keeps per (entity, day) and how they merge across days (the
 * rows of signals/aggregations.def), the window of each attribute and how
 * its value is finished. A backend renders the plan; it does not re-derive
 * it. `signalsc debug plan SPEC` prints it as JSON (docs/plan-json.md).
 *
 * Every pointer is owned by the arena passed to sig_plan_view() and points
 * into the model where it names model objects; nothing is ever modified
 * after lowering. Arrays are (pointer, count) pairs in a deterministic
 * order: the view's attributes in order, and for each its value, then its
 * `all` criteria, then its `any` criteria (first use wins).
 *
 * Where the redesign stands (read before extending; docs/plan-json.md has
 * the full note): the dbt backend reads property columns, event filters,
 * states, merges, finishes and windows from here, and renders each
 * incremental block in either materialisation (dbt incremental, or the
 * DDL backend's full recompute). Its expressions are built as a tree
 * and rendered per dialect (backends/dbt/sqlx.h); the models' layout
 * around them is still text. */
#ifndef SIGNALS_PLAN_H
#define SIGNALS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signals/arena.h"
#include "signals/export.h"
#include "signals/model.h"

/* How a property value is converted (docs/language.md section 4): read as
 * text, then parsed, unless an atomic column casts directly. */
typedef enum sig_plan_conv {
    SIG_PLAN_CONV_TEXT,
    SIG_PLAN_CONV_INT32,
    SIG_PLAN_CONV_INT64,
    SIG_PLAN_CONV_DOUBLE,
    SIG_PLAN_CONV_BOOL,
    SIG_PLAN_CONV_TIMESTAMP,
    SIG_PLAN_CONV__COUNT
} sig_plan_conv;

/* "string", "int32", "int64", "double", "bool", "timestamp": the column
 * suffix and the JSON name. "?" when out of range. Static storage. */
SIG_API const char *sig_plan_conv_name(sig_plan_conv c);
/* "as text", "as a 32-bit integer", ...: for comments. Static storage. */
SIG_API const char *sig_plan_conv_words(sig_plan_conv c);
/* The Field scalar a conversion yields (SIG_PLAN_CONV_TEXT: SIG_STRING). */
SIG_API sig_scalar sig_plan_conv_scalar(sig_plan_conv c);

/* A property the view reads; the events stage extracts it once. */
typedef struct sig_plan_prop {
    const char *key;           /* identity: "atomic:COL" or "json:COL:$[0].a" */
    const sig_property *prop;  /* the first use's property */
    const char *base;          /* base of its column names: [a-z0-9_], unique
                                * in the view ignoring case */
    const char *path;          /* JSON properties: the path into the warehouse
                                * column, entity index first ("$[0].price");
                                * atomic: NULL */
    bool needs_raw;            /* its text is extracted (`<base>__raw`) */
    bool needs_number;         /* ... and read as a number (`<base>__number`) */
} sig_plan_prop;

/* A column of the events stage: a property converted one way. */
typedef struct sig_plan_column {
    const sig_plan_prop *prop;
    sig_plan_conv conv;
    bool direct;               /* an atomic column only cast, no trip via text */
    const char *name;          /* `<base>__<conv name>` */
} sig_plan_column;

/* One criterion, compared on the column of its property converted the way
 * its literal is typed (a number literal: double; like: text). */
typedef struct sig_plan_criterion {
    const sig_criterion *criterion;
    const sig_plan_column *column;
} sig_plan_criterion;

/* A partial state per (entity, day) (model.h sig_state_kind). */
typedef struct sig_plan_state {
    sig_state_kind kind;
    const char *column;        /* `<attribute>__<suffix>`; NULL for values
                                * (rows of the daily values stage) */
    sig_type type;             /* int64 for counts, else the value's type */
    /* An earlier attribute of the view keeps the same state (same kind,
     * events, criteria and value; windows may differ, as they apply when
     * days merge): `column` is that attribute's, computed once. Value sets
     * are never shared (their rows are keyed by attribute). */
    bool shared;
} sig_plan_state;

typedef struct sig_plan_attr {
    const sig_attribute *attr;
    const sig_agg_info *agg;
    const size_t *events;      /* indices into sig_plan.events, one per
                                * event of the attribute, in its order */
    size_t nevents;
    const sig_plan_criterion *all;
    size_t nall;
    const sig_plan_criterion *any;
    size_t nany;
    const sig_plan_column *value; /* NULL when the aggregation reads none */
    const char *match;         /* the per-event flag column `<attribute>__match`;
                                * NULL when every state is shared (unread) */
    sig_plan_state states[SIG_STATE__COUNT]; /* in sig_state_kind order */
    size_t nstates;
    int64_t window_days;       /* whole days ending today; 0 = lifetime */
    const char *window;        /* "in_last_<N>_days", NULL for lifetime */
} sig_plan_attr;

typedef struct sig_plan {
    const sig_view *view;
    const char *prefix;        /* "<view>_v<version>": the model name prefix */
    const char *entity;        /* the entity column (the key's name) */
    const sig_property *entity_property;
    /* The event types the view reads, one per distinct filter (vendor, name,
     * version pattern), in order of first use. */
    const sig_event *const *events;
    size_t nevents;
    const sig_plan_prop *const *props;
    size_t nprops;
    const sig_plan_column *const *columns;
    size_t ncolumns;
    const sig_plan_attr *attrs; /* one per attribute, the view's order */
    size_t nattrs;
    bool has_lists;            /* some attribute keeps a value set */
    unsigned list_scalars;     /* bit sig_scalar: element types of value sets */
} sig_plan;

/* The JSONPath into the warehouse column of JSON property `p` (event or
 * entity): the entity index first, then the steps, fields that are not
 * identifiers double-quoted: "$[0].price", "$.a[2].\"b c\"". Allocated in
 * `arena`; "$" for an atomic property. */
SIG_API const char *sig_plan_path(sig_arena *arena, const sig_property *p);

/* Lowers view `v` (offline, with attributes, from a checked model) into a
 * plan allocated in `arena`. Never fails (the model is checked); returns
 * NULL only when `v` or `arena` is NULL. */
SIG_API const sig_plan *sig_plan_view(sig_arena *arena, const sig_view *v);

/* Whether every offline view with attributes of `model` can be lowered
 * for a warehouse backend (`backend` names it in messages: "dbt", "ddl"):
 * false after queuing an E0360 error on `ctx` for each attribute whose
 * aggregation row says the warehouse does not compute it
 * (aggregations.def WAREHOUSE), whose type is `timestamp` or `dict`, or
 * whose property or criteria have a date part or a calculated property.
 * sig_compile() calls it before the dbt and DDL backends run. */
SIG_API bool sig_plan_supported(struct sig_ctx *ctx, const sig_model *model,
                                const char *backend);

/* Whether view `v` has nothing sig_plan_supported() rejects (false for
 * NULL); scratch text goes to `arena`. sig_plan_view() is only meaningful
 * for such a view. */
SIG_API bool sig_plan_view_supported(sig_arena *arena, const sig_view *v);

/* The plans of every offline view with attributes of `model` that
 * sig_plan_view_supported() accepts (the others have no plan), as JSON
 * (docs/plan-json.md): a malloc'd, NUL-terminated, deterministic string
 * the caller frees, or NULL when memory runs out. */
SIG_API char *sig_plan_json(const sig_model *model);

#endif
