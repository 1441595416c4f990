/* deploy.c: plan / publish / unpublish / delete / sync / test-connection
 * (see deploy.h). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "signals/deploy.h"
#include "signals/api_requests.h"
#include "api/json_out.h"
#include "client/client_internal.h"

/* ============================================================== diff */

static const char *const computed_keys[] = {
    "feast_name", "full_name", "stream_source_name", "attribute_key_or_name",
    "attribute_group_or_attribute_key_ttl", "view_or_entity_ttl", "entity_key", "blobl_path",
    /* registered by `sync` when the spec's view declares no source */
    "batch_source", NULL,
};

static bool is_computed(const char *k)
{
    for (size_t i = 0; computed_keys[i]; i++)
        if (strcmp(k, computed_keys[i]) == 0) return true;
    return false;
}

static bool absent(const cJSON *v) { return !v || cJSON_IsNull(v); }

typedef struct diffst {
    sig_arena *a;
    api_change **out;
    size_t *n, cap;
} diffst;

static const char *compact(sig_arena *a, const cJSON *v)
{
    if (absent(v)) return NULL;
    char *s = cJSON_PrintUnformatted(v);
    const char *r = sig_arena_strdup(a, s ? s : "?");
    free(s);
    return r;
}

static void add_change(diffst *st, const char *path, const cJSON *old, const cJSON *neu)
{
    if (*st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 8;
        api_change *nv = SIG_NEW_ARRAY(st->a, api_change, cap);
        if (*st->n) memcpy(nv, *st->out, *st->n * sizeof *nv);
        *st->out = nv;
        st->cap = cap;
    }
    (*st->out)[(*st->n)++] = (api_change){
        .path = path[0] ? path : "/",
        .old_json = compact(st->a, old),
        .new_json = compact(st->a, neu),
    };
}

static const char *ptr_join(sig_arena *a, const char *base, const char *key)
{
    sig_buf b = {.arena = a};
    sig_buf_puts(&b, base);
    sig_buf_putc(&b, '/');
    for (const char *p = key; *p; p++) {
        if (*p == '~') sig_buf_puts(&b, "~0");
        else if (*p == '/') sig_buf_puts(&b, "~1");
        else sig_buf_putc(&b, *p);
    }
    return sig_buf_str(&b);
}

static bool same_scalar(const cJSON *x, const cJSON *y)
{
    if (cJSON_IsNumber(x) && cJSON_IsNumber(y)) return x->valuedouble == y->valuedouble;
    return cJSON_Compare(x, y, true);
}

static void diff_rec(diffst *st, const char *path, const cJSON *old, const cJSON *neu)
{
    if (absent(old) && absent(neu)) return;
    if (absent(old) || absent(neu)) { add_change(st, path, old, neu); return; }
    if (cJSON_IsObject(old) && cJSON_IsObject(neu)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, neu)
            diff_rec(st, ptr_join(st->a, path, it->string), cJSON_GetObjectItemCaseSensitive(old, it->string), it);
        cJSON_ArrayForEach(it, old) {
            if (cJSON_GetObjectItemCaseSensitive(neu, it->string)) continue;
            if (absent(it) || is_computed(it->string)) continue;
            add_change(st, ptr_join(st->a, path, it->string), it, NULL);
        }
        return;
    }
    if (cJSON_IsArray(old) && cJSON_IsArray(neu)) {
        int no = cJSON_GetArraySize(old), nn = cJSON_GetArraySize(neu);
        int m = no > nn ? no : nn;
        for (int i = 0; i < m; i++) {
            const char *p = sig_arena_printf(st->a, "%s/%d", path, i);
            diff_rec(st, p, i < no ? cJSON_GetArrayItem(old, i) : NULL, i < nn ? cJSON_GetArrayItem(neu, i) : NULL);
        }
        return;
    }
    if (!same_scalar(old, neu)) add_change(st, path, old, neu);
}

size_t api_diff(sig_arena *a, const cJSON *deployed, const cJSON *desired, api_change **out, size_t *n)
{
    diffst st = {.a = a, .out = out, .n = n, .cap = *n};
    size_t before = *n;
    diff_rec(&st, "", deployed, desired);
    return *n - before;
}

