/* model_json.c: the resolved model as JSON (docs/model-json.md). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "signals/signals.h"
#include "json_util.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

/* "1-0-2", "1-*-*", or NULL for no version. */
static char *version_text(const sig_schema_ref *s, char *buf, size_t n)
{
    if (!s->has_version) return NULL;
    char parts[3][16];
    int v[3] = {s->model, s->revision, s->addition};
    for (int i = 0; i < 3; i++) {
        if (v[i] < 0) strcpy(parts[i], "*");
        else snprintf(parts[i], sizeof parts[i], "%d", v[i]);
    }
    snprintf(buf, n, "%s-%s-%s", parts[0], parts[1], parts[2]);
    return buf;
}

static cJSON *schema_json(const char *name, const sig_schema_ref *s)
{
    char vb[64];
    cJSON *o = cJSON_CreateObject();
    if (name) cJSON_AddStringToObject(o, "name", name);
    add_str(o, "vendor", s->vendor);
    cJSON_AddStringToObject(o, name ? "event_name" : "name", s->name);
    add_str(o, "format", s->format);
    add_str(o, "version", version_text(s, vb, sizeof vb));
    add_str(o, "uri", s->uri);
    return o;
}

cJSON *sig_literal_json(const sig_literal *l)
{
    if (!l) return cJSON_CreateNull();
    switch (l->kind) {
    case SIG_LIT_STRING: return cJSON_CreateString(l->str);
    case SIG_LIT_INT: return cJSON_CreateNumber((double)l->i);
    case SIG_LIT_DECIMAL: return cJSON_CreateNumber(l->d);
    case SIG_LIT_BOOL: return cJSON_CreateBool(l->b);
    case SIG_LIT_LIST: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < l->nitems; i++) cJSON_AddItemToArray(a, sig_literal_json(&l->items[i]));
        return a;
    }
    }
    return cJSON_CreateNull();
}

static cJSON *property_json(const sig_property *p)
{
    if (!p) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    static const char *const kinds[] = {"atomic", "event", "entity", "calculated"};
    cJSON_AddStringToObject(o, "kind", kinds[p->kind]);
    if (p->kind == SIG_PROP_CALCULATED) {
        cJSON_AddStringToObject(o, "operation", p->calc_op);
        cJSON *ops = cJSON_AddArrayToObject(o, "operands");
        for (size_t i = 0; i < p->noperands; i++)
            cJSON_AddItemToArray(ops, property_json(&p->operands[i]));
        add_str(o, "separator", p->separator);
        add_str(o, "type", p->type_known ? sig_type_name(p->type) : NULL);
        add_str(o, "text", p->text);
        return o;
    }
    cJSON_AddStringToObject(o, "column", p->column);
    add_str(o, "date_part", p->date_part);
    if (p->kind == SIG_PROP_ATOMIC) {
        add_str(o, "type", p->type_known ? sig_type_name(p->type) : NULL);
    } else {
        if (p->kind == SIG_PROP_ENTITY) {
            cJSON_AddStringToObject(o, "context", p->context ? p->context->name : "");
            cJSON_AddNumberToObject(o, "index", p->index);
        } else {
            cJSON_AddStringToObject(o, "event", p->event ? p->event->name : "");
        }
        add_str(o, "path", p->json_path);
        cJSON *steps = cJSON_AddArrayToObject(o, "steps");
        for (size_t i = 0; i < p->nsteps; i++) {
            cJSON *s = cJSON_CreateObject();
            if (p->steps[i].kind == SIG_STEP_FIELD) cJSON_AddStringToObject(s, "field", p->steps[i].field);
            else cJSON_AddNumberToObject(s, "index", p->steps[i].index);
            cJSON_AddItemToArray(steps, s);
        }
    }
    add_str(o, "text", p->text);
    return o;
}

static cJSON *criteria_list(const sig_criterion *c, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "property", property_json(&c[i].property));
        cJSON_AddStringToObject(o, "operator", sig_op_name(c[i].op));
        if (sig_op_takes_value(c[i].op))
            cJSON_AddItemToObject(o, "value", sig_literal_json(&c[i].value));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *tags_json(const sig_tag *t, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++) cJSON_AddStringToObject(o, t[i].key, t[i].value);
    return o;
}

static void add_seconds(cJSON *o, const char *k, int64_t s)
{
    if (s < 0) cJSON_AddNullToObject(o, k);
    else cJSON_AddNumberToObject(o, k, (double)s);
}

