/* iglu_internal.h: the schema store shared by src/iglu*.c (not for the
 * rest of libsignals, which uses signals/iglu.h and the checker hook in
 * check_internal.h). */
#ifndef SIGNALS_IGLU_INTERNAL_H
#define SIGNALS_IGLU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "signals/arena.h"
#include "signals/iglu.h"
#include "signals/model.h"

struct sig_ctx;

/* One enum value of a schema node. */
typedef struct ig_enum {
    unsigned type;      /* one SIG_JSON_* bit */
    const char *str;    /* STRING: the value */
    double num;         /* INTEGER/NUMBER */
    bool b;             /* BOOLEAN */
    const char *json;   /* the value as JSON text */
} ig_enum;

/* A JSON Schema node reduced to what the checks need. oneOf/anyOf
 * alternatives are merged into their parent (types, properties, items
 * and enum values united); `$ref`s to `#/definitions/...` are followed. */
typedef struct ig_node {
    unsigned types;               /* SIG_JSON_* bits; 0: not constrained */
    bool opaque;                  /* an external `$ref`: anything goes */
    bool closed;                  /* additionalProperties: false */
    const char *format, *description;
    const char **names;           /* properties, schema order */
    struct ig_node **props;
    size_t nprops, propcap;
    struct ig_node *items;        /* arrays: the items' schema, or NULL */
    ig_enum *enums;
    size_t nenums;
} ig_node;

typedef struct ig_version { int m, r, a; } ig_version;

typedef enum ig_status {
    IG_FOUND,       /* schema set */
    IG_NO_SCHEMA,   /* the vendor/name/format is in no repository */
    IG_NO_VERSION,  /* it is, but not in a matching version: versions set */
    IG_BROKEN,      /* the file is not a JSON Schema: why set */
    IG_OFF          /* no repository configured: checks are off */
} ig_status;

typedef struct ig_lookup {
    ig_status status;
    const ig_node *root;
    ig_version version;           /* IG_FOUND: the resolved version */
    const char *uri;              /* IG_FOUND: "iglu:v/n/f/M-R-A" */
    const char *path;             /* IG_FOUND/IG_BROKEN: the file read */
    const ig_version *versions;   /* every version found, ascending */
    size_t nversions;
    const char *why;              /* IG_BROKEN */
} ig_lookup;

/* The store of `ctx` (created on first use). Resolves `ref` against the
 * repositories, loading the chosen file once; the answer is cached per
 * reference URI. */
const ig_lookup *ig_resolve(struct sig_ctx *ctx, const sig_schema_ref *ref);
/* Whether any repository is configured or the pulled directory exists. */
bool ig_enabled(struct sig_ctx *ctx);
/* Turns the schema checks off for `ctx` (`schemas pull` checks the spec
 * without the schemas it is about to fetch). */
void ig_disable(struct sig_ctx *ctx);
/* The configured repository directories (priority order) that do not
 * exist, for W0112; NULL-terminated, arena. */
const char *const *ig_missing_repos(struct sig_ctx *ctx);

/* Parses a schema document into nodes in `a`. NULL on failure (*why set). */
const ig_node *ig_parse_schema(sig_arena *a, const char *text, size_t len, const char **why);
/* The property `name` of `n` (merged alternatives included), or NULL. */
const ig_node *ig_child(const ig_node *n, const char *name);
/* "1-0-2" style text of `v`, arena. */
const char *ig_version_text(sig_arena *a, ig_version v);
/* Whether `v` matches the (possibly starred) version of `ref`. */
bool ig_version_matches(const sig_schema_ref *ref, ig_version v);
/* Parses "M-R-A" (all three present, non-negative). */
bool ig_version_parse(const char *s, ig_version *out);
/* The Field type of a node's non-null types, when there is exactly one. */
bool ig_sql_type(const ig_node *n, sig_type *out);
/* Fills the public description of a node. */
void ig_field_fill(sig_arena *a, const ig_node *n, const char *uri, sig_iglu_field *out);

/* Non-self-describing (canonical) Snowplow events: their data is in atomic
 * columns. Returns the columns (comma-separated text) for `name` of vendor
 * com.snowplowanalytics.snowplow, or NULL when `ref` is not one. */
const char *ig_canonical_columns(const sig_schema_ref *ref, const char *const **cols);

#endif
