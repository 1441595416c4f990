/* sync.c: `sync` (register the warehouse table of a group's attributes as
 * its batch source, then publish the group to the engines) and
 * `test-connection` (see deploy.h). */
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"
#include "signals/deploy.h"

/* What `sync` registers: the group and its batch source, from the flags,
 * else the spec's `source`, else the dbt backend's attributes table. */
typedef struct sync_src {
    const char *group;
    int version;
    const char *database, *schema, *table, *timestamp_field, *name;
    const char *created_timestamp_column; /* View era only */
    const char *description, *owner;      /* NULL: not sent */
    const sig_batch_source *declared;     /* the spec's source, or NULL */
} sync_src;

/* The spec's version of the group named in `o`; NULL when `m` is NULL. */
static bool find_view(sig_ctx *ctx, const sig_model *m, const api_sync_options *o, const sig_view **out)
{
    *out = NULL;
    if (!m) return true;
    sig_arena *a = sig_ctx_arena(ctx);
    const sig_view *v = NULL;
    for (size_t i = 0; i < m->nviews; i++) {
        const sig_view *w = m->views[i];
        if (strcmp(w->name, o->view) != 0 || (o->version && w->version != o->version)) continue;
        if (v && !o->version) {
            sig_diag *dg = sig_error(ctx, SIG_NOLOC, "E0951", "the spec has more than one version of view `%s`",
                                     o->view);
            sig_diag_help(ctx, dg, "name the version: %s:%d", o->view, w->version);
            return false;
        }
        v = w;
    }
    if (!v) {
        const char **names = SIG_NEW_ARRAY(a, const char *, m->nviews + 1);
        for (size_t i = 0; i < m->nviews; i++) names[i] = m->views[i]->name;
        sig_diag *dg = o->version
                           ? sig_error(ctx, SIG_NOLOC, "E0951", "no view `%s` v%d in the spec", o->view, o->version)
                           : sig_error(ctx, SIG_NOLOC, "E0951", "no view `%s` in the spec", o->view);
        const char *s = sig_did_you_mean(o->view, names, m->nviews);
        if (s) sig_diag_suggest(ctx, dg, s);
        return false;
    }
    *out = v;
    return true;
}

static bool resolve_source(sig_ctx *ctx, const sig_model *m, bool views, const api_sync_options *o, sync_src *s)
{
    sig_arena *a = sig_ctx_arena(ctx);
    const sig_view *v;
    if (!find_view(ctx, m, o, &v)) return false;
    int version = v ? v->version : (o->version ? o->version : 1);
    const sig_batch_source *src = v ? v->source : NULL;
    /* A computed view's table is the dbt backend's `{view}_v{N}_attributes`
     * (one row per entity, stamped with updated_at). */
    const char *dflt_table = sig_arena_printf(a, "%s_v%d_attributes", o->view, version);
    *s = (sync_src){
        .group = o->view,
        .version = version,
        .database = o->database ? o->database : src ? src->database : NULL,
        .schema = o->schema ? o->schema : src ? src->schema : NULL,
        .table = o->table ? o->table : src ? src->table : dflt_table,
        .timestamp_field = o->timestamp_field ? o->timestamp_field
                           : src && src->timestamp_field ? src->timestamp_field : "updated_at",
        .name = o->name ? o->name : src ? src->name : dflt_table,
        .created_timestamp_column = o->created_timestamp_column ? o->created_timestamp_column
                                    : src ? src->created_timestamp_column : NULL,
        /* A declared source is sent as written; a computed view's table
         * gets the view's owner and a description. */
        .owner = src ? src->owner : v ? v->owner : NULL,
        .description = src ? src->description
                           : sig_arena_printf(a, "Attributes of %s v%d, computed by signalsc's dbt project",
                                              o->view, version),
        .declared = src,
    };
    bool need_ctc = views && !s->created_timestamp_column;
    if (!s->database || !*s->database || !s->schema || !*s->schema || need_ctc) {
        sig_diag *dg = sig_error(ctx, SIG_NOLOC, "E0951", "sync of `%s` v%d needs %s", o->view, version,
                                 need_ctc ? "--created-timestamp-column (the View-era API requires it)"
                                          : "the warehouse database and schema of the attributes table");
        sig_diag_help(ctx, dg, "pass --database DB --schema SCHEMA (the table defaults to `%s`)", dflt_table);
        return false;
    }
    return true;
}

