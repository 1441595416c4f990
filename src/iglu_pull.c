/* iglu_pull.c: `signalsc schemas pull` (include/signals/iglu.h): fetches the
 * schemas a spec names from the repositories of a Snowplow resolver
 * configuration into a local static repository with a lock file.
 *
 * Resolver configuration: iglu:com.snowplowanalytics.iglu/resolver-config/
 * jsonschema/1-0-x (https://docs.snowplow.io/docs/api-reference/iglu/
 * iglu-resolver/): data.repositories[] of {name, priority, vendorPrefixes,
 * connection.http.{uri, apikey}}. Repositories whose vendorPrefixes match
 * the schema's vendor come first, then lower priority numbers, then file
 * order. A static repository serves {uri}/schemas/V/N/F/M-R-A; an Iglu
 * Server's uri ends in /api and serves the same path, with the key in an
 * `apikey` header (https://docs.snowplow.io/docs/api-reference/iglu/
 * iglu-repositories/iglu-server/). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client/client_parse.h"
#include "ctx.h"
#include "iglu_internal.h"
#include "signals/client.h"
#include "signals/iglu.h"
#include "signals/signals.h"

#define IGLU_CENTRAL "https://iglucentral.com"
#define MAX_SCHEMA_BYTES ((size_t)4 << 20)

typedef struct repo {
    const char *name, *uri, *apikey;
    long priority;
    const char **prefixes;
    size_t nprefixes, order;
    bool dead;               /* failed once: not asked again */
} repo;

typedef struct puller {
    sig_ctx *ctx;
    sig_arena *a;
    const sig_iglu_pull_options *o;
    FILE *log;
    repo *repos;
    size_t nrepos;
    unsigned requests;
} puller;

/* ------------------------------------------------------ configuration */

static bool parse_repo(puller *p, const cJSON *r, size_t i, repo *out)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "name");
    const cJSON *pri = cJSON_GetObjectItemCaseSensitive(r, "priority");
    const cJSON *conn = cJSON_GetObjectItemCaseSensitive(r, "connection");
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(conn, "http");
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(http, "uri");
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(http, "apikey");
    memset(out, 0, sizeof *out);
    out->order = i;
    out->name = cJSON_IsString(name) ? sig_arena_strdup(p->a, name->valuestring)
                                     : sig_arena_printf(p->a, "repository %zu", i + 1);
    if (!cJSON_IsString(uri)) {
        if (cJSON_GetObjectItemCaseSensitive(conn, "embedded")) return false; /* nothing to fetch */
        sig_diag *d = sig_error(p->ctx, SIG_NOLOC, "E0448", "resolver configuration %s: "
                                "repository `%s` has no connection.http.uri",
                                p->o->resolver_path, out->name);
        sig_diag_help(p->ctx, d, "write {\"connection\": {\"http\": {\"uri\": \"https://...\"}}}");
        return false;
    }
    size_t ul = strlen(uri->valuestring);
    while (ul && uri->valuestring[ul - 1] == '/') ul--;
    out->uri = sig_arena_strndup(p->a, uri->valuestring, ul);
    if (cJSON_IsString(key) && *key->valuestring) out->apikey = sig_arena_strdup(p->a, key->valuestring);
    out->priority = cJSON_IsNumber(pri) ? (long)pri->valuedouble : 0;
    const cJSON *vp = cJSON_GetObjectItemCaseSensitive(r, "vendorPrefixes"), *v;
    size_t n = (size_t)cJSON_GetArraySize(vp);
    out->prefixes = SIG_NEW_ARRAY(p->a, const char *, n + 1);
    cJSON_ArrayForEach(v, vp) if (cJSON_IsString(v) && out->nprefixes < n)
        out->prefixes[out->nprefixes++] = sig_arena_strdup(p->a, v->valuestring);
    return true;
}

