/* emit.c: the Signals API backend (`--backend api`).
 *
 * Lowers a checked model into the JSON bodies the Signals Python SDK sends
 * when it publishes the same definitions, one file per API object, plus
 * plan.json, the ordered requests that publishing makes (keys, groups,
 * services: signals-api.md 3.1). Two targets:
 *
 *   attribute-groups  the current API (SDK v0.3+; bodies as v0.4.2 sends
 *                     them: full attribute_key object, structured property
 *                     objects, is_published)
 *   views             the View-era API (SDK v0.1.x): entity {name}, string
 *                     properties with property_syntax "snowflake", tags,
 *                     and POST feature_store/apply at the end of the plan
 *
 * Bodies are model_dump(mode="json", exclude_none=True, by_alias=True): keys
 * in the SDK's field order, None omitted, defaults sent. Decisions (see
 * docs in the lead's report and tests/golden/api):
 *   - property paths are the JSONPath without its leading `$.` ("price",
 *     "items[0].sku"), as the SDK's examples and documentation write them;
 *   - a criteria with both `all` and `any` sends both;
 *   - `tags` are dropped with warning E0921 on attribute-groups;
 *   - a partial event version (1-*-*) is sent without version, warning E0920. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "api/json_out.h"
#include "backend.h"
#include "signals/api_requests.h"

/* ------------------------------------------------------------ helpers */

typedef struct em {
    sig_ctx *ctx;
    sig_arena *a;
    bool views;          /* View-era target */
    const char *target;
    sig_output *out;
    bool ok;
    sig_ptrvec warned;   /* events already warned about (E0920) */
    cJSON *plan;
    sig_api_requests *reqs;  /* NULL: files only */
} em;

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

static void add_duration(cJSON *o, const char *k, int64_t secs)
{
    char t[48];
    cJSON_AddStringToObject(o, k, api_iso_duration(secs, t));
}

static bool warned(em *e, const void *obj);

static void add_tags(em *e, cJSON *o, const void *obj, const sig_tag *tags, size_t n,
                     sig_loc loc, const char *what, const char *name)
{
    if (!n) return;
    if (!e->views) {
        if (warned(e, obj)) return;
        sig_diag *d = sig_warning(e->ctx, loc, "E0921",
                                  "the tags of %s `%s` are not sent: the %s target has no tags",
                                  what, name, e->target);
        sig_diag_help(e->ctx, d, "tags were removed from the Signals API in v0.3.2; "
                                 "`--target views` still carries them");
        return;
    }
    cJSON *t = cJSON_AddObjectToObject(o, "tags");
    for (size_t i = 0; i < n; i++) cJSON_AddStringToObject(t, tags[i].key, tags[i].value);
}

/* Writes `body` (consumed) to `path` with a trailing newline; returns the
 * text written. */
static const sig_output_file *put_file(em *e, const char *path, cJSON *body)
{
    sig_buf b = {.arena = e->a};
    api_json_print(&b, body);
    sig_buf_putc(&b, '\n');
    sig_output_add_buf(e->out, path, &b);
    cJSON_Delete(body);
    return sig_output_find(e->out, path);
}

/* A step of plan.json and, when asked for, the same request typed
 * (signals/api_requests.h). `f` is the body's file (NULL: no body). */
static void plan_step(em *e, sig_api_kind kind, const char *name, int version, const char *method,
                      const char *path, const sig_output_file *f, const char *put_path)
{
    if (e->reqs) {
        sig_api_requests *r = e->reqs;
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            sig_api_request *nv = SIG_NEW_ARRAY(e->a, sig_api_request, cap);
            if (r->n) memcpy(nv, r->items, r->n * sizeof *nv);
            r->items = nv;
            r->cap = cap;
        }
        r->items[r->n++] = (sig_api_request){
            .kind = kind, .name = name, .version = version, .method = method, .path = path,
            .item_path = put_path, .file = f ? f->path : NULL, .body = f ? f->data : NULL,
            .body_len = f ? f->len : 0,
        };
    }
    const char *body = f ? f->path : NULL;
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "method", method);
    cJSON_AddStringToObject(s, "path", path);
    add_str(s, "body", body);
    if (put_path) {
        cJSON *r = cJSON_AddObjectToObject(s, "on_400");
        cJSON_AddStringToObject(r, "method", "PUT");
        cJSON_AddStringToObject(r, "path", put_path);
    }
    cJSON_AddItemToArray(e->plan, s);
}