static void add_opt(cJSON *o, const char *k, const char *v, bool null_if_absent)
{
    if (v) cJSON_AddStringToObject(o, k, v);
    else if (null_if_absent) cJSON_AddNullToObject(o, k);
}

/* View era: PUT registry/views/NAME/versions/V/batch_source with the
 * SDK 0.1.x BatchSourceConfig (`wh_schema`, `created_timestamp_column`,
 * `tags` required but nullable). */
static int put_views_source(sig_ctx *ctx, api_client *c, const sync_src *s)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "database", s->database);
    cJSON_AddStringToObject(b, "wh_schema", s->schema);
    cJSON_AddStringToObject(b, "table", s->table);
    cJSON_AddStringToObject(b, "name", s->name);
    cJSON_AddStringToObject(b, "timestamp_field", s->timestamp_field);
    cJSON_AddStringToObject(b, "created_timestamp_column", s->created_timestamp_column);
    if (s->declared && s->declared->ntags) {
        cJSON *t = cJSON_AddObjectToObject(b, "tags");
        for (size_t i = 0; i < s->declared->ntags; i++)
            cJSON_AddStringToObject(t, s->declared->tags[i].key, s->declared->tags[i].value);
    } else {
        cJSON_AddNullToObject(b, "tags");
    }
    add_opt(b, "description", s->description, true);
    add_opt(b, "owner", s->owner, true);
    char *body = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    const char *path = sig_arena_printf(sig_ctx_arena(ctx), "registry/views/%s/versions/%d/batch_source", s->group,
                                        s->version);
    api_response r;
    int rc = api_call(c, "PUT", path, body, NULL, &r);
    free(body);
    api_response_free(&r);
    return rc;
}

/* The members of an AttributeGroupInput (SDK 0.4.10 models/model.py): what
 * a PUT of the group may carry. The API's answer adds members it computes
 * (feast_name, full_name, ...), which a PUT must not send back. */
static const char *const group_input_keys[] = {
    "name", "version", "attribute_key", "ttl", "batch_source", "online", "offline", "description",
    "owner", "fields", "attributes", "is_published", "backfill_since_tstamp", "refresh_rate", NULL,
};

static bool is_input_key(const char *k)
{
    for (size_t i = 0; group_input_keys[i]; i++)
        if (strcmp(group_input_keys[i], k) == 0) return true;
    return false;
}

/* Attribute-groups era (SDK 0.4.10): the batch source is the group's own
 * `batch_source` member (a BatchSource: name, timestamp_field, description,
 * owner, database, schema, table; None omitted). The deployed group is
 * fetched, its batch_source set, and PUT back on its item path. */
static int put_group_source(sig_ctx *ctx, api_client *c, const sync_src *s)
{
    sig_arena *a = sig_ctx_arena(ctx);
    const char *path = sig_arena_printf(a, "registry/attribute_groups/%s/versions/%d", s->group, s->version);
    static const long expect_404[] = {404, 0};
    api_response r;
    int rc = api_call(c, "GET", path, NULL, expect_404, &r);
    if (rc != API_SENT) { api_response_free(&r); return rc; }
    if (r.status == 404 || !cJSON_IsObject(r.json)) {
        sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0951", "attribute group `%s` v%d is %s", s->group, s->version,
                                r.status == 404 ? "not deployed" : "not an object in the API's answer");
        if (r.status == 404) sig_diag_help(ctx, d, "publish it first: signalsc publish SPEC");
        api_response_free(&r);
        return API_FAILED;
    }
    cJSON *g = cJSON_CreateObject();
    for (cJSON *it = r.json->child; it; it = it->next)
        if (is_input_key(it->string) && strcmp(it->string, "batch_source") != 0)
            cJSON_AddItemToObject(g, it->string, cJSON_Duplicate(it, true));
    api_response_free(&r);
    cJSON *b = cJSON_AddObjectToObject(g, "batch_source");
    cJSON_AddStringToObject(b, "name", s->name);
    cJSON_AddStringToObject(b, "timestamp_field", s->timestamp_field);
    add_opt(b, "description", s->description, false);
    add_opt(b, "owner", s->owner, false);
    cJSON_AddStringToObject(b, "database", s->database);
    cJSON_AddStringToObject(b, "schema", s->schema);
    cJSON_AddStringToObject(b, "table", s->table);
    char *body = cJSON_PrintUnformatted(g);
    cJSON_Delete(g);
    rc = api_call(c, "PUT", path, body, NULL, &r);
    free(body);
    api_response_free(&r);
    return rc;
}

