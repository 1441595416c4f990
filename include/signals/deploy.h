/* deploy.h: plan, publish, unpublish, delete, sync and test-connection over
 * the Signals API client (client.h), from the typed requests the api
 * backend compiles (api_requests.h).
 *
 * Plan semantics (documented in man/signalsc.1):
 *   - every object of the spec is fetched (GET its item path; 404 = not
 *     deployed) and compared field by field with the body publishing would
 *     send: `+` create, `~` update (each changed field as a JSON pointer,
 *     old -> new), `=` unchanged;
 *   - `plan` and `publish` never propose deleting objects the spec does not
 *     have: the registry is shared, and nothing tells which deployed objects
 *     came from this spec. `delete` plans `-` for the spec's objects that are
 *     deployed (and skips those that are not);
 *   - fields the API computes (feast_name, full_name, stream_source_name,
 *     attribute_key_or_name, *_ttl summaries, entity_key, blobl_path) and
 *     null values are not differences; a value the spec no longer sets is
 *     (old -> absent).
 * Apply: keys, then groups (views), then services, each as POST on the
 * collection and PUT on the item when the POST answers 400 (already
 * exists); only objects the plan shows as created or updated are sent. The
 * View-era API then gets POST feature_store/apply. Delete runs in reverse
 * order (services, groups, keys); a 404 there means already gone. */
#ifndef SIGNALS_API_DEPLOY_H
#define SIGNALS_API_DEPLOY_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "signals/export.h"
#include "signals/client.h"
#include "signals/api_requests.h"
#include "signals/signals.h"

/* One field difference: JSON pointer path, old and new values as compact
 * JSON (NULL = absent). */
typedef struct api_change {
    const char *path;
    const char *old_json;
    const char *new_json;
} api_change;

/* Differences from `deployed` to `desired`, appended to *out (arena
 * vector, *n entries). Null and absent are equal; keys the API computes
 * (see above) are ignored when the desired body lacks them; arrays are
 * compared element by element. Returns the number of changes. */
SIG_API size_t api_diff(sig_arena *a, const cJSON *deployed, const cJSON *desired,
                        api_change **out, size_t *n)
    SIG_SYMBOL("sig_api_diff");

typedef enum api_kind { API_OBJ_KEY, API_OBJ_GROUP, API_OBJ_SERVICE, API_OBJ_INTERVENTION } api_kind;

typedef enum api_action {
    API_ACT_UNKNOWN,    /* dry run: not fetched */
    API_ACT_CREATE,
    API_ACT_UPDATE,
    API_ACT_SAME,
    API_ACT_DELETE,
    API_ACT_ABSENT,     /* delete/unpublish of an object that is not deployed */
} api_action;

typedef struct api_object {
    api_kind kind;
    const char *name;
    int version;              /* groups; 0 otherwise */
    const char *post_path;    /* registry/attribute_groups/ */
    const char *item_path;    /* registry/attribute_groups/NAME/versions/V */
    cJSON *body;              /* desired body (owned), for the diff */
    const char *text;         /* the body as sent: the backend's exact text
                               * (numbers keep their form, 0.0 stays 0.0) */
    api_action action;
    api_change *changes;
    size_t nchanges;
} api_object;

typedef struct api_deploy {
    bool views;               /* View-era API */
    api_object *objs;
    size_t n;
} api_deploy;

/* The objects to deploy, from the typed requests the api backend compiled
 * (sig_api_compile(), api_requests.h), in their order: the kind, name,
 * version and paths are taken as they are; each body is parsed once (a
 * cJSON tree owned by `d`) for the field-by-field comparison with the
 * deployed object, and sent as its exact text. The View era's
 * `feature_store/apply` is not an object (api_run sends it). Strings are
 * borrowed from `reqs` (its output's arena), which must outlive `d`.
 * Returns false (E0948 queued, `d` empty) when a request has no JSON body
 * or object path (an internal error) or memory runs out.
 *
 * `plan`, `publish`, `unpublish` and `delete` compile the spec they are
 * given in memory and deploy that: there is no compiled directory to read
 * back. */
SIG_API bool api_deploy_load(sig_ctx *ctx, const sig_api_requests *reqs, api_deploy *d)
    SIG_SYMBOL("sig_api_deploy_load");
/* Frees the bodies api_deploy_load() parsed (the rest lives in the
 * context's arena). */
SIG_API void api_deploy_free(api_deploy *d) SIG_SYMBOL("sig_api_deploy_free");

typedef enum api_verb { API_VERB_PLAN, API_VERB_PUBLISH, API_VERB_UNPUBLISH, API_VERB_DELETE } api_verb;

/* Outcomes of api_run(). */
typedef enum api_outcome {
    API_DONE = 0,       /* applied, or nothing to do */
    API_CHANGES = 3,    /* plan: there are changes */
    API_ERROR = 1,      /* an API or input error (diagnostics queued) */
    API_REFUSED = 4,    /* not confirmed (declined, or no terminal and no --yes) */
} api_outcome;

typedef struct api_run_options {
    api_verb verb;
    bool json;          /* --format json: the plan as one JSON document on `out` */
    bool yes;           /* --yes: apply without asking */
    FILE *out;          /* plan and progress (stdout) */
    /* Asks the question; returns 1 yes, 0 no, -1 cannot ask (no terminal). */
    int (*confirm)(void *ud, const char *question);
    void *confirm_ud;
} api_run_options;

/* Plans `d` against the deployed objects (fills each object's action and
 * changes), prints the plan to o->out, then for publish, unpublish and
 * delete asks o->confirm (unless o->yes) and applies it. Errors are queued
 * on `ctx` (API_ERROR). */
SIG_API api_outcome api_run(sig_ctx *ctx, api_client *c, api_deploy *d, const api_run_options *o)
    SIG_SYMBOL("sig_api_run");

/* `sync VIEW[:VERSION]`: register the table of the group's attributes as
 * its batch source, then publish the group to the engines. Attribute-groups
 * era (SDK 0.4.10): GET the deployed group, set its `batch_source` member (a
 * BatchSource: name, timestamp_field, description, owner, database, schema,
 * table; absent ones omitted), PUT it back with only the members of an
 * AttributeGroupInput, then POST engines/publish naming it; a group that is
 * not deployed is E0951. View era: PUT the view's BatchSourceConfig on
 * registry/views/NAME/versions/V/batch_source, then POST
 * feature_store/apply. The source comes from the options, else the spec's
 * `source`, else the dbt backend's `{view}_v{N}_attributes` table. `m` may
 * be NULL (no spec given): then database and schema must be given (E0951). */
typedef struct api_sync_options {
    const char *view;
    int version;        /* 0: the spec's only version of the view, else 1 */
    const char *database, *schema, *table, *timestamp_field, *name;
    const char *created_timestamp_column; /* View era only */
    FILE *out;
} api_sync_options;

SIG_API api_outcome api_sync(sig_ctx *ctx, api_client *c, const sig_model *m, bool views,
                             const api_sync_options *o)
    SIG_SYMBOL("sig_api_sync");

/* `test-connection`: the auth check (a registry list request through the
 * whole token flow) and GET /health-all. */
SIG_API api_outcome api_test_connection(sig_ctx *ctx, api_client *c, bool views,
                                        bool check_auth, bool check_api, FILE *out)
    SIG_SYMBOL("sig_api_test_connection");

#endif