/* E0922 for what the View-era API has no field for. */
static void views_cannot(em *e, sig_loc loc, const char *what, const char *since)
{
    sig_diag *d = sig_error(e->ctx, loc, "E0922", "the %s target cannot send %s", e->target, what);
    sig_diag_label(e->ctx, d, "the View-era API has no such field");
    sig_diag_help(e->ctx, d, "use `--target attribute-groups` (%s and later)", since);
    e->ok = false;
}

/* ---------------------------------------------------------- literals */

static cJSON *literal_json(const sig_literal *l)
{
    char t[32];
    switch (l->kind) {
    case SIG_LIT_STRING: return cJSON_CreateString(l->str);
    case SIG_LIT_INT:
        snprintf(t, sizeof t, "%lld", (long long)l->i);
        return cJSON_CreateRaw(t);
    case SIG_LIT_DECIMAL: return cJSON_CreateRaw(api_py_float(l->d, t));
    case SIG_LIT_BOOL: return cJSON_CreateBool(l->b);
    case SIG_LIT_LIST: {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l->nitems; i++)
            cJSON_AddItemToArray(arr, literal_json(&l->items[i]));
        return arr;
    }
    }
    return cJSON_CreateNull();
}

/* -------------------------------------------------------- properties */

/* The path inside the event's or entity's data, without `$.`. */
static const char *prop_path(em *e, const sig_property *p)
{
    sig_buf b = {.arena = e->a};
    for (size_t i = 0; i < p->nsteps; i++) {
        if (p->steps[i].kind == SIG_STEP_INDEX) {
            sig_buf_printf(&b, "[%u]", p->steps[i].index);
        } else {
            if (i) sig_buf_putc(&b, '.');
            sig_buf_puts(&b, p->steps[i].field);
        }
    }
    if (!p->nsteps && p->json_path) {
        const char *jp = p->json_path;
        if (jp[0] == '$') jp++;
        if (jp[0] == '.') jp++;
        return jp;
    }
    return sig_buf_str(&b);
}

static const sig_schema_ref *prop_schema(const sig_property *p)
{
    if (p->kind == SIG_PROP_EVENT && p->event) return &p->event->schema;
    if (p->kind == SIG_PROP_ENTITY && p->context) return &p->context->schema;
    return NULL;
}

static cJSON *prop_object(em *e, const sig_property *p);

/* CalculatedProperty (SDK 0.4.9; field order type, operation, properties,
 * separator). */
static cJSON *calc_object(em *e, const sig_property *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "calculated");
    cJSON_AddStringToObject(o, "operation", p->calc_op);
    cJSON *l = cJSON_AddArrayToObject(o, "properties");
    for (size_t i = 0; i < p->noperands; i++)
        cJSON_AddItemToArray(l, prop_object(e, &p->operands[i]));
    add_str(o, "separator", p->separator);
    return o;
}