/* ============================================================ objects */

bool api_deploy_load(sig_ctx *ctx, const sig_api_requests *reqs, api_deploy *d)
{
    memset(d, 0, sizeof *d);
    d->views = reqs->views;
    sig_arena *a = sig_ctx_arena(ctx);
    d->objs = calloc(reqs->n + 1, sizeof *d->objs);
    if (!d->objs) {
        sig_error(ctx, SIG_NOLOC, "E0948", "out of memory");
        return false;
    }
    for (size_t i = 0; i < reqs->n; i++) {
        const sig_api_request *r = &reqs->items[i];
        if (r->kind == SIG_API_APPLY) continue; /* sent after the objects (api_run) */
        /* The body as a JSON value, only to compare it field by field with
         * the server's answer: the text keeps the form of each number. */
        cJSON *b = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
        if (!b || !r->name || !r->item_path) {
            cJSON_Delete(b);
            sig_error(ctx, SIG_NOLOC, "E0948", "internal: the api backend's request for `%s` has no %s",
                      r->name ? r->name : "?", b ? "object path" : "JSON body");
            api_deploy_free(d);
            return false;
        }
        api_object *o = &d->objs[d->n++];
        o->kind = r->kind == SIG_API_KEY ? API_OBJ_KEY : r->kind == SIG_API_GROUP ? API_OBJ_GROUP
                  : r->kind == SIG_API_INTERVENTION ? API_OBJ_INTERVENTION : API_OBJ_SERVICE;
        o->name = r->name;
        o->version = r->version;
        o->post_path = r->path;
        o->item_path = r->item_path;
        o->body = b;
        o->text = sig_arena_strndup(a, r->body, r->body_len);
    }
    return true;
}

void api_deploy_free(api_deploy *d)
{
    for (size_t i = 0; i < d->n; i++) cJSON_Delete(d->objs[i].body);
    free(d->objs);
    memset(d, 0, sizeof *d);
}

static const char *kind_name(const api_deploy *d, api_kind k)
{
    switch (k) {
    case API_OBJ_KEY: return d->views ? "entity" : "attribute key";
    case API_OBJ_GROUP: return d->views ? "view" : "attribute group";
    case API_OBJ_SERVICE: return "service";
    case API_OBJ_INTERVENTION: return "intervention";
    }
    return "?";
}

static const char *kind_id(const api_deploy *d, api_kind k)
{
    switch (k) {
    case API_OBJ_KEY: return d->views ? "entity" : "attribute_key";
    case API_OBJ_GROUP: return d->views ? "view" : "attribute_group";
    case API_OBJ_SERVICE: return "service";
    case API_OBJ_INTERVENTION: return "intervention";
    }
    return "?";
}

/* A string the server sent, for the terminal: control characters (the ESC
 * of terminal escape sequences among them) become spaces. NULL: `dflt`. */
const char *api_shown(sig_arena *a, const cJSON *s, const char *dflt)
{
    if (!cJSON_IsString(s)) return dflt;
    char *r = sig_arena_strdup(a, s->valuestring);
    for (char *p = r; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F) *p = ' ';
    return r;
}

static const char *label(sig_arena *a, const api_deploy *d, const api_object *o)
{
    if (o->kind == API_OBJ_GROUP || o->kind == API_OBJ_INTERVENTION) return sig_arena_printf(a, "%s `%s` v%d", kind_name(d, o->kind), o->name, o->version);
    return sig_arena_printf(a, "%s `%s`", kind_name(d, o->kind), o->name);
}

static const char *action_name(api_action act, api_verb verb)
{
    switch (act) {
    case API_ACT_UNKNOWN: return "unknown";
    case API_ACT_CREATE: return "create";
    case API_ACT_UPDATE: return verb == API_VERB_UNPUBLISH ? "unpublish" : "update";
    case API_ACT_SAME: return "unchanged";
    case API_ACT_DELETE: return "delete";
    case API_ACT_ABSENT: return "absent";
    }
    return "?";
}

/* ================================================================ plan */