static bool load_resolver(puller *p)
{
    if (!p->o->resolver_path) {
        p->repos = SIG_NEW(p->a, repo);
        memset(p->repos, 0, sizeof *p->repos);
        p->repos->name = "Iglu Central";
        p->repos->uri = IGLU_CENTRAL;
        p->nrepos = 1;
        return true;
    }
    size_t len;
    const char *why = NULL;
    char *text = sig_read_input(p->o->resolver_path, &len, &why);
    if (!text) {
        sig_error(p->ctx, SIG_NOLOC, "E0448", "cannot read resolver configuration %s: %s",
                  p->o->resolver_path, why);
        return false;
    }
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
    const cJSON *repos = cJSON_GetObjectItemCaseSensitive(data, "repositories");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(j, "schema");
    if (!cJSON_IsArray(repos) || (schema && (!cJSON_IsString(schema) ||
        !strstr(schema->valuestring, "com.snowplowanalytics.iglu/resolver-config/")))) {
        sig_diag *d = sig_error(p->ctx, SIG_NOLOC, "E0448", "%s is not an Iglu resolver "
                                "configuration", p->o->resolver_path);
        sig_diag_help(p->ctx, d, "expected {\"schema\": \"iglu:com.snowplowanalytics.iglu/"
                      "resolver-config/jsonschema/1-0-3\", \"data\": {\"repositories\": [...]}}");
        cJSON_Delete(j);
        return false;
    }
    size_t n = (size_t)cJSON_GetArraySize(repos), i = 0;
    p->repos = SIG_NEW_ARRAY(p->a, repo, n + 1);
    const cJSON *r;
    bool ok = true;
    cJSON_ArrayForEach(r, repos) {
        if (parse_repo(p, r, i++, &p->repos[p->nrepos])) p->nrepos++;
        else if (sig_error_count(p->ctx)) ok = false;
    }
    cJSON_Delete(j);
    return ok;
}

static bool prefix_match(const repo *r, const char *vendor)
{
    for (size_t i = 0; i < r->nprefixes; i++)
        if (strncmp(vendor, r->prefixes[i], strlen(r->prefixes[i])) == 0) return true;
    return false;
}

/* The repositories for `vendor`, in the order the resolver asks them. */
static repo **ordered(puller *p, const char *vendor)
{
    repo **o = SIG_NEW_ARRAY(p->a, repo *, p->nrepos + 1);
    for (size_t i = 0; i < p->nrepos; i++) o[i] = &p->repos[i];
    for (size_t i = 1; i < p->nrepos; i++) /* stable insertion sort */
        for (size_t j = i; j > 0; j--) {
            repo *x = o[j - 1], *y = o[j];
            bool mx = prefix_match(x, vendor), my = prefix_match(y, vendor);
            bool swap = (my && !mx) || (mx == my && y->priority < x->priority);
            if (!swap) break;
            o[j - 1] = y;
            o[j] = x;
        }
    o[p->nrepos] = NULL;
    return o;
}

/* ------------------------------------------------------------ fetching */

typedef enum got { GOT_SCHEMA, GOT_NONE, GOT_FAIL } got;

static void repo_failed(puller *p, repo *r, const char *why)
{
    r->dead = true;
    sig_diag *d = sig_warning(p->ctx, SIG_NOLOC, "W0112", "schema repository `%s` (%s) is "
                              "skipped: %s", r->name, r->uri, why);
    sig_diag_help(p->ctx, d, "the next repository is tried; run the pull again when it works");
}

static bool url_allowed(puller *p, const repo *r)
{
    if (strncasecmp(r->uri, "https://", 8) == 0) return true;
    if (strncasecmp(r->uri, "http://", 7) != 0) return false;
    if (p->o->allow_insecure_http) return true;
    const char *h = r->uri + 7, *e = h;
    if (*e == '[') { while (*e && *e != ']') e++; if (*e) e++; }
    else while (*e && *e != ':' && *e != '/') e++;
    char host[128];
    size_t n = (size_t)(e - h) < sizeof host - 1 ? (size_t)(e - h) : sizeof host - 1;
    memcpy(host, h, n);
    host[n] = '\0';
    return api_host_is_loopback(host);
}