static cJSON *attribute_json(const sig_attribute *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddStringToObject(o, "type", sig_type_name(a->type));
    cJSON_AddBoolToObject(o, "type_inferred", a->type_inferred);
    cJSON_AddStringToObject(o, "aggregation", sig_agg_get(a->agg)->name);
    cJSON *evs = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < a->nevents; i++)
        cJSON_AddItemToArray(evs, schema_json(NULL, &a->events[i]->schema));
    cJSON_AddItemToObject(o, "property", property_json(a->property));
    cJSON *crit = cJSON_AddObjectToObject(o, "criteria");
    cJSON_AddItemToObject(crit, "all", criteria_list(a->criteria.all, a->criteria.nall));
    cJSON_AddItemToObject(crit, "any", criteria_list(a->criteria.any, a->criteria.nany));
    if (a->period_seconds > 0) cJSON_AddNumberToObject(o, "period_seconds", (double)a->period_seconds);
    else cJSON_AddNullToObject(o, "period_seconds");
    cJSON_AddItemToObject(o, "default", sig_literal_json(a->default_value));
    add_str(o, "description", a->description);
    cJSON_AddItemToObject(o, "tags", tags_json(a->tags, a->ntags));
    add_str(o, "time_unit", a->time_unit); /* time_since_* only */
    return o;
}

static cJSON *key_json(const sig_attribute_key *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", k->name);
    add_str(o, "key", k->key);
    cJSON_AddBoolToObject(o, "builtin", k->builtin);
    cJSON_AddItemToObject(o, "property", property_json(k->property));
    add_seconds(o, "ttl_seconds", k->ttl_seconds);
    add_str(o, "owner", k->owner);
    add_str(o, "description", k->description);
    return o;
}

static cJSON *source_json(const sig_batch_source *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    add_str(o, "database", s->database);
    add_str(o, "schema", s->schema);
    add_str(o, "table", s->table);
    add_str(o, "timestamp_field", s->timestamp_field);
    add_str(o, "created_timestamp_column", s->created_timestamp_column);
    add_str(o, "date_partition_column", s->date_partition_column);
    add_str(o, "owner", s->owner);
    add_str(o, "description", s->description);
    cJSON_AddItemToObject(o, "tags", tags_json(s->tags, s->ntags));
    return o;
}

static cJSON *view_json(const sig_view *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", v->name);
    cJSON_AddNumberToObject(o, "version", v->version);
    cJSON_AddItemToObject(o, "entity", v->key ? key_json(v->key) : cJSON_CreateNull());
    add_seconds(o, "ttl_seconds", v->ttl_seconds);
    cJSON_AddBoolToObject(o, "online", v->online);
    cJSON_AddBoolToObject(o, "offline", v->offline);
    add_str(o, "owner", v->owner);
    add_str(o, "description", v->description);
    cJSON_AddItemToObject(o, "tags", tags_json(v->tags, v->ntags));
    add_str(o, "source", v->source ? v->source->name : NULL);
    cJSON *fields = cJSON_AddArrayToObject(o, "fields");
    for (size_t i = 0; i < v->nfields; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", v->fields[i].name);
        cJSON_AddStringToObject(f, "type", sig_type_name(v->fields[i].type));
        add_str(f, "description", v->fields[i].description);
        cJSON_AddItemToArray(fields, f);
    }
    cJSON *attrs = cJSON_AddArrayToObject(o, "attributes");
    for (size_t i = 0; i < v->nattributes; i++)
        cJSON_AddItemToArray(attrs, cJSON_CreateString(v->attributes[i]->name));
    return o;
}

char *sig_model_json(const sig_model *m)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *a;
    a = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; i < m->nevents; i++)
        cJSON_AddItemToArray(a, schema_json(m->events[i]->name, &m->events[i]->schema));
    a = cJSON_AddArrayToObject(root, "contexts");
    for (size_t i = 0; i < m->ncontexts; i++)
        cJSON_AddItemToArray(a, schema_json(m->contexts[i]->name, &m->contexts[i]->schema));
    a = cJSON_AddArrayToObject(root, "entities");
    for (size_t i = 0; i < m->nkeys; i++) cJSON_AddItemToArray(a, key_json(m->keys[i]));
    a = cJSON_AddArrayToObject(root, "attributes");
    for (size_t i = 0; i < m->nattributes; i++) cJSON_AddItemToArray(a, attribute_json(m->attributes[i]));
    a = cJSON_AddArrayToObject(root, "views");
    for (size_t i = 0; i < m->nviews; i++) cJSON_AddItemToArray(a, view_json(m->views[i]));
    a = cJSON_AddArrayToObject(root, "batch_sources");
    for (size_t i = 0; i < m->nsources; i++) cJSON_AddItemToArray(a, source_json(m->sources[i]));
    a = cJSON_AddArrayToObject(root, "services");
    for (size_t i = 0; i < m->nservices; i++) {
        const sig_service *s = m->services[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->name);
        add_str(o, "owner", s->owner);
        add_str(o, "description", s->description);
        cJSON *vs = cJSON_AddArrayToObject(o, "views");
        for (size_t j = 0; j < s->nviews; j++) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "name", s->views[j].view->name);
            cJSON_AddNumberToObject(r, "version", s->views[j].version);
            cJSON_AddItemToArray(vs, r);
        }
        cJSON_AddItemToObject(o, "tags", tags_json(s->tags, s->ntags));
        cJSON_AddItemToArray(a, o);
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    if (!s) return NULL;
    /* cJSON allocates with malloc by default; hand back a plain malloc'd copy
     * so callers free() it whatever cJSON's hooks are. */
    char *copy = strdup(s);
    cJSON_free(s);
    return copy;
}