/* Sets is_published in the body (the attribute-groups era; the View era
 * gets it only to unpublish, as API v0.2.0 took it on the same paths). */
static void set_published(sig_arena *a, api_deploy *d, api_object *o, bool pub)
{
    if (d->views && pub) return;
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o->body, "is_published");
    if (v) cJSON_ReplaceItemInObjectCaseSensitive(o->body, "is_published", cJSON_CreateBool(pub));
    else cJSON_AddBoolToObject(o->body, "is_published", pub);
    /* The text: the backend prints is_published last, at the top level
     * (two spaces of indent); replace its value or add it. */
    const char *t = o->text;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == ' ')) n--;
    if (n == 0 || t[n - 1] != '}') return;
    size_t close = n - 1, e = close;
    while (e > 0 && (t[e - 1] == '\n' || t[e - 1] == ' ')) e--;
    static const char key[] = "\n  \"is_published\": ";
    const char *val = pub ? "true" : "false";
    for (size_t k = e; k > 0 && e - k < 40; k--) {
        if (strncmp(t + k - 1, key, sizeof key - 1) == 0) {
            o->text = sig_arena_printf(a, "%.*s%s%s", (int)(k - 1 + sizeof key - 1), t, val, t + e);
            return;
        }
    }
    o->text = sig_arena_printf(a, "%.*s,\n  \"is_published\": %s%s", (int)e, t, val, t + e);
}

static const long expect_404[] = {404, 0};
static const long expect_400[] = {400, 0};

/* Fetches each object and sets its action. Returns false on an error. */
static bool compute_plan(sig_ctx *ctx, api_client *c, api_deploy *d, api_verb verb)
{
    sig_arena *a = sig_ctx_arena(ctx);
    bool dry = api_client_dry_run(c) && verb != API_VERB_PLAN;
    for (size_t i = 0; i < d->n; i++) {
        api_object *o = &d->objs[i];
        if (verb != API_VERB_DELETE) set_published(a, d, o, verb != API_VERB_UNPUBLISH);
        if (dry) { o->action = API_ACT_UNKNOWN; continue; }
        api_response r;
        int rc = api_call(c, "GET", o->item_path, NULL, expect_404, &r);
        if (rc == API_DRY) { o->action = API_ACT_UNKNOWN; continue; }
        if (rc != API_SENT) return false;
        if (r.status == 404) {
            o->action = (verb == API_VERB_PLAN || verb == API_VERB_PUBLISH) ? API_ACT_CREATE : API_ACT_ABSENT;
        } else if (!cJSON_IsObject(r.json)) {
            sig_error(ctx, SIG_NOLOC, "E0948", "GET %s: the API answered %ld with something that is not an object",
                      o->item_path, r.status);
            api_response_free(&r);
            return false;
        } else if (verb == API_VERB_DELETE) {
            o->action = API_ACT_DELETE;
        } else {
            api_diff(a, r.json, o->body, &o->changes, &o->nchanges);
            o->action = o->nchanges ? API_ACT_UPDATE : API_ACT_SAME;
        }
        api_response_free(&r);
    }
    return true;
}

static bool has_changes(const api_deploy *d)
{
    for (size_t i = 0; i < d->n; i++) {
        api_action act = d->objs[i].action;
        if (act == API_ACT_CREATE || act == API_ACT_UPDATE || act == API_ACT_DELETE || act == API_ACT_UNKNOWN)
            return true;
    }
    return false;
}

static void print_value(FILE *out, const char *json)
{
    if (!json) { fputs("(absent)", out); return; }
    size_t n = strlen(json);
    if (n > 200) fprintf(out, "%.197s...", json);
    else fputs(json, out);
}