/* Publishes the group to the engines: View era POST feature_store/apply;
 * else POST engines/publish with a SelectivePublishRequest naming it. */
static int publish_group(sig_ctx *ctx, api_client *c, bool views, const sync_src *s, FILE *out)
{
    api_response r;
    int rc;
    if (views) {
        rc = api_call(c, "POST", "feature_store/apply", NULL, NULL, &r);
    } else {
        cJSON *p = cJSON_CreateObject();
        cJSON *l = cJSON_AddArrayToObject(p, "attribute_groups");
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "name", s->group);
        cJSON_AddNumberToObject(g, "version", s->version);
        cJSON_AddItemToArray(l, g);
        char *pb = cJSON_PrintUnformatted(p);
        cJSON_Delete(p);
        rc = api_call(c, "POST", "engines/publish", pb, NULL, &r);
        free(pb);
    }
    if (rc == API_SENT) {
        const cJSON *st = r.json ? cJSON_GetObjectItemCaseSensitive(r.json, "status") : NULL;
        fprintf(out, "engines: %s (%ld)\n", api_shown(sig_ctx_arena(ctx), st, "(no status)"), r.status);
    }
    api_response_free(&r);
    return rc;
}

api_outcome api_sync(sig_ctx *ctx, api_client *c, const sig_model *m, bool views, const api_sync_options *o)
{
    FILE *out = o->out ? o->out : stdout;
    sync_src s;
    if (!resolve_source(ctx, m, views, o, &s)) return API_ERROR;
    int rc = views ? put_views_source(ctx, c, &s) : put_group_source(ctx, c, &s);
    if (rc == API_FAILED) return API_ERROR;
    if (rc == API_SENT)
        fprintf(out, "registered batch source `%s` (%s.%s.%s) for `%s` v%d\n", s.name, s.database, s.schema,
                s.table, s.group, s.version);
    if (publish_group(ctx, c, views, &s, out) == API_FAILED) return API_ERROR;
    return API_DONE;
}

/* ====================================================== test-connection */

api_outcome api_test_connection(sig_ctx *ctx, api_client *c, bool views, bool check_auth, bool check_api, FILE *out)
{
    bool ok = true;
    if (check_auth) {
        api_response r;
        const char *path = views ? "registry/views/?offline=true" : "registry/attribute_groups/?offline=true";
        int rc = api_call(c, "GET", path, NULL, NULL, &r);
        if (rc == API_SENT) fprintf(out, "ok    authentication (GET /api/v1/%s: %ld)\n", path, r.status);
        else if (rc == API_FAILED) {
            fprintf(out, "FAIL  authentication (GET /api/v1/%s)\n", path);
            ok = false;
        }
        api_response_free(&r);
    }
    if (check_api) {
        api_response r;
        int rc = api_health(c, &r);
        if (rc == API_SENT) {
            const cJSON *st = r.json ? cJSON_GetObjectItemCaseSensitive(r.json, "status") : NULL;
            bool good = r.status >= 200 && r.status < 300 && cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0;
            sig_arena *a = sig_ctx_arena(ctx);
            fprintf(out, "%s  API health (GET /health-all: %ld, status %s)\n", good ? "ok  " : "FAIL", r.status,
                    api_shown(a, st, r.json ? "missing" : "not JSON"));
            const cJSON *deps = r.json ? cJSON_GetObjectItemCaseSensitive(r.json, "dependencies") : NULL;
            const cJSON *dep;
            cJSON_ArrayForEach(dep, deps) {
                bool dg = cJSON_IsString(dep) && strcmp(dep->valuestring, "ok") == 0;
                cJSON key = {.type = cJSON_String, .valuestring = dep->string};
                fprintf(out, "        %s %s: %s\n", dg ? "ok  " : "FAIL", api_shown(a, &key, "?"), api_shown(a, dep, "?"));
            }
            if (!good) {
                sig_diag *d = sig_error(ctx, SIG_NOLOC, "E0950", "the Signals API is not healthy: GET /health-all answered %ld%s%s",
                                        r.status, cJSON_IsString(st) ? " with status " : "", api_shown(a, st, ""));
                (void)d;
                ok = false;
            }
        } else if (rc == API_FAILED) {
            fprintf(out, "FAIL  API health (GET /health-all)\n");
            ok = false;
        }
        api_response_free(&r);
    }
    return ok ? API_DONE : API_ERROR;
}
