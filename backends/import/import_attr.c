/* import_attr.c: attributes, entities (attribute keys) and batch sources. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_internal.h"
#include "text.h"

/* The members of an Attribute (SDK 0.4.10 models/model.py; View era:
 * tags, property_syntax) that the spec carries, and those it ignores. */
static const char *const attr_carried[] = {"name", "description", "type", "events", "aggregation", "property",
                                           "time_unit", "criteria", "period", "default_value", "tags",
                                           "ttl", NULL};
static const char *const attr_ignored[] = {"property_syntax", NULL};
static const char *const event_carried[] = {"name", "vendor", "version", "event_specification_id", NULL};

/* The declaration of an event given by its event specification id, which
 * the API's Event holds instead of name, vendor and version (SDK 0.4.4:
 * "Mutually exclusive with name/vendor/version"). */
static im_schema *spec_event(im *m, const cJSON *ev, const char *w)
{
    const cJSON *idj = imp_jget(ev, "event_specification_id");
    const char *id = cJSON_IsString(idj) ? idj->valuestring : NULL;
    if (!id || !*id) {
        imp_err(m, "E0931", imp_member(m, w, "event_specification_id"), "an event specification id is a "
                "non-empty string");
        return NULL;
    }
    if (imp_jget(ev, "name") || imp_jget(ev, "vendor") || imp_jget(ev, "version")) {
        imp_err(m, "E0932", imp_member(m, w, "event_specification_id"), "an event has either an event "
                "specification id or a name, vendor and version, not both");
        return NULL;
    }
    for (size_t i = 0; i < m->specs.len; i++) {
        im_schema *s = m->specs.items[i];
        if (strcmp(s->spec_id, id) == 0) return s;
    }
    im_schema *s = SIG_NEW(m->a, im_schema);
    s->vendor = s->name = "";
    s->major = -1;
    s->spec_id = id;
    s->decl = imp_unique_decl(m, sig_arena_printf(m->a, "spec_%s", id), "event");
    imp_push(m, &m->specs, s);
    return s;
}

static const char *const criteria_carried[] = {"all", "any", NULL};
/* The declarations of an attribute's `events`, in order, into `from`. */
static bool attr_events(im *m, const cJSON *events, const char *where, sig_ptrvec *from)
{
    const cJSON *ev;
    size_t i = 0;
    cJSON_ArrayForEach(ev, events) {
        const char *w = sig_arena_printf(m->a, "%s.events[%zu]", where, i++);
        if (cJSON_IsObject(ev) && !imp_members(m, ev, w, event_carried, NULL)) return false;
        if (imp_jget(ev, "event_specification_id")) {
            im_schema *sc = spec_event(m, ev, w);
            if (!sc) return false;
            imp_push(m, from, sc);
            continue;
        }
        const char *en = imp_jstr(ev, "name"), *vendor = imp_jstr(ev, "vendor"), *ver = imp_jstr(ev, "version");
        if (imp_jget(ev, "version") && !ver) {
            imp_err(m, "E0931", imp_member(m, w, "version"), "a version is a string such as \"1-0-2\"");
            return false;
        }
        if (!en || !vendor) {
            imp_err(m, "E0932", w, "an event with no %s (the API's wildcard) cannot be declared",
                en ? "vendor" : "name");
            return false;
        }
        im_schema *sc = imp_schema_for(m, false, vendor, en, ver, w, true);
        if (!sc) return false;
        imp_push(m, from, sc);
    }
    return true;
}

/* `where A and B and (C or D)` from an attribute's `criteria` (none when
 * both lists are empty), on a continuation line indented by `ind` + 4. */
static bool put_where(im *m, sig_buf *wb, const cJSON *cr, sig_ptrvec *from, const char *where, const char *ind)
{
    if (!cr) return true;
    const char *w = imp_member(m, where, "criteria");
    if (!imp_members(m, cr, w, criteria_carried, NULL)) return false;
    const cJSON *all = imp_jget(cr, "all"), *any = imp_jget(cr, "any");
    int nall = cJSON_IsArray(all) ? cJSON_GetArraySize(all) : 0;
    int nany = cJSON_IsArray(any) ? cJSON_GetArraySize(any) : 0;
    if (!nall && !nany) return true;
    sig_buf_printf(wb, "\n%s    where ", ind);
    if (nall && !imp_put_criteria_list(m, wb, all, "and", from, sig_arena_printf(m->a, "%s.all", w)))
        return false;
    if (nany) {
        if (nall) sig_buf_puts(wb, nany > 1 ? " and (" : " and ");
        if (!imp_put_criteria_list(m, wb, any, "or", from, sig_arena_printf(m->a, "%s.any", w))) return false;
        if (nall && nany > 1) sig_buf_putc(wb, ')');
    }
    return true;
}