static void print_plan_text(sig_arena *a, const api_deploy *d, api_verb verb, FILE *out)
{
    size_t counts[6] = {0};
    static const char *const titles[] = {"publish", "publish", "unpublish", "delete"};
    fprintf(out, "Plan (%s, %s API):\n", titles[verb], d->views ? "views" : "attribute-groups");
    for (size_t i = 0; i < d->n; i++) {
        const api_object *o = &d->objs[i];
        counts[o->action]++;
        const char *l = label(a, d, o);
        switch (o->action) {
        case API_ACT_CREATE: fprintf(out, "  + create %s\n", l); break;
        case API_ACT_UPDATE:
            fprintf(out, "  ~ %s %s\n", verb == API_VERB_UNPUBLISH ? "unpublish" : "update", l);
            for (size_t j = 0; j < o->nchanges; j++) {
                fprintf(out, "      %s: ", o->changes[j].path);
                print_value(out, o->changes[j].old_json);
                fputs(" -> ", out);
                print_value(out, o->changes[j].new_json);
                fputc('\n', out);
            }
            break;
        case API_ACT_SAME:
            fprintf(out, "  = %s%s\n", l, verb == API_VERB_UNPUBLISH ? " (already unpublished)" : " (unchanged)");
            break;
        case API_ACT_DELETE: fprintf(out, "  - delete %s\n", l); break;
        case API_ACT_ABSENT: fprintf(out, "  . %s (not deployed: skipped)\n", l); break;
        case API_ACT_UNKNOWN: fprintf(out, "  ? %s (dry run: not fetched)\n", l); break;
        }
    }
    if (verb == API_VERB_DELETE)
        fprintf(out, "%zu to delete, %zu not deployed.\n", counts[API_ACT_DELETE], counts[API_ACT_ABSENT]);
    else if (verb == API_VERB_UNPUBLISH)
        fprintf(out, "%zu to unpublish, %zu unchanged, %zu not deployed.\n", counts[API_ACT_UPDATE],
                counts[API_ACT_SAME], counts[API_ACT_ABSENT]);
    else
        fprintf(out, "%zu to create, %zu to update, %zu unchanged.\n", counts[API_ACT_CREATE],
                counts[API_ACT_UPDATE], counts[API_ACT_SAME]);
    if (!has_changes(d)) fputs("No changes.\n", out);
}

static cJSON *json_value(const char *s)
{
    if (!s) return cJSON_CreateNull();
    cJSON *v = cJSON_Parse(s);
    return v ? v : cJSON_CreateString(s);
}

static void print_plan_json(const api_deploy *d, api_verb verb, FILE *out)
{
    static const char *const verbs[] = {"plan", "publish", "unpublish", "delete"};
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "verb", verbs[verb]);
    cJSON_AddStringToObject(root, "api_version", d->views ? API_TARGET_VIEWS : API_TARGET_GROUPS);
    cJSON_AddBoolToObject(root, "changes", has_changes(d));
    cJSON *objs = cJSON_AddArrayToObject(root, "objects");
    cJSON *sum = cJSON_CreateObject();
    int counts[6] = {0};
    for (size_t i = 0; i < d->n; i++) {
        const api_object *o = &d->objs[i];
        counts[o->action]++;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", kind_id(d, o->kind));
        cJSON_AddStringToObject(j, "name", o->name);
        if (o->kind == API_OBJ_GROUP || o->kind == API_OBJ_INTERVENTION)
            cJSON_AddNumberToObject(j, "version", o->version);
        cJSON_AddStringToObject(j, "action", action_name(o->action, verb));
        cJSON_AddStringToObject(j, "path", o->item_path);
        cJSON *f = cJSON_AddArrayToObject(j, "fields");
        for (size_t k = 0; k < o->nchanges; k++) {
            cJSON *ch = cJSON_CreateObject();
            cJSON_AddStringToObject(ch, "path", o->changes[k].path);
            cJSON_AddItemToObject(ch, "old", json_value(o->changes[k].old_json));
            cJSON_AddItemToObject(ch, "new", json_value(o->changes[k].new_json));
            cJSON_AddItemToArray(f, ch);
        }
        cJSON_AddItemToArray(objs, j);
    }
    static const api_action acts[] = {API_ACT_CREATE, API_ACT_UPDATE, API_ACT_SAME, API_ACT_DELETE, API_ACT_ABSENT};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        cJSON_AddNumberToObject(sum, action_name(acts[i], verb), counts[acts[i]]);
    cJSON_AddItemToObject(root, "summary", sum);
    sig_arena *a = sig_arena_new();
    sig_buf b = {.arena = a};
    api_json_print(&b, root);
    fputs(sig_buf_str(&b), out);
    fputc('\n', out);
    sig_arena_free(a);
    cJSON_Delete(root);
}