/* GET one version. On GOT_SCHEMA, *body is malloc'd (the caller frees). */
static got fetch(puller *p, repo *r, const sig_schema_ref *ref, ig_version v, char **body)
{
    *body = NULL;
    if (r->dead) return GOT_FAIL;
    if (!url_allowed(p, r)) {
        repo_failed(p, r, "only https:// URLs are used (http:// to loopback hosts, or with "
                    "--allow-insecure-http)");
        return GOT_FAIL;
    }
    char *url = sig_arena_printf(p->a, "%s/schemas/%s/%s/%s/%d-%d-%d", r->uri, ref->vendor,
                                 ref->name, ref->format, v.m, v.r, v.a);
    char *key = r->apikey ? sig_arena_printf(p->a, "apikey: %s", r->apikey) : NULL;
    const char *hdrs[] = {"Accept: application/json", key, NULL};
    double ct = p->o->connect_timeout > 0 ? p->o->connect_timeout : 5;
    double to = p->o->timeout > 0 ? p->o->timeout : 20;
    sig_http_answer ans;
    p->requests++;
    int rc = sig_http_get(url, hdrs, ct, to, MAX_SCHEMA_BYTES, &ans);
    if (p->log && p->o->verbose) fprintf(p->log, "GET %s -> %ld\n", url, ans.status);
    got g = GOT_FAIL;
    if (rc != 0) {
        repo_failed(p, r, ans.error);
    } else if (ans.status == 404) {
        g = GOT_NONE;
    } else if (ans.status == 401 || ans.status == 403) {
        repo_failed(p, r, sig_arena_printf(p->a, "it answers HTTP %ld (%s)", ans.status,
                                           r->apikey ? "the apikey was refused"
                                                     : "an apikey is needed"));
    } else if (ans.status != 200) {
        repo_failed(p, r, sig_arena_printf(p->a, "it answers HTTP %ld", ans.status));
    } else {
        cJSON *j = cJSON_ParseWithLength(ans.body, ans.len);
        const cJSON *self = cJSON_GetObjectItemCaseSensitive(j, "self");
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(self, "vendor");
        const cJSON *sn = cJSON_GetObjectItemCaseSensitive(self, "name");
        const cJSON *sver = cJSON_GetObjectItemCaseSensitive(self, "version");
        ig_version got_v;
        if (!cJSON_IsObject(j) || !cJSON_IsString(sv) || !cJSON_IsString(sn) ||
            strcmp(sv->valuestring, ref->vendor) != 0 || strcmp(sn->valuestring, ref->name) != 0 ||
            !cJSON_IsString(sver) || !ig_version_parse(sver->valuestring, &got_v) ||
            got_v.m != v.m || got_v.r != v.r || got_v.a != v.a) {
            repo_failed(p, r, sig_arena_printf(p->a, "%s is not the self-describing JSON "
                                               "Schema asked for", url));
        } else {
            g = GOT_SCHEMA;
            *body = ans.body;
            ans.body = NULL;
        }
        cJSON_Delete(j);
    }
    free(ans.body);
    return g;
}

/* Probes upwards for the highest version of `ref` in `r` (SchemaVer has no
 * gaps: 1-0-0, 1-0-1, ..., 1-1-0, ...). Returns GOT_SCHEMA with the body
 * of the version found. */
static got probe(puller *p, repo *r, const sig_schema_ref *ref, ig_version *v, char **body)
{
    char *b = NULL, *nb;
    got g;
    if (ref->has_version && ref->model >= 0 && ref->revision >= 0 && ref->addition >= 0) {
        *v = (ig_version){ref->model, ref->revision, ref->addition};
        return fetch(p, r, ref, *v, body);
    }
    bool mfree = !ref->has_version || ref->model < 0, rfree = ref->revision < 0,
         afree = ref->addition < 0;
    int r0 = rfree ? 0 : ref->revision, a0 = afree ? 0 : ref->addition;
    ig_version cur = {mfree ? 1 : ref->model, r0, a0};
    if ((g = fetch(p, r, ref, cur, &b)) != GOT_SCHEMA) return g;
    for (int guard = 0; guard < 300; guard++) {
        ig_version next[3] = {{cur.m, cur.r, cur.a + 1}, {cur.m, cur.r + 1, a0}, {cur.m + 1, r0, a0}};
        bool allowed[3] = {afree, rfree, mfree}, moved = false;
        for (size_t k = 0; k < 3 && !moved; k++) {
            if (!allowed[k]) continue;
            g = fetch(p, r, ref, next[k], &nb);
            if (g == GOT_FAIL) { free(b); return GOT_FAIL; }
            if (g == GOT_SCHEMA) { free(b); b = nb; cur = next[k]; moved = true; }
        }
        if (!moved) break;
    }
    *v = cur;
    *body = b;
    return GOT_SCHEMA;
}

/* ------------------------------------------------------------ writing */

static bool mkdirs(char *path)
{
    for (char *s = path + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        int rc = mkdir(path, 0777);
        *s = '/';
        if (rc != 0 && errno != EEXIST) return false;
    }
    return mkdir(path, 0777) == 0 || errno == EEXIST;
}

static bool write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

typedef struct pulled { const char *ref, *resolved, *repo; } pulled;

static int cmp_pulled(const void *x, const void *y)
{
    return strcmp(((const pulled *)x)->ref, ((const pulled *)y)->ref);
}

static bool write_lock(puller *p, const char *dir, pulled *rows, size_t n)
{
    qsort(rows, n, sizeof *rows, cmp_pulled);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "comment", "Written by `signalsc schemas pull`: the Iglu schemas "
                            "of the spec, as resolved. Commit it with the schemas/ beside it.");
    cJSON *arr = cJSON_AddArrayToObject(o, "schemas");
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "reference", rows[i].ref);
        cJSON_AddStringToObject(r, "resolved", rows[i].resolved);
        cJSON_AddStringToObject(r, "repository", rows[i].repo);
        cJSON_AddItemToArray(arr, r);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) return false;
    char *path = sig_arena_printf(p->a, "%s/%s", dir, SIG_IGLU_LOCK_FILE);
    char *t2 = sig_arena_printf(p->a, "%s\n", text);
    cJSON_free(text);
    return write_file(path, t2, strlen(t2));
}