/* A structured property object (v0.3+, signals-api.md 7.1). */
static cJSON *prop_object(em *e, const sig_property *p)
{
    if (p->kind == SIG_PROP_CALCULATED) return calc_object(e, p);
    cJSON *o = cJSON_CreateObject();
    if (p->kind == SIG_PROP_ATOMIC) {
        if (strcmp(p->atomic, "load_tstamp") == 0) {
            sig_diag *d = sig_error(e->ctx, p->loc, "E0922",
                                    "the %s target cannot read `load_tstamp`", e->target);
            sig_diag_label(e->ctx, d, "not one of the API's atomic properties");
            sig_diag_help(e->ctx, d, "use `collector_tstamp` or `derived_tstamp`");
            e->ok = false;
        }
        cJSON_AddStringToObject(o, "type", "atomic");
        cJSON_AddStringToObject(o, "name", p->atomic);
        add_str(o, "date_part", p->date_part);
        return o;
    }
    const sig_schema_ref *s = prop_schema(p);
    cJSON_AddStringToObject(o, "vendor", s ? s->vendor : "");
    cJSON_AddStringToObject(o, "name", s ? s->name : "");
    api_json_int(o, "major_version", s ? s->model : 0);
    cJSON_AddStringToObject(o, "path", prop_path(e, p));
    add_str(o, "date_part", p->date_part);
    if (p->kind == SIG_PROP_EVENT) {
        cJSON_AddStringToObject(o, "type", "event");
    } else {
        cJSON_AddStringToObject(o, "type", "entity");
        api_json_int(o, "index", p->index);
    }
    return o;
}

/* The View-era string form (signals-api.md 7.2), Snowflake syntax as the
 * SDK's v0.1.x helpers build it. */
static const char *prop_string(em *e, const sig_property *p)
{
    if (p->kind == SIG_PROP_ATOMIC) return p->atomic;
    /* p->column is the warehouse column in Snowplow's naming. */
    if (p->kind == SIG_PROP_EVENT)
        return sig_arena_printf(e->a, "%s:%s", p->column, prop_path(e, p));
    return sig_arena_printf(e->a, "%s[%u].%s", p->column, p->index, prop_path(e, p));
}

static void add_property(em *e, cJSON *o, const sig_property *p)
{
    if (e->views && p && p->kind == SIG_PROP_CALCULATED) {
        sig_diag *d = sig_error(e->ctx, p->loc, "E0922", "the %s target cannot send calculated "
                                "property `%s(...)`", e->target, p->calc_op);
        sig_diag_label(e->ctx, d, "the View-era API has no calculated properties");
        sig_diag_help(e->ctx, d, "use `--target attribute-groups` (SDK 0.4.9 and later)");
        e->ok = false;
        return;
    }
    if (e->views && p && p->date_part) {
        /* the View era's property is a column string: no date part */
        sig_diag *d = sig_error(e->ctx, p->loc, "E0922", "the %s target cannot send date part "
                                "`%s`", e->target, p->date_part);
        sig_diag_label(e->ctx, d, "the View-era API has no date parts");
        sig_diag_help(e->ctx, d, "use `--target attribute-groups` (SDK 0.4.7 and later)");
        e->ok = false;
    }
    if (e->views) {
        cJSON_AddStringToObject(o, "property_syntax", "snowflake");
        if (p) cJSON_AddStringToObject(o, "property", prop_string(e, p));
    } else if (p) {
        cJSON_AddItemToObject(o, "property", prop_object(e, p));
    }
}

/* ------------------------------------------------------------ events */

/* True if `obj` was already warned about; records it otherwise. */
static bool warned(em *e, const void *obj)
{
    for (size_t i = 0; i < e->warned.len; i++)
        if (e->warned.items[i] == obj) return true;
    sig_ptrvec_push(e->a, &e->warned, (void *)(uintptr_t)obj);
    return false;
}

static const char *part(sig_arena *a, int v)
{
    return v < 0 ? "*" : sig_arena_printf(a, "%d", v);
}