/* Renders `NAME: TYPE = AGG(PROP) from ... where ... over last ... {...}`
 * with continuation lines indented by `ind` + 4. */
const char *imp_render_attribute(im *m, const cJSON *at, const char *where, const char *ind)
{
    sig_buf b = {.arena = m->a};
    const char *name = imp_jstr(at, "name"), *type = imp_jstr(at, "type"), *agg = imp_jstr(at, "aggregation");
    const cJSON *events = imp_jget(at, "events");
    if (!name || !type || !agg || !cJSON_IsArray(events)) {
        imp_err(m, "E0931", where, "an attribute needs name, type, events and aggregation");
        return NULL;
    }
    if (!imp_check_name(m, name, "attribute name", imp_member(m, where, "name"))) return NULL;
    bool members_ok = imp_members(m, at, where, attr_carried, attr_ignored); /* and report the rest */
    sig_type ty;
    if (!sig_type_parse(type, &ty)) {
        imp_err(m, "E0931", imp_member(m, where, "type"), "unknown type `%s`", imp_clip(m, type));
        return NULL;
    }
    const sig_agg_info *ai = sig_agg_lookup(agg);
    if (!ai) {
        imp_err(m, "E0931", imp_member(m, where, "aggregation"), "unknown aggregation `%s`", imp_clip(m, agg));
        return NULL;
    }
    /* time_since_* (SDK 0.4.8): the time unit is written where a property
     * goes; no other aggregation has one. */
    const cJSON *unit = imp_jget(at, "time_unit");
    const char *unit_s = imp_jstr(at, "time_unit");
    if (unit && (!ai->takes_unit || !unit_s)) {
        imp_err(m, "E0931", imp_member(m, where, "time_unit"),
                ai->takes_unit ? "`time_unit` is a string: s, min, h or d" : "only time_since_* take a `time_unit`");
        return NULL;
    }
    if (!members_ok) return NULL;
    /* Events first: the property may read one of them. An empty list is
     * the API's "every event" (SDK 0.4.10), `from all`: the property may
     * read any event then. */
    sig_ptrvec from = {0};
    if (!attr_events(m, events, where, &from)) return NULL;
    sig_ptrvec *reads = from.len ? &from : NULL;
    size_t i;
    sig_buf_printf(&b, "%s: %s = %s(", imp_name(m, name), type, agg);
    const cJSON *prop = imp_jget(at, "property");
    if (ai->needs_property != (prop != NULL)) { /* the checker's E0323 */
        imp_err(m, "E0931", where, ai->needs_property ? "`%s` needs a `property`" : "`%s` takes no `property`",
            ai->name);
        return NULL;
    }
    if (prop && !imp_put_property(m, &b, prop, reads, sig_arena_printf(m->a, "%s.property", where)))
        return NULL;
    if (unit_s) {
        if (strcmp(unit_s, "s") && strcmp(unit_s, "min") && strcmp(unit_s, "h") && strcmp(unit_s, "d")) {
            imp_err(m, "E0931", imp_member(m, where, "time_unit"), "unknown time unit `%s` (s, min, h or d)",
                    imp_clip(m, unit_s));
            return NULL;
        }
        sig_buf_puts(&b, unit_s);
    }
    /* The criteria are rendered before `from` is written: reading a
     * versionless event may turn it into its `M-*-*` (schema_for_major). */
    sig_buf wb = {.arena = m->a};
    if (!put_where(m, &wb, imp_jget(at, "criteria"), reads, where, ind)) return NULL;
    sig_buf_printf(&b, ")\n%s    from ", ind);
    if (!from.len) sig_buf_puts(&b, "all");
    for (i = 0; i < from.len; i++)
        sig_buf_printf(&b, "%s%s", i ? ", " : "", ((im_schema *)from.items[i])->decl);
    if (wb.len) sig_buf_append(&b, wb.data, wb.len);
    const cJSON *period = imp_jget(at, "period");
    if (period) {
        int64_t secs;
        if (!imp_duration_of(m, period, imp_member(m, where, "period"), false, &secs)) return NULL;
        if (secs > 0) {
            sig_buf_printf(&b, "\n%s    over last ", ind);
            imp_put_duration(&b, secs);
        }
    }
    const char *desc = imp_jstr(at, "description");
    const cJSON *def = imp_jget(at, "default_value");
    const cJSON *tags = imp_jget(at, "tags"), *ttl = imp_jget(at, "ttl");
    int64_t ttl_secs = 0;
    if (ttl && !imp_duration_of(m, ttl, imp_member(m, where, "ttl"), true, &ttl_secs)) return NULL;
    if (desc || def || ttl || (tags && tags->child)) {
        sig_buf_printf(&b, "\n%s    {\n", ind);
        const char *in2 = sig_arena_printf(m->a, "%s        ", ind);
        imp_put_setting_str(&b, in2, "description", desc);
        if (def) {
            sig_buf_printf(&b, "%sdefault ", in2);
            if (!imp_put_literal(m, &b, def, false, sig_arena_printf(m->a, "%s.default_value", where)))
                return NULL;
            sig_buf_putc(&b, '\n');
        }
        if (ttl) { /* per attribute (SDK 0.4.6) */
            sig_buf_printf(&b, "%sttl ", in2);
            imp_put_duration(&b, ttl_secs);
            sig_buf_putc(&b, '\n');
        }
        if (!imp_put_tags(m, &b, in2, tags, where)) return NULL;
        sig_buf_printf(&b, "%s    }", ind);
    }
    return sig_buf_str(&b);
}

