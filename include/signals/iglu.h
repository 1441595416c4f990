/* iglu.h: the JSON Schemas of a spec's events and entities (Iglu).
 *
 * Every Snowplow event and entity is described by a self-describing JSON
 * Schema kept in an Iglu repository (https://docs.snowplow.io/docs/
 * api-reference/iglu/). signalsc reads them from local directories laid out
 * as a static repository, `DIR/schemas/VENDOR/NAME/FORMAT/M-R-A`, and checks
 * the fields a spec reads against them (codes E0440-E0449).
 *
 * Where schemas come from, in priority order:
 *   1. the directories given with sig_iglu_add_repo() (`--iglu-repo DIR`);
 *   2. the pulled directory next to the first root file of the spec,
 *      SIG_IGLU_PULLED_DIR, which `signalsc schemas pull` fills from remote
 *      repositories (it is itself a static repository, plus a lock file).
 * check and compile never touch the network. With no repository at all the
 * schema checks are off and nothing is reported (but E0446, fields read
 * from page_view and the other canonical events, which needs no schema);
 * with one, a schema that is in none of them is warning W0111, never an
 * error.
 *
 * Schemas are read lazily: only the ones a spec's events and contexts name,
 * once per compilation. Everything is owned by the context's arena. */
#ifndef SIGNALS_IGLU_H
#define SIGNALS_IGLU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "signals/export.h"
#include "signals/model.h"

struct sig_ctx;

/* The directory `schemas pull` writes, next to the spec, and its lock file
 * inside it (JSON, documented in docs/language.md, "Iglu schemas"). */
#define SIG_IGLU_PULLED_DIR "iglu_schemas"
#define SIG_IGLU_LOCK_FILE "iglu-lock.json"

/* Adds a static repository directory (holding `schemas/`) to `ctx`, after
 * those added before. Call before sig_ctx_check(). `dir` is copied. A
 * directory that does not exist is warning W0112 at check time. */
SIG_API void sig_iglu_add_repo(struct sig_ctx *ctx, const char *dir);

/* The schema files the check of `ctx` read (one per resolved reference,
 * whether it parsed or not), sorted, without repeats: for build systems'
 * dependency files. Sets *out to an array in ctx's arena (NULL when none).
 * Directories listed to resolve `1-*-*` are not files read and are not
 * included. Returns the count. */
SIG_API size_t sig_iglu_files_read(struct sig_ctx *ctx, const char *const **out);

/* JSON types of a schema node, as a bit set. */
enum {
    SIG_JSON_STRING = 1u << 0,
    SIG_JSON_INTEGER = 1u << 1,
    SIG_JSON_NUMBER = 1u << 2,
    SIG_JSON_BOOLEAN = 1u << 3,
    SIG_JSON_OBJECT = 1u << 4,
    SIG_JSON_ARRAY = 1u << 5,
    SIG_JSON_NULL = 1u << 6
};

/* What the schema says about the field a property reads. */
typedef struct sig_iglu_field {
    const char *schema_uri;    /* the resolved schema: "iglu:v/n/jsonschema/1-0-2" */
    unsigned json_types;       /* SIG_JSON_* bits; 0 = the schema does not say */
    const char *format;        /* "date-time", ...; NULL if none */
    const char *description;   /* NULL if none */
    size_t nenum;              /* the `enum` values, as JSON text ("\"a\"", "3") */
    const char *const *enum_json;
    /* The Field type the value maps to (string, int64, double, bool, and
     * their lists for arrays of those), when the non-null JSON types name
     * exactly one; else sql_type_known is false. */
    bool sql_type_known;
    sig_type sql_type;
} sig_iglu_field;

/* Looks up the field read by `p` (an event or entity property of a model
 * that `ctx` checked) in its schema. Returns false when the property is an
 * atomic column, its schema was not found, or the path is not in it.
 * `out` points into the context's arena. */
SIG_API bool sig_iglu_field_info(struct sig_ctx *ctx, const sig_property *p, sig_iglu_field *out);

/* The property names that the schema of `ref`, as resolved for `ctx` (a
 * context that sig_ctx_check() ran on, so its repositories are known),
 * declares at `path`: `npath` field names from the top-level object; a
 * field holding an array is entered through its items. For completion in
 * editors. Returns how many names and sets *names to them, in schema order
 * (owned by the context's arena); 0 and NULL when no repository is
 * configured, the schema or the path is not found, or the object there
 * declares no properties. */
SIG_API size_t sig_iglu_field_names(struct sig_ctx *ctx, const sig_schema_ref *ref,
                                    const char *const *path, size_t npath,
                                    const char *const **names);

/* ------------------------------------------------------------ pulling */

/* Options of sig_iglu_pull(). Strings are borrowed for the call. */
typedef struct sig_iglu_pull_options {
    const char *const *files;  /* the spec's root files (their imports are followed) */
    size_t nfiles;
    /* A resolver configuration (iglu:com.snowplowanalytics.iglu/
     * resolver-config/jsonschema/1-0-x), or NULL for Iglu Central only. */
    const char *resolver_path;
    /* Where to write; NULL: SIG_IGLU_PULLED_DIR next to files[0]. */
    const char *out_dir;
    double connect_timeout;    /* seconds; <= 0: 5 */
    double timeout;            /* seconds per request; <= 0: 20 */
    bool allow_insecure_http;  /* http:// to hosts that are not loopback */
    bool verbose;              /* log each request to `log` */
} sig_iglu_pull_options;

/* Parses and checks the spec, then fetches each schema its events and
 * contexts name from the resolver's repositories (those whose
 * vendorPrefixes match first, then by priority, then in file order; a repository that is down, slow or answers garbage is skipped
 * with a warning and not asked again), writes the schemas found into the
 * pulled directory as a static repository and the lock file with each
 * reference's resolved version and repository. A starred or missing
 * version is resolved by probing upwards from M-0-0 (SchemaVer versions
 * have no gaps: M-R-(A+1), else M-(R+1)-0, else, when the model is free,
 * (M+1)-0-0), which static repositories and Iglu Servers both answer. HTTP
 * goes through libcurl, loaded at run time (sig_http_get()). `ctx` is a
 * fresh context: the files are added to it. Diagnostics are queued on it
 * (W0111 schemas found nowhere, W0112 repository failures, E0448 bad
 * resolver configuration); progress lines go to `log` when non-NULL.
 * Returns 0 when every schema was found, 1 when some were not or the spec
 * has errors, 2 when the configuration is unusable. */
SIG_API int sig_iglu_pull(struct sig_ctx *ctx, const sig_iglu_pull_options *opts, FILE *log);

#endif