static cJSON *event_json(em *e, const sig_event *ev)
{
    cJSON *o = cJSON_CreateObject();
    if (ev->spec_id) {
        if (e->views && !warned(e, ev))
            views_cannot(e, ev->loc, "an event specification id", "SDK 0.4.4");
        cJSON_AddStringToObject(o, "event_specification_id", ev->spec_id);
        return o;
    }
    const sig_schema_ref *s = &ev->schema;
    add_str(o, "name", s->name);
    add_str(o, "vendor", s->vendor);
    const char *v = sig_schema_exact_version(s);
    if (v) {
        cJSON_AddStringToObject(o, "version", v);
    } else if (s->has_version && !warned(e, ev)) {
        const char *ver = sig_arena_printf(e->a, "%s-%s-%s", part(e->a, s->model),
                                           part(e->a, s->revision), part(e->a, s->addition));
        sig_diag *d = sig_warning(e->ctx, ev->loc, "E0920",
                                  "event `%s` has version `%s`, which the Signals API cannot express",
                                  ev->name, ver);
        sig_diag_label(e->ctx, d, "sent without a version");
        sig_diag_note(e->ctx, d, SIG_NOLOC,
                      "the API matches every version of `%s/%s` for an event without "
                      "`version`, including other model versions",
                      s->vendor, s->name);
        sig_diag_help(e->ctx, d, "declare an exact version (`%d-0-0`) or no version at all",
                      s->model < 0 ? 1 : s->model);
    }
    return o;
}

/* -------------------------------------------------------- attributes */

static cJSON *criterion_json(em *e, const sig_criterion *c)
{
    cJSON *o = cJSON_CreateObject();
    add_property(e, o, &c->property);
    if (e->views && !sig_op_takes_value(c->op)) {
        /* the View-era Criterion.operator has the 8 value operators only */
        sig_diag *d = sig_error(e->ctx, c->loc, "E0922",
                                "the %s target cannot send `%s`", e->target, sig_op_name(c->op));
        sig_diag_label(e->ctx, d, "the View-era API has no null test");
        sig_diag_help(e->ctx, d, "use `--target attribute-groups` (SDK 0.4.3 and later)");
        e->ok = false;
    }
    cJSON_AddStringToObject(o, "operator", sig_op_name(c->op));
    if (sig_op_takes_value(c->op)) cJSON_AddItemToObject(o, "value", literal_json(&c->value));
    return o;
}

static cJSON *attribute_json(em *e, const sig_attribute *at)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", at->name);
    add_str(o, "description", at->description);
    cJSON_AddStringToObject(o, "type", sig_type_name(at->type));
    if (e->views && !sig_type_is_field(at->type)) {
        /* the View era's Attribute.type has the 16 Field types only */
        sig_diag *d = sig_error(e->ctx, at->loc, "E0922",
                                "the %s target cannot send type `%s` of attribute `%s`",
                                e->target, sig_type_name(at->type), at->name);
        sig_diag_label(e->ctx, d, "the View-era API has no `%s`", sig_type_name(at->type));
        sig_diag_help(e->ctx, d, "use `--target attribute-groups` (SDK 0.4.5 and later)");
        e->ok = false;
    }
    add_tags(e, o, at, at->tags, at->ntags, at->loc, "attribute", at->name);
    cJSON *evs = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < at->nevents; i++)
        cJSON_AddItemToArray(evs, event_json(e, at->events[i]));
    const sig_agg_info *agg = sig_agg_get(at->agg);
    if (!(e->views ? agg->in_views : agg->in_groups)) {
        /* the row of aggregations.def says which API eras carry it */
        sig_diag *d = sig_error(e->ctx, at->loc, "E0922",
                                "the %s target cannot send aggregation `%s` of attribute `%s`",
                                e->target, agg->name, at->name);
        sig_diag_label(e->ctx, d, "this API era has no `%s`", agg->name);
        sig_diag_help(e->ctx, d, "use the other `--target`, or another aggregation");
        e->ok = false;
    }
    cJSON_AddStringToObject(o, "aggregation", agg->name);
    add_property(e, o, at->property);
    const sig_criteria *cr = &at->criteria;
    if (cr->nall || cr->nany) {
        cJSON *c = cJSON_AddObjectToObject(o, "criteria");
        if (cr->nall) {
            cJSON *l = cJSON_AddArrayToObject(c, "all");
            for (size_t i = 0; i < cr->nall; i++)
                cJSON_AddItemToArray(l, criterion_json(e, &cr->all[i]));
        }
        if (cr->nany) {
            cJSON *l = cJSON_AddArrayToObject(c, "any");
            for (size_t i = 0; i < cr->nany; i++)
                cJSON_AddItemToArray(l, criterion_json(e, &cr->any[i]));
        }
    }
    if (at->period_seconds > 0) add_duration(o, "period", at->period_seconds);
    if (at->default_value) cJSON_AddItemToObject(o, "default_value", literal_json(at->default_value));
    add_str(o, "time_unit", at->time_unit);
    if (at->ttl_seconds > 0) add_duration(o, "ttl", at->ttl_seconds);
    if (e->views && (at->all_events || at->ttl_seconds > 0))
        views_cannot(e, at->loc, at->all_events ? "`from all`" : "an attribute's `ttl`",
                     at->all_events ? "SDK 0.4.10" : "SDK 0.4.6");
    return o;
}