/* ------------------------------------------------------------ entities */

/* A built-in key as the API sends it (name, its description and key, the
 * publish state), or a reference {"name"} to one. Anything more (an owner,
 * an external_column) is an entity that replaces the built-in. */
static bool is_builtin(const cJSON *k, const char *name)
{
    const sig_builtin_key *b = sig_builtin_key_lookup(name);
    if (!b) return false;
    const cJSON *it;
    cJSON_ArrayForEach(it, k) {
        const char *v = cJSON_IsString(it) ? it->valuestring : NULL;
        if (cJSON_IsNull(it) || strcmp(it->string, "name") == 0 || strcmp(it->string, "is_published") == 0 ||
            strcmp(it->string, "blobl_path") == 0)
            continue;
        if (strcmp(it->string, "description") == 0 && v && strcmp(v, b->description) == 0) continue;
        if (strcmp(it->string, "key") == 0 && v && strcmp(v, b->key) == 0) continue;
        return false;
    }
    return true;
}

bool imp_declare_entity(im *m, const cJSON *k, const char *where)
{
    const char *name = imp_jstr(k, "name");
    if (!name) {
        imp_err(m, "E0931", where, "an attribute key needs a name");
        return false;
    }
    if (is_builtin(k, name) || imp_contains(&m->entities, name)) return true;
    if (!imp_check_name(m, name, "entity name", imp_member(m, where, "name"))) return false;
    /* AttributeKeyInput (SDK 0.4.10) and the View era's Entity; blobl_path
     * is computed by the API, is_published is publish state. */
    static const char *const carried[] = {"name", "description", "key", "property", "owner", "ttl",
                                          "external_column", NULL};
    static const char *const ignored[] = {"is_published", "blobl_path", NULL};
    if (!imp_members(m, k, where, carried, ignored)) return false;
    const char *key = imp_jstr(k, "key"), *ext = imp_jstr(k, "external_column");
    /* The SDK requires external_column to equal the key's name (the
     * checker's E0316, run on the spec). */
    if (imp_jget(k, "external_column") &&
        !imp_check_name(m, ext, "external column", imp_member(m, where, "external_column")))
        return false;
    const cJSON *prop = imp_jget(k, "property"), *ttl = imp_jget(k, "ttl");
    if (imp_jget(k, "key") && !key) {
        imp_err(m, "E0931", imp_member(m, where, "key"), "`key` is not a string");
        return false;
    }
    /* A key is validated before it is used in the message below. */
    if (key && !imp_check_name(m, key, "key", imp_member(m, where, "key"))) return false;
    /* Without a property the value is the atomic column `key` or `name`
     * (as the checker reads it); a reference {"name": ...} to an entity
     * the input does not define names none. */
    if (!prop && !sig_atomic_lookup(key ? key : name)) {
        imp_err(m, "E0932", where, "entity `%s` has no `property`, and `%s` is not an atomic column: "
            "import it together with the entity's definition", name, imp_clip(m, key ? key : name));
        return false;
    }
    imp_push(m, &m->entities, name);
    sig_buf *b = &m->entity_text;
    const char *desc = imp_jstr(k, "description"), *owner = imp_jstr(k, "owner");
    if (!key && !prop && !ttl && !desc && !owner && !ext) {
        sig_buf_printf(b, "entity %s\n", imp_name(m, name));
        return true;
    }
    sig_buf_printf(b, "entity %s {\n", imp_name(m, name));
    if (prop) {
        sig_buf_puts(b, "    property ");
        if (!imp_put_property(m, b, prop, NULL, sig_arena_printf(m->a, "%s.property", where)))
            return false;
        sig_buf_putc(b, '\n');
    }
    if (key) sig_buf_printf(b, "    key %s\n", imp_name(m, key));
    if (ext) sig_buf_printf(b, "    external_column %s\n", imp_name(m, ext));
    if (ttl) {
        int64_t secs;
        if (!imp_duration_of(m, ttl, imp_member(m, where, "ttl"), true, &secs)) return false;
        sig_buf_puts(b, "    ttl ");
        imp_put_duration(b, secs);
        sig_buf_putc(b, '\n');
    }
    imp_put_setting_str(b, "    ", "owner", owner);
    imp_put_setting_str(b, "    ", "description", desc);
    sig_buf_puts(b, "}\n");
    return true;
}

