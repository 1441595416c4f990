/* plan_json.c: the plans of a model's offline views as JSON
 * (`signalsc debug plan`, docs/plan-json.md). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "signals/plan.h"
#include "json_util.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

/* The version pattern an event filter matches: "1-0-2", "1-0-*", "1-*-*" or
 * null (any), as the events stage filters (docs/language.md section 6). */
static cJSON *version_json(const sig_schema_ref *s)
{
    char b[64];
    if (!s->has_version || s->model < 0) return cJSON_CreateNull();
    if (s->revision >= 0 && s->addition >= 0)
        snprintf(b, sizeof b, "%d-%d-%d", s->model, s->revision, s->addition);
    else if (s->revision >= 0)
        snprintf(b, sizeof b, "%d-%d-*", s->model, s->revision);
    else
        snprintf(b, sizeof b, "%d-*-*", s->model);
    return cJSON_CreateString(b);
}

static cJSON *source_json(const sig_plan *p)
{
    static const char *const kinds[] = {"atomic", "event", "entity"};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "table", "atomic.events");
    cJSON *dd = cJSON_AddObjectToObject(o, "deduplicate");
    cJSON_AddStringToObject(dd, "by", "event_id");
    cJSON *keep = cJSON_AddArrayToObject(dd, "keep_first_by");
    static const char *const order[] = {"load_tstamp", "collector_tstamp", "derived_tstamp"};
    for (size_t i = 0; i < 3; i++) cJSON_AddItemToArray(keep, cJSON_CreateString(order[i]));
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < p->nevents; i++) {
        const sig_schema_ref *s = &p->events[i]->schema;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "vendor", s->vendor);
        cJSON_AddStringToObject(e, "name", s->name);
        cJSON_AddItemToObject(e, "version", version_json(s));
        cJSON_AddItemToArray(ev, e);
    }
    cJSON *props = cJSON_AddArrayToObject(o, "properties");
    for (size_t i = 0; i < p->nprops; i++) {
        const sig_plan_prop *ps = p->props[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", ps->base);
        add_str(e, "text", ps->prop->text);
        cJSON_AddStringToObject(e, "kind", kinds[ps->prop->kind]);
        cJSON_AddStringToObject(e, "column", ps->prop->column);
        add_str(e, "path", ps->path);
        cJSON_AddBoolToObject(e, "raw", ps->needs_raw);
        cJSON_AddBoolToObject(e, "number", ps->needs_number);
        cJSON_AddItemToArray(props, e);
    }
    cJSON *cols = cJSON_AddArrayToObject(o, "columns");
    for (size_t i = 0; i < p->ncolumns; i++) {
        const sig_plan_column *c = p->columns[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", c->name);
        cJSON_AddStringToObject(e, "property", c->prop->base);
        cJSON_AddStringToObject(e, "as", sig_plan_conv_name(c->conv));
        cJSON_AddBoolToObject(e, "direct_cast", c->direct);
        cJSON_AddItemToArray(cols, e);
    }
    return o;
}

static cJSON *criteria_json(const sig_plan_criterion *cs, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "column", cs[i].column->name);
        cJSON_AddStringToObject(e, "operator", sig_op_name(cs[i].criterion->op));
        if (sig_op_takes_value(cs[i].criterion->op))
            cJSON_AddItemToObject(e, "value", sig_literal_json(&cs[i].criterion->value));
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static cJSON *attr_json(const sig_plan_attr *pa)
{
    const sig_attribute *at = pa->attr;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", at->name);
    cJSON_AddStringToObject(o, "aggregation", pa->agg->name);
    cJSON_AddStringToObject(o, "type", sig_type_name(at->type));
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < pa->nevents; i++)
        cJSON_AddItemToArray(ev, cJSON_CreateNumber((double)pa->events[i]));
    cJSON *crit = cJSON_AddObjectToObject(o, "criteria");
    cJSON_AddItemToObject(crit, "all", criteria_json(pa->all, pa->nall));
    cJSON_AddItemToObject(crit, "any", criteria_json(pa->any, pa->nany));
    add_str(o, "value", pa->value ? pa->value->name : NULL);
    add_str(o, "match", pa->match);
    cJSON *states = cJSON_AddArrayToObject(o, "states");
    for (size_t i = 0; i < pa->nstates; i++) {
        const sig_plan_state *st = &pa->states[i];
        const sig_state_info *si = sig_state_get(st->kind);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "state", si->name);
        add_str(e, "column", st->column);
        cJSON_AddStringToObject(e, "type", sig_type_name(st->type));
        cJSON_AddStringToObject(e, "merge", si->merge_name);
        cJSON_AddBoolToObject(e, "shared", st->shared);
        cJSON_AddItemToArray(states, e);
    }
    if (pa->window_days) cJSON_AddNumberToObject(o, "window_days", (double)pa->window_days);
    else cJSON_AddNullToObject(o, "window_days");
    cJSON *fin = cJSON_AddObjectToObject(o, "finish");
    cJSON_AddStringToObject(fin, "kind", sig_finish_name(pa->agg->finish));
    cJSON_AddItemToObject(fin, "default", sig_literal_json(at->default_value));
    if (pa->agg->list_cap) cJSON_AddNumberToObject(fin, "cap", pa->agg->list_cap);
    return o;
}

static cJSON *view_json(const sig_plan *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "view", p->view->name);
    cJSON_AddNumberToObject(o, "version", p->view->version);
    cJSON_AddStringToObject(o, "prefix", p->prefix);
    cJSON *ent = cJSON_AddObjectToObject(o, "entity");
    cJSON_AddStringToObject(ent, "column", p->entity);
    add_str(ent, "property", p->entity_property->text ? p->entity_property->text
                                                      : p->entity_property->column);
    cJSON_AddItemToObject(o, "source", source_json(p));
    cJSON *attrs = cJSON_AddArrayToObject(o, "attributes");
    for (size_t i = 0; i < p->nattrs; i++) cJSON_AddItemToArray(attrs, attr_json(&p->attrs[i]));
    return o;
}

char *sig_plan_json(const sig_model *m)
{
    sig_arena *a = sig_arena_new();
    if (!a) return NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *views = cJSON_AddArrayToObject(root, "views");
    for (size_t i = 0; i < m->nviews; i++) {
        const sig_view *v = m->views[i];
        if (!v->offline || !v->nattributes || !sig_plan_view_supported(a, v)) continue;
        cJSON_AddItemToArray(views, view_json(sig_plan_view(a, v)));
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    sig_arena_free(a);
    if (!s) return NULL;
    /* a plain malloc'd copy, whatever cJSON's allocation hooks are */
    char *copy = strdup(s);
    cJSON_free(s);
    return copy;
}