/* -------------------------------------------------------------- keys */

/* The AttributeKey object (v0.4.2 field order); `published` is the
 * top-level is_published (false when embedded in a group). */
static cJSON *key_json(em *e, const sig_attribute_key *k, bool published)
{
    cJSON *o = cJSON_CreateObject();
    const sig_builtin_key *b = k->builtin ? sig_builtin_key_lookup(k->name) : NULL;
    cJSON_AddStringToObject(o, "name", k->name);
    if (b) {
        cJSON_AddStringToObject(o, "description", b->description);
        cJSON_AddStringToObject(o, "key", b->key);
    } else {
        add_str(o, "description", k->description);
        add_str(o, "key", k->key);
        add_str(o, "external_column", k->external_column);
        if (k->property_explicit && k->property)
            cJSON_AddItemToObject(o, "property", prop_object(e, k->property));
        add_str(o, "owner", k->owner);
        if (k->ttl_seconds >= 0) add_duration(o, "ttl", k->ttl_seconds);
    }
    cJSON_AddBoolToObject(o, "is_published", published);
    return o;
}

/* The View-era Entity (v0.1.5 field order). */
static cJSON *entity_json(em *e, const sig_attribute_key *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", k->name);
    add_str(o, "description", k->description);
    const char *key = k->key;
    if (k->property_explicit && k->property) {
        if (k->property->kind == SIG_PROP_ATOMIC) {
            key = k->property->atomic;
        } else {
            sig_diag *d = sig_error(e->ctx, k->property->loc, "E0922",
                                    "the %s target cannot read entity `%s` from `%s`",
                                    e->target, k->name, k->property->text ? k->property->text : "a field");
            sig_diag_label(e->ctx, d, "the View-era API's entities have only an atomic `key`");
            sig_diag_help(e->ctx, d, "use `--target attribute-groups`, or an atomic column");
            e->ok = false;
        }
    }
    add_str(o, "key", key);
    if (k->external_column) views_cannot(e, k->loc, "an entity's `external_column`", "SDK 0.4.2");
    add_str(o, "owner", k->owner);
    if (k->ttl_seconds >= 0) add_duration(o, "ttl", k->ttl_seconds);
    return o;
}

/* ------------------------------------------------------------- views */

static void no_owner(em *e, sig_loc loc, const char *what, const char *name)
{
    sig_diag *d = sig_warning(e->ctx, loc, "E0923", "%s `%s` has no owner", what, name);
    sig_diag_help(e->ctx, d, "the Signals SDK requires `owner \"you@example.com\"` to publish it");
}