/* Pulls one reference. Returns the lock row, or NULL after W0111. */
static bool pull_one(puller *p, const sig_schema_ref *ref, sig_loc loc, const char *dir,
                     pulled *row)
{
    repo **order = ordered(p, ref->vendor);
    for (size_t i = 0; order[i]; i++) {
        ig_version v;
        char *body = NULL;
        if (probe(p, order[i], ref, &v, &body) != GOT_SCHEMA) continue;
        char *d = sig_arena_printf(p->a, "%s/schemas/%s/%s/%s", dir, ref->vendor, ref->name,
                                   ref->format);
        char *f = sig_arena_printf(p->a, "%s/%d-%d-%d", d, v.m, v.r, v.a);
        bool ok = mkdirs(d) && write_file(f, body, strlen(body));
        free(body);
        if (!ok) {
            sig_error(p->ctx, SIG_NOLOC, "E0001", "cannot write %s: %s", f, strerror(errno));
            return false;
        }
        row->ref = ref->uri;
        row->resolved = sig_arena_printf(p->a, "iglu:%s/%s/%s/%d-%d-%d", ref->vendor, ref->name,
                                         ref->format, v.m, v.r, v.a);
        row->repo = order[i]->name;
        if (p->log) fprintf(p->log, "pulled %s from %s\n", row->resolved, row->repo);
        return true;
    }
    sig_diag *d = sig_warning(p->ctx, loc, "W0111", "schema `%s` was found in no repository",
                              ref->uri);
    sig_diag_label(p->ctx, d, "not pulled");
    sig_diag_help(p->ctx, d, "check the name and version, or add the repository that has it to "
                  "the resolver configuration (--resolver FILE)");
    return false;
}

static bool safe_ref(const sig_schema_ref *r)
{
    const char *parts[] = {r->vendor, r->name, r->format};
    for (size_t i = 0; i < 3; i++)
        if (!parts[i] || !*parts[i] || strchr(parts[i], '/') || parts[i][0] == '.') return false;
    return true;
}

int sig_iglu_pull(sig_ctx *ctx, const sig_iglu_pull_options *o, FILE *log)
{
    puller p = {ctx, sig_ctx_arena(ctx), o, log, NULL, 0, 0};
    for (size_t i = 0; i < o->nfiles; i++) sig_ctx_add_file(ctx, o->files[i], NULL);
    ig_disable(ctx);
    const sig_model *m = sig_ctx_check(ctx);
    if (!m) return 1;
    if (!load_resolver(&p)) return 2;
    const char *dir = o->out_dir;
    if (!dir) {
        const char *f = o->nfiles ? o->files[0] : ".";
        const char *slash = strrchr(f, '/');
        dir = slash ? sig_arena_printf(p.a, "%.*s/%s", (int)(slash - f), f, SIG_IGLU_PULLED_DIR)
                    : SIG_IGLU_PULLED_DIR;
    }
    size_t n = m->nevents + m->ncontexts, nrows = 0, missing = 0;
    pulled *rows = SIG_NEW_ARRAY(p.a, pulled, n + 1);
    for (size_t i = 0; i < n; i++) {
        const sig_schema_ref *r = i < m->nevents ? &m->events[i]->schema
                                                 : &m->contexts[i - m->nevents]->schema;
        sig_loc loc = i < m->nevents ? m->events[i]->loc : m->contexts[i - m->nevents]->loc;
        const char *const *cols;
        if (ig_canonical_columns(r, &cols) || !safe_ref(r)) continue;
        bool dup = false;
        for (size_t k = 0; k < nrows; k++) dup |= strcmp(rows[k].ref, r->uri) == 0;
        if (dup) continue;
        if (pull_one(&p, r, loc, dir, &rows[nrows])) nrows++;
        else missing++;
    }
    char *d = sig_arena_strdup(p.a, dir);
    if (!mkdirs(d) || !write_lock(&p, dir, rows, nrows)) {
        sig_error(ctx, SIG_NOLOC, "E0001", "cannot write %s/%s: %s", dir, SIG_IGLU_LOCK_FILE,
                  strerror(errno));
        return 1;
    }
    if (log) fprintf(log, "%zu schema%s in %s (%u request%s)%s\n", nrows, nrows == 1 ? "" : "s",
                     dir, p.requests, p.requests == 1 ? "" : "s",
                     missing ? "; some were not found" : "");
    return missing || sig_error_count(ctx) ? 1 : 0;
}