/* =============================================================== apply */

static bool create_or_update(sig_ctx *ctx, api_client *c, const api_object *o, FILE *out, const char *l)
{
    const char *body = o->text;
    api_response r;
    int rc = api_call(c, "POST", o->post_path, body, expect_400, &r);
    bool ok = rc == API_SENT || rc == API_DRY;
    if (rc == API_SENT && r.status == 400) {
        api_response_free(&r);
        rc = api_call(c, "PUT", o->item_path, body, NULL, &r);
        ok = rc == API_SENT;
        if (ok) fprintf(out, "updated %s\n", l);
    } else if (rc == API_SENT) {
        fprintf(out, "created %s\n", l);
    } else if (rc == API_DRY) {
        fprintf(out, "  (on 400: PUT %s with the same body)\n", o->item_path);
    }
    (void)ctx;
    api_response_free(&r);
    return ok;
}

api_outcome api_run(sig_ctx *ctx, api_client *c, api_deploy *d, const api_run_options *o)
{
    sig_arena *a = sig_ctx_arena(ctx);
    FILE *out = o->out ? o->out : stdout;
    if (!compute_plan(ctx, c, d, o->verb)) return API_ERROR;
    bool dry = d->n && d->objs[0].action == API_ACT_UNKNOWN;
    if (o->json) print_plan_json(d, o->verb, out);
    else if (!dry) print_plan_text(a, d, o->verb, out);
    if (o->verb == API_VERB_PLAN) return has_changes(d) ? API_CHANGES : API_DONE;
    if (!has_changes(d)) return API_DONE;
    if (!o->yes && !dry) {
        static const char *const q[] = {"", "Publish these changes?", "Unpublish these objects?",
                                        "Delete these objects?"};
        int ans = o->confirm ? o->confirm(o->confirm_ud, q[o->verb]) : -1;
        if (ans < 0) {
            sig_diag *dg = sig_error(ctx, SIG_NOLOC, "E0949",
                                     "not applying: standard input is not a terminal and --yes was not given");
            sig_diag_help(ctx, dg, "review the plan above, then run again with --yes");
            return API_REFUSED;
        }
        if (ans == 0) {
            fputs("Nothing changed.\n", out);
            return API_REFUSED;
        }
    }
    bool ok = true;
    if (o->verb == API_VERB_DELETE) {
        for (size_t i = d->n; ok && i-- > 0;) {
            api_object *ob = &d->objs[i];
            if (ob->action != API_ACT_DELETE && ob->action != API_ACT_UNKNOWN) continue;
            api_response r;
            int rc = api_call(c, "DELETE", ob->item_path, NULL, expect_404, &r);
            if (rc == API_SENT)
                fprintf(out, "%s %s\n", r.status == 404 ? "already gone:" : "deleted", label(a, d, ob));
            ok = rc == API_SENT || rc == API_DRY;
            api_response_free(&r);
        }
        return ok ? API_DONE : API_ERROR;
    }
    for (size_t i = 0; ok && i < d->n; i++) {
        api_object *ob = &d->objs[i];
        if (ob->action != API_ACT_CREATE && ob->action != API_ACT_UPDATE && ob->action != API_ACT_UNKNOWN) continue;
        ok = create_or_update(ctx, c, ob, out, label(a, d, ob));
    }
    if (ok && d->views) {
        api_response r;
        int rc = api_call(c, "POST", "feature_store/apply", NULL, NULL, &r);
        ok = rc == API_SENT || rc == API_DRY;
        if (rc == API_SENT) {
            const cJSON *s = r.json ? cJSON_GetObjectItemCaseSensitive(r.json, "status") : NULL;
            fprintf(out, "feature store: %s\n", api_shown(a, s, "applied"));
        }
        api_response_free(&r);
    }
    return ok ? API_DONE : API_ERROR;
}