static cJSON *source_json(em *e, const sig_batch_source *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    if (s->timestamp_field) {
        cJSON_AddStringToObject(o, "timestamp_field", s->timestamp_field);
    } else if (!e->views) {
        sig_diag *d = sig_error(e->ctx, s->loc, "E0922",
                                "the %s target needs a `timestamp_field` in batch source `%s`",
                                e->target, s->name);
        sig_diag_help(e->ctx, d, "the API requires it since v0.3.1: the column the sync "
                                 "engine reads changed rows by");
        e->ok = false;
    }
    if (e->views) add_str(o, "created_timestamp_column", s->created_timestamp_column);
    add_str(o, "description", s->description);
    add_tags(e, o, s, s->tags, s->ntags, s->loc, "batch source", s->name);
    add_str(o, "owner", s->owner);
    if (e->views) add_str(o, "date_partition_column", s->date_partition_column);
    if (!e->views && (s->created_timestamp_column || s->date_partition_column)) {
        sig_diag *d = sig_error(e->ctx, s->loc, "E0922",
                                "the %s target cannot send `%s` of batch source `%s`",
                                e->target,
                                s->created_timestamp_column ? "created_timestamp_column"
                                                            : "date_partition_column",
                                s->name);
        sig_diag_label(e->ctx, d, "removed from the API in v0.3.1");
        sig_diag_help(e->ctx, d, "remove it, or use `--target views`");
        e->ok = false;
    }
    cJSON_AddStringToObject(o, "database", s->database ? s->database : "");
    cJSON_AddStringToObject(o, "schema", s->schema ? s->schema : "");
    cJSON_AddStringToObject(o, "table", s->table ? s->table : "");
    return o;
}

static cJSON *view_json(em *e, const sig_view *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", v->name);
    api_json_int(o, "version", v->version);
    if (e->views) {
        cJSON *l = cJSON_AddObjectToObject(o, "entity");
        cJSON_AddStringToObject(l, "name", v->key->name);
    } else {
        cJSON_AddItemToObject(o, "attribute_key", key_json(e, v->key, false));
    }
    if (v->ttl_seconds >= 0) add_duration(o, "ttl", v->ttl_seconds);
    if (v->source) cJSON_AddItemToObject(o, "batch_source", source_json(e, v->source));
    cJSON_AddBoolToObject(o, "online", v->online);
    /* `offline` as the SDK's subclass of the view would send it: written,
     * else false for a computed (stream) view, true for an external batch
     * view, none for a bare view. */
    if (v->offline_set) cJSON_AddBoolToObject(o, "offline", v->offline);
    else if (v->nattributes) cJSON_AddBoolToObject(o, "offline", false);
    else if (v->nfields) cJSON_AddBoolToObject(o, "offline", true);
    add_str(o, "description", v->description);
    if (e->views) add_tags(e, o, v, v->tags, v->ntags, v->loc, "view", v->name);
    if (v->owner) cJSON_AddStringToObject(o, "owner", v->owner);
    else no_owner(e, v->loc, "view", v->name);
    if (!e->views) add_tags(e, o, v, v->tags, v->ntags, v->loc, "view", v->name);
    if (v->nfields) {
        cJSON *l = cJSON_AddArrayToObject(o, "fields");
        for (size_t i = 0; i < v->nfields; i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "name", v->fields[i].name);
            add_str(f, "description", v->fields[i].description);
            cJSON_AddStringToObject(f, "type", sig_type_name(v->fields[i].type));
            cJSON_AddItemToArray(l, f);
        }
    }
    if (v->nattributes) {
        cJSON *l = cJSON_AddArrayToObject(o, "attributes");
        for (size_t i = 0; i < v->nattributes; i++)
            cJSON_AddItemToArray(l, attribute_json(e, v->attributes[i]));
    }
    if (!e->views) cJSON_AddBoolToObject(o, "is_published", true);
    add_str(o, "backfill_since_tstamp", v->backfill_since_tstamp);
    if (v->refresh_rate_seconds > 0) add_duration(o, "refresh_rate", v->refresh_rate_seconds);
    if (e->views && (v->backfill_since_tstamp || v->refresh_rate_seconds > 0))
        views_cannot(e, v->loc, v->backfill_since_tstamp ? "`backfill_since_tstamp`"
                                                         : "`refresh_rate`",
                     v->backfill_since_tstamp ? "SDK 0.4.4" : "SDK 0.4.7");
    return o;
}

