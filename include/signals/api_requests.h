/* api_requests.h: the requests the Signals API backend (`--backend api`)
 * compiles, as typed values: what `plan`, `publish`, `unpublish` and
 * `delete` (deploy.h) work on.
 *
 * The backend writes one JSON body file per object and plan.json (the same
 * requests as JSON, for people and scripts). A program that sends them
 * reads this list instead: each request says what object it is, and which
 * paths create, fetch, update and delete it, so nothing has to be parsed
 * back out of the files or guessed from a URL. Paths are relative to the
 * API's /api/v1/ (the Python SDK's ApiClient joins them the same way). */
#ifndef SIGNALS_API_REQUESTS_H
#define SIGNALS_API_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "signals/export.h"
#include "signals/signals.h"

/* What a request is about. Both eras: KEY is an attribute key (View era:
 * an entity), GROUP an attribute group (View era: a view). APPLY is the
 * View era's `POST feature_store/apply`, sent last, about no object. */
typedef enum sig_api_kind {
    SIG_API_KEY,
    SIG_API_GROUP,
    SIG_API_SERVICE,
    SIG_API_INTERVENTION, /* a RuleIntervention, versioned like a group */
    SIG_API_APPLY,
} sig_api_kind;

/* One request, in the order publishing sends them (keys, groups, services,
 * interventions: a group refers to its key, a service to its groups, an
 * intervention to keys and groups). */
typedef struct sig_api_request {
    sig_api_kind kind;
    const char *name;       /* the object's `name`; NULL for APPLY */
    int version;            /* a group's version (>= 1); 0 for the others */
    const char *method;     /* "POST" */
    const char *path;       /* the collection: "registry/attribute_groups/" */
    /* The object's own path, for GET (plan), PUT (when the POST answers 400:
     * it exists), DELETE: "registry/attribute_groups/NAME/versions/V",
     * "registry/attribute_keys/NAME", "registry/services/NAME". NULL for
     * APPLY. */
    const char *item_path;
    const char *file;       /* the output file of the body: "attribute_groups/NAME_vV.json"; NULL for APPLY */
    const char *body;       /* the body as sent, byte for byte the file's text (NUL-terminated); NULL for APPLY */
    size_t body_len;
} sig_api_request;

/* The ordered requests of one compilation. Everything (the array and the
 * strings) lives in the arena of the output it was compiled with. */
typedef struct sig_api_requests {
    bool views;             /* the View-era target (`--target views`) */
    sig_api_request *items;
    size_t n, cap;
} sig_api_requests;

/* Compiles `model` with the api backend for `target` ("attribute-groups",
 * the default when NULL, or "views"): the same files as sig_compile() with
 * backend "api" are added to `out`, and the same requests, typed, are set
 * in *reqs (zeroed first). Returns true on success; false after queuing
 * errors on `ctx` (E0902 for an unknown target, the backend's own E09xx),
 * and then neither `out` nor *reqs may be used. */
SIG_API bool sig_api_compile(sig_ctx *ctx, const sig_model *model, const char *target,
                             sig_output *out, sig_api_requests *reqs);

#endif