const char *imp_declare_source(im *m, const cJSON *s, const char *where)
{
    const char *name = imp_jstr(s, "name");
    if (!imp_check_name(m, name, "batch source name", imp_member(m, where, "name"))) return NULL;
    if (imp_contains(&m->sources, name)) return name;
    /* BatchSource of both eras (`schema`; `schema_` and `wh_schema` as the
     * SDK's own dumps spell it). */
    static const char *const carried[] = {"name", "database", "schema", "schema_", "wh_schema", "table",
                                          "timestamp_field", "created_timestamp_column", "date_partition_column",
                                          "owner", "description", "tags", NULL};
    if (!imp_members(m, s, where, carried, NULL)) return NULL;
    imp_push(m, &m->sources, name);
    sig_buf *b = &m->source_text;
    sig_buf_printf(b, "batch_source %s {\n", imp_name(m, name));
    static const char *const keys[] = {"database", "schema", "table", "timestamp_field",
                                       "created_timestamp_column", "date_partition_column", NULL};
    for (size_t i = 0; keys[i]; i++) {
        const char *v = imp_jstr(s, keys[i]);
        if (!v && strcmp(keys[i], "schema") == 0) v = imp_jstr(s, "schema_");
        if (!v && strcmp(keys[i], "schema") == 0) v = imp_jstr(s, "wh_schema");
        /* The checker's rule for these (E0350): `-` only in a database. */
        bool dash = i == 0, good = v && *v && strlen(v) <= 128;
        for (const char *c = v; good && *c; c++)
            good = isalnum((unsigned char)*c) || *c == '_' || (dash && *c == '-');
        if (v && !good) {
            imp_err(m, "E0932", imp_member(m, where, keys[i]), "`%s` is not a %s the Signals API accepts "
                "(letters, digits%s and `_`, at most 128)", imp_clip(m, v), keys[i],
                dash ? ", `-`" : "");
            return NULL;
        }
        imp_put_setting_str(b, "    ", keys[i], v);
    }
    imp_put_setting_str(b, "    ", "owner", imp_jstr(s, "owner"));
    imp_put_setting_str(b, "    ", "description", imp_jstr(s, "description"));
    if (!imp_put_tags(m, b, "    ", imp_jget(s, "tags"), where)) return NULL;
    sig_buf_puts(b, "}\n");
    return name;
}