static cJSON *service_json(em *e, const sig_service *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    add_str(o, "description", s->description);
    cJSON *l = cJSON_AddArrayToObject(o, e->views ? "views" : "attribute_groups");
    for (size_t i = 0; i < s->nviews; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "name", s->views[i].view->name);
        api_json_int(r, "version", s->views[i].version);
        cJSON_AddItemToArray(l, r);
    }
    add_tags(e, o, s, s->tags, s->ntags, s->loc, "service", s->name);
    if (s->owner) cJSON_AddStringToObject(o, "owner", s->owner);
    else no_owner(e, s->loc, "service", s->name);
    if (!e->views) cJSON_AddBoolToObject(o, "is_published", true);
    return o;
}

/* ------------------------------------------------------ interventions */

/* RuleIntervention.criteria (SDK 0.4.10): a Criterion {attribute,
 * operator, value?}, or {"all"|"any"|"none": [...]}. */
static cJSON *icriteria_json(const sig_icriteria *c)
{
    cJSON *o = cJSON_CreateObject();
    if (c->kind == SIG_ICRIT_CRITERION) {
        cJSON_AddStringToObject(o, "attribute", c->reference);
        cJSON_AddStringToObject(o, "operator", sig_op_name(c->op));
        if (sig_op_takes_value(c->op)) cJSON_AddItemToObject(o, "value", literal_json(&c->value));
        return o;
    }
    const char *k = c->kind == SIG_ICRIT_ALL ? "all" : c->kind == SIG_ICRIT_ANY ? "any" : "none";
    cJSON *l = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < c->nitems; i++) cJSON_AddItemToArray(l, icriteria_json(&c->items[i]));
    return o;
}

/* RuleInterventionInput field order: name, version, description, owner,
 * is_published, criteria, target_attribute_keys, payload_attribute_groups. */
static cJSON *intervention_json(em *e, const sig_intervention *iv)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", iv->name);
    api_json_int(o, "version", iv->version);
    add_str(o, "description", iv->description);
    if (iv->owner) cJSON_AddStringToObject(o, "owner", iv->owner);
    else no_owner(e, iv->loc, "intervention", iv->name);
    cJSON_AddBoolToObject(o, "is_published", true);
    cJSON_AddItemToObject(o, "criteria", icriteria_json(&iv->criteria));
    if (iv->ntargets) {
        cJSON *l = cJSON_AddArrayToObject(o, "target_attribute_keys");
        for (size_t i = 0; i < iv->ntargets; i++) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "name", iv->targets[i]->name);
            cJSON_AddItemToArray(l, r);
        }
    }
    if (iv->npayload) {
        cJSON *l = cJSON_AddArrayToObject(o, "payload_attribute_groups");
        for (size_t i = 0; i < iv->npayload; i++) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "name", iv->payload[i].view->name);
            api_json_int(r, "version", iv->payload[i].version);
            cJSON_AddItemToArray(l, r);
        }
    }
    return o;
}

/* ----------------------------------------------------------- backend */

static bool emit_all(sig_ctx *ctx, const sig_model *m, const char *target, sig_output *out,
                     sig_api_requests *reqs)
{
    em e = {
        .ctx = ctx,
        .a = out->arena,
        .views = strcmp(target, API_TARGET_VIEWS) == 0,
        .target = target,
        .out = out,
        .ok = true,
        .plan = cJSON_CreateArray(),
        .reqs = reqs,
    };
    const char *kdir = e.views ? "entities" : "attribute_keys";
    const char *gdir = e.views ? "views" : "attribute_groups";

    for (size_t i = 0; i < m->nkeys; i++) {
        const sig_attribute_key *k = m->keys[i];
        if (k->builtin) continue;
        const char *file = sig_arena_printf(e.a, "%s/%s.json", kdir, k->name);
        const sig_output_file *f = put_file(&e, file, e.views ? entity_json(&e, k) : key_json(&e, k, true));
        plan_step(&e, SIG_API_KEY, k->name, 0, "POST", sig_arena_printf(e.a, "registry/%s/", kdir), f,
                  sig_arena_printf(e.a, "registry/%s/%s", kdir, k->name));
    }
    for (size_t i = 0; i < m->nviews; i++) {
        const sig_view *v = m->views[i];
        const char *file = sig_arena_printf(e.a, "%s/%s_v%d.json", gdir, v->name, v->version);
        const sig_output_file *f = put_file(&e, file, view_json(&e, v));
        plan_step(&e, SIG_API_GROUP, v->name, v->version, "POST", sig_arena_printf(e.a, "registry/%s/", gdir), f,
                  sig_arena_printf(e.a, "registry/%s/%s/versions/%d", gdir, v->name, v->version));
    }
    for (size_t i = 0; i < m->nservices; i++) {
        const sig_service *s = m->services[i];
        const char *file = sig_arena_printf(e.a, "services/%s.json", s->name);
        const sig_output_file *f = put_file(&e, file, service_json(&e, s));
        plan_step(&e, SIG_API_SERVICE, s->name, 0, "POST", "registry/services/", f,
                  sig_arena_printf(e.a, "registry/services/%s", s->name));
    }
    for (size_t i = 0; i < m->ninterventions; i++) {
        const sig_intervention *iv = m->interventions[i];
        if (e.views) {
            /* the View-era RuleIntervention has a `method` and no criteria
             * tree; signalsc writes the current one only */
            views_cannot(&e, iv->loc, "interventions", "SDK 0.3");
            continue;
        }
        const char *file = sig_arena_printf(e.a, "interventions/%s_v%d.json", iv->name,
                                            iv->version);
        const sig_output_file *f = put_file(&e, file, intervention_json(&e, iv));
        plan_step(&e, SIG_API_INTERVENTION, iv->name, iv->version, "POST", "registry/interventions/", f,
                  sig_arena_printf(e.a, "registry/interventions/%s/versions/%d", iv->name,
                                   iv->version));
    }
    if (e.views) plan_step(&e, SIG_API_APPLY, NULL, 0, "POST", "feature_store/apply", NULL, NULL);
    put_file(&e, "plan.json", e.plan);
    return e.ok;
}

static bool api_emit(sig_ctx *ctx, const sig_model *m, const char *target,
                     const sig_compile_options *opts, sig_output *out)
{
    (void)opts;
    return emit_all(ctx, m, target, out, NULL);
}

bool sig_api_compile(sig_ctx *ctx, const sig_model *model, const char *target, sig_output *out,
                     sig_api_requests *reqs)
{
    memset(reqs, 0, sizeof *reqs);
    if (!target) target = API_TARGET_GROUPS;
    if (strcmp(target, API_TARGET_GROUPS) != 0 && strcmp(target, API_TARGET_VIEWS) != 0) {
        /* sig_compile() reports the unknown target (E0902, did-you-mean). */
        sig_compile_options o = {.backend = "api", .target = target};
        return sig_compile(ctx, model, &o, out) && false;
    }
    reqs->views = strcmp(target, API_TARGET_VIEWS) == 0;
    return emit_all(ctx, model, target, out, reqs);
}

static const char *const api_targets[] = {API_TARGET_GROUPS, API_TARGET_VIEWS, NULL};

const sig_backend sig_backend_api = {
    .name = "api",
    .summary = "Signals API request bodies (attribute keys, groups, services) and a publish plan",
    .targets = api_targets,
    .single_file = false,
    .emit = api_emit,
};
