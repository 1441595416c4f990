/* import_props.c: the events, contexts and properties an imported attribute
 * reads, declared on first use. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_internal.h"
#include "text.h"

/* ----------------------------------------------- events and contexts */

const char *imp_unique_decl(im *m, const char *base, const char *kind)
{
    /* Room for a `_context_99` suffix within the 128 of E0350. */
    const char *from = base && *base ? base : kind;
    char *name = sig_arena_strndup(m->a, from, strnlen(from, 100));
    for (char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) *p = '_';
    if (isdigit((unsigned char)name[0])) name = sig_arena_printf(m->a, "_%s", name);
    /* `all` would read as `from all` (every event) in an attribute. */
    if (imp_is_keyword(name) || sig_atomic_lookup(name) || sig_builtin_key_lookup(name) ||
        strcmp(name, "all") == 0)
        name = sig_arena_printf(m->a, "%s_%s", name, kind);
    const char *cand = name;
    for (int i = 2; imp_contains(&m->used, cand); i++)
        cand = sig_arena_printf(m->a, "%s_%d", name, i);
    imp_push(m, &m->used, cand);
    return cand;
}

static int version_major(const char *v)
{
    return v && isdigit((unsigned char)v[0]) ? atoi(v) : -1;
}

static bool iglu_part(const char *s, const char *extra)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && !strchr(extra, s[n])) return false;
    return n > 0 && n <= 128;
}

/* SchemaVer MODEL-REVISION-ADDITION as the checker reads it (E0403):
 * numbers of at most 9 digits, no leading zero, the model from 1; the
 * revision and addition may be `*` (the checker's order rules apply). */
static bool schemaver(const char *v)
{
    bool star = false;
    for (int k = 0; k < 3; k++) {
        size_t n = strspn(v, "0123456789");
        if (n == 0 && k > 0 && *v == '*') n = 1, star = true;
        else if (star) return false;
        else if (n == 0 || n > 9 || (n > 1 && *v == '0') || (k == 0 && *v == '0')) return false;
        v += n;
        if (k < 2 && *v++ != '-') return false;
    }
    return *v == '\0';
}

/* The declaration for (vendor, name, version); declared on first use.
 * `version` NULL means any version. Vendor, name and version must be what
 * an Iglu URI of the language may hold (E0402, E0403), else NULL after an
 * E0932 at `where`, or at its member `vendor`, `name` or `version` when
 * `members` (they came from an object, not from a column name). */
im_schema *imp_schema_for(im *m, bool ctx, const char *vendor, const char *name,
                             const char *version, const char *where, bool members)
{
    if (!iglu_part(vendor, "-_.")) {
        imp_err(m, "E0932", members ? imp_member(m, where, "vendor") : where, "vendor `%s` is not an Iglu vendor (letters, digits, `-`, `_` "
            "and `.`, at most 128)", imp_clip(m, vendor));
        return NULL;
    }
    if (!iglu_part(name, "-_")) {
        imp_err(m, "E0932", members ? imp_member(m, where, "name") : where, "schema name `%s` is not an Iglu name (letters, digits, `-` and "
            "`_`, at most 128)", imp_clip(m, name));
        return NULL;
    }
    if (version && !schemaver(version)) {
        imp_err(m, "E0932", members ? imp_member(m, where, "version") : where, "version `%s` is not a SchemaVer version such as `1-0-2`",
            imp_clip(m, version));
        return NULL;
    }
    for (size_t i = 0; i < m->schemas.len; i++) {
        im_schema *s = m->schemas.items[i];
        if (s->is_context == ctx && strcmp(s->vendor, vendor) == 0 &&
            strcmp(s->name, name) == 0 &&
            ((!s->version && !version) || (s->version && version && strcmp(s->version, version) == 0)))
            return s;
    }
    im_schema *s = SIG_NEW(m->a, im_schema);
    s->vendor = vendor;
    s->name = name;
    s->version = version;
    s->major = version_major(version);
    s->is_context = ctx;
    s->decl = imp_unique_decl(m, name, ctx ? "context" : "event");
    imp_push(m, &m->schemas, s);
    return s;
}

/* An event or context whose data a property reads, with model `major`:
 * one of the attribute's `from` events if it matches, else any declared
 * one, else a new `M-*-*` declaration. A `from` event without a version
 * becomes that `M-*-*` event (the api backend sends a partial version such
 * as 1-*-* as no version; the property keeps the major). An event that is
 * not among the attribute's: NULL after E0932 (the checker's E0327). */
im_schema *imp_schema_for_major(im *m, bool ctx, const char *vendor, const char *name,
                                   int major, const sig_ptrvec *from, const char *where,
                                   bool members)
{
    if (!ctx && from) {
        for (size_t i = 0; i < from->len; i++) {
            im_schema *s = from->items[i];
            if (strcmp(s->vendor, vendor) == 0 && strcmp(s->name, name) == 0 && s->major == major)
                return s;
        }
        for (size_t i = 0; i < from->len; i++) {
            im_schema *s = from->items[i];
            if (strcmp(s->vendor, vendor) == 0 && strcmp(s->name, name) == 0 && !s->version) {
                s = imp_schema_for_major(m, ctx, vendor, name, major, NULL, where, members);
                if (s) from->items[i] = s; /* the caller's vector; items are not const */
                return s;
            }
        }
        imp_err(m, "E0932", where, "the property reads event `%s/%s`, which is not one of the "
            "attribute's events", imp_clip(m, vendor), imp_clip(m, name));
        return NULL;
    }
    for (size_t i = 0; i < m->schemas.len; i++) {
        im_schema *s = m->schemas.items[i];
        if (s->is_context == ctx && strcmp(s->vendor, vendor) == 0 &&
            strcmp(s->name, name) == 0 && s->major == major)
            return s;
    }
    return imp_schema_for(m, ctx, vendor, name, sig_arena_printf(m->a, "%d-*-*", major), where,
                      members);
}

/* ------------------------------------------------------- properties */

/* Writes `path` (JSONPath subset, `$.` optional) as `.a.b[0].c`. */
bool imp_put_path(im *m, sig_buf *b, const char *path, const char *where)
{
    const char *p = path;
    if (*p == '$') p++;
    if (*p == '.') p++;
    bool first = true;
    while (*p) {
        if (*p == '[') {
            if (first) break;
            char *end;
            long long n = strtoll(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || n < 0 || n > UINT32_MAX) break;
            sig_buf_printf(b, "[%lld]", n);
            p = end + 1;
        } else {
            if (!first) {
                if (*p != '.') break;
                p++;
            }
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_') p++;
            if (p == s || isdigit((unsigned char)*s)) break;
            sig_buf_printf(b, ".%.*s", (int)(p - s), s);
        }
        first = false;
    }
    if (*p || first) {
        imp_err(m, "E0932", where, "the path `%s` is not a path of names and indexes (`a.b[0].c`)",
            imp_clip(m, path));
        return false;
    }
    return true;
}

/* Finds vendor and name for a mangled `vendor_name` warehouse prefix. */
static bool split_column(im *m, const char *mangled, int major, bool ctx, const char *where,
                         const char **vendor, const char **name)
{
    for (size_t pass = 0; pass < 2; pass++) {
        const sig_ptrvec *v = pass ? &m->schemas : &m->known;
        for (size_t i = 0; i < v->len; i++) {
            const im_schema *s = v->items[i];
            const char *x = sig_warehouse_stem(m->a, s->vendor, s->name);
            const char *raw = sig_arena_printf(m->a, "%s%s", sig_warehouse_stem(m->a, s->vendor, ""),
                                               s->name);
            if (strcmp(x, mangled) == 0 || strcmp(raw, mangled) == 0) {
                *vendor = s->vendor;
                *name = s->name;
                return true;
            }
        }
    }
    const char *const *vendors = sig_known_vendors;
    for (size_t i = 0; vendors[i]; i++) {
        const char *cv = sig_warehouse_stem(m->a, vendors[i], "");
        size_t n = strlen(cv) - 1; /* without the '_' that joins the name */
        if (strncmp(mangled, cv, n) == 0 && mangled[n] == '_' && mangled[n + 1]) {
            *vendor = vendors[i];
            *name = mangled + n + 1;
            return true;
        }
    }
    const char *us = strrchr(mangled, '_');
    if (!us || us == mangled) {
        imp_err(m, "E0932", where, "`%s` does not name a vendor and a schema name", mangled);
        *vendor = *name = mangled;
        return false;
    }
    char *v = sig_arena_strndup(m->a, mangled, (size_t)(us - mangled));
    for (char *p = v; *p; p++)
        if (*p == '_') *p = '.';
    *vendor = v;
    *name = us + 1;
    if (imp_contains(&m->guessed, mangled)) return true;
    imp_push(m, &m->guessed, mangled);
    sig_diag *d = sig_warning(m->ctx, SIG_NOLOC, "E0934",
                              "%s: %s: guessed schema `iglu:%s/%s/jsonschema/%d-*-*` for `%s`", m->src,
                              where, *vendor, *name, major, mangled);
    sig_diag_help(m->ctx, d, "check the %s declaration: its column is the same either way",
                  ctx ? "context" : "event");
    return true;
}

/* A string property: atomic column, unstruct_event_X_M:path or
 * contexts_X_M[i].path (Snowflake `.` or `:`; BigQuery [safe_offset(i)]). */
static bool put_string_property(im *m, sig_buf *b, const char *s, const sig_ptrvec *from,
                                const char *where)
{
    bool ev = strncmp(s, "unstruct_event_", 15) == 0;
    bool cx = strncmp(s, "contexts_", 9) == 0;
    if (!ev && !cx) {
        if (!imp_is_name(s) || !sig_atomic_lookup(s)) {
            imp_err(m, "E0932", where, "`%s` is not an atomic column, `unstruct_event_..._N:path` "
                                   "or `contexts_..._N[i].path`", s);
            return false;
        }
        sig_buf_puts(b, s);
        return true;
    }
    const char *body = s + (ev ? 15 : 9);
    size_t n = strcspn(body, cx ? "[.:" : ".:[");
    sig_warehouse_column wc;
    if (!sig_warehouse_column_parse(s, (size_t)(body - s) + n, &wc)) {
        imp_err(m, "E0932", where, "`%s` has no `_<major version>` in its column name", imp_clip(m, s));
        return false;
    }
    int major = wc.model;
    if (major < 1) {
        imp_err(m, "E0932", where, "the model version in `%s` is not from 1 to 999999999", imp_clip(m, s));
        return false;
    }
    const char *mangled = sig_arena_strndup(m->a, wc.stem, wc.stem_len);
    const char *rest = body + n;
    long long index = 0;
    if (cx && *rest == '[') {
        const char *p = rest + 1;
        bool safe = strncmp(p, "safe_offset(", 12) == 0;
        if (safe) p += 12;
        char *end;
        index = strtoll(p, &end, 10);
        if (end == p || index < 0 || index > UINT32_MAX) {
            imp_err(m, "E0932", where, "bad entity index in `%s`", s);
            return false;
        }
        if (safe) {
            if (*end != ')') {
                imp_err(m, "E0932", where, "bad entity index in `%s`", s);
                return false;
            }
            end++;
        }
        if (*end != ']') {
            imp_err(m, "E0932", where, "bad entity index in `%s`", s);
            return false;
        }
        rest = end + 1;
    }
    if (*rest != '.' && *rest != ':') {
        imp_err(m, "E0932", where, "`%s` names a whole %s, not a field of it", s, ev ? "event" : "entity");
        return false;
    }
    const char *vendor, *name;
    if (!split_column(m, mangled, major, cx, where, &vendor, &name)) return false;
    im_schema *sc = imp_schema_for_major(m, cx, vendor, name, major, from, where, false);
    if (!sc) return false;
    sig_buf_puts(b, sc->decl);
    if (index) sig_buf_printf(b, "[%lld]", index);
    return imp_put_path(m, b, rest + 1, where);
}

/* A leaf property object (atomic, event or entity) with its date part
 * (SDK 0.4.7, `hour_of_day(derived_tstamp)`). */
static bool put_leaf(im *m, sig_buf *b, const cJSON *p, const sig_ptrvec *from, const char *where)
{
    const char *type = imp_jstr(p, "type");
    const char *name = imp_jstr(p, "name");
    static const char *const atomic_carried[] = {"type", "name", "date_part", NULL};
    static const char *const event_carried[] = {"type", "vendor", "name", "major_version", "path",
                                                "date_part", NULL};
    static const char *const entity_carried[] = {"type", "vendor", "name", "major_version", "path",
                                                 "index", "date_part", NULL};
    bool atomic = (!type && !imp_jget(p, "vendor")) || (type && strcmp(type, "atomic") == 0);
    bool entity = !atomic && (type ? strcmp(type, "entity") == 0 : imp_jget(p, "index") != NULL);
    if (!imp_members(m, p, where, atomic ? atomic_carried : entity ? entity_carried : event_carried, NULL))
        return false;
    const char *part = imp_jstr(p, "date_part");
    if (imp_jget(p, "date_part")) {
        bool known = false;
        for (size_t i = 0; part && sig_date_parts[i]; i++) known |= strcmp(part, sig_date_parts[i]) == 0;
        if (!known) {
            imp_err(m, "E0931", imp_member(m, where, "date_part"), "unknown date part `%s`",
                    part ? imp_clip(m, part) : "(not a string)");
            return false;
        }
        sig_buf_printf(b, "%s(", part);
    }
    if (atomic) {
        if (!name || !imp_is_name(name) || !sig_atomic_lookup(name)) {
            imp_err(m, "E0932", where, "`%s` is not an atomic column", name ? name : "(no name)");
            return false;
        }
        sig_buf_puts(b, name);
        if (part) sig_buf_putc(b, ')');
        return true;
    }
    bool cx = entity;
    if (type && !cx && strcmp(type, "event") != 0) {
        imp_err(m, "E0931", where, "unknown property type `%s`", type);
        return false;
    }
    const char *vendor = imp_jstr(p, "vendor"), *path = imp_jstr(p, "path");
    const cJSON *mv = imp_jget(p, "major_version"), *ix = imp_jget(p, "index");
    if (!vendor || !name || !path || !cJSON_IsNumber(mv)) {
        imp_err(m, "E0931", where, "an %s property needs vendor, name, major_version and path",
            cx ? "entity" : "event");
        return false;
    }
    long long major = 0, index = 0;
    if (!imp_int_in(m, mv, 1, 999999999, "`major_version`", imp_member(m, where, "major_version"), &major))
        return false;
    if (cx && ix && !imp_int_in(m, ix, 0, UINT32_MAX, "`index`", imp_member(m, where, "index"), &index))
        return false;
    im_schema *sc = imp_schema_for_major(m, cx, vendor, name, (int)major, from, where, true);
    if (!sc) return false;
    sig_buf_puts(b, sc->decl);
    if (index) sig_buf_printf(b, "[%lld]", index);
    if (!imp_put_path(m, b, path, imp_member(m, where, "path"))) return false;
    if (part) sig_buf_putc(b, ')');
    return true;
}

/* CalculatedProperty (SDK 0.4.9) as `OP(a, b, ..., separator "S")`; the
 * arity and type rules are the checker's (E0413, run on the spec). */
static bool put_calculated(im *m, sig_buf *b, const cJSON *p, const sig_ptrvec *from, const char *where)
{
    static const char *const carried[] = {"type", "operation", "properties", "separator", NULL};
    static const char *const ops[] = {"concat", "sum", "product", "min", "max", "coalesce", NULL};
    if (!imp_members(m, p, where, carried, NULL)) return false;
    const char *op = imp_jstr(p, "operation");
    bool known = false;
    for (size_t i = 0; op && ops[i]; i++) known |= strcmp(op, ops[i]) == 0;
    if (!known) {
        imp_err(m, "E0931", imp_member(m, where, "operation"), "unknown operation `%s` (concat, sum, "
                "product, min, max or coalesce)", op ? imp_clip(m, op) : "(not a string)");
        return false;
    }
    const cJSON *l = imp_jget(p, "properties"), *sep = imp_jget(p, "separator");
    if (!cJSON_IsArray(l) || (sep && !cJSON_IsString(sep))) {
        imp_err(m, "E0931", where, "a calculated property needs a list `properties` (and a string "
                "`separator`, if any)");
        return false;
    }
    sig_buf_printf(b, "%s(", op);
    const cJSON *q;
    size_t i = 0;
    cJSON_ArrayForEach(q, l) {
        const char *w = sig_arena_printf(m->a, "%s.properties[%zu]", where, i);
        if (i++) sig_buf_puts(b, ", ");
        if (cJSON_IsObject(q) && imp_jstr(q, "type") && strcmp(imp_jstr(q, "type"), "calculated") == 0) {
            imp_err(m, "E0932", w, "calculated properties do not nest (E0413)");
            return false;
        }
        if (!cJSON_IsObject(q)) {
            imp_err(m, "E0931", w, "an operand is a property object");
            return false;
        }
        if (!put_leaf(m, b, q, from, w)) return false;
    }
    if (sep) {
        sig_buf_puts(b, ", separator ");
        imp_put_string(b, sep->valuestring);
    }
    sig_buf_putc(b, ')');
    return true;
}

bool imp_put_property(im *m, sig_buf *b, const cJSON *p, const sig_ptrvec *from,
                         const char *where)
{
    if (cJSON_IsString(p)) return put_string_property(m, b, p->valuestring, from, where);
    if (!cJSON_IsObject(p)) {
        imp_err(m, "E0931", where, "a property is a string or an object");
        return false;
    }
    const char *type = imp_jstr(p, "type");
    if (type && strcmp(type, "calculated") == 0) return put_calculated(m, b, p, from, where);
    return put_leaf(m, b, p, from, where);
}

/* -------------------------------------------------------- attributes */

static bool put_criterion(im *m, sig_buf *b, const cJSON *c, const sig_ptrvec *from,
                          const char *where)
{
    const char *op = imp_jstr(c, "operator");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "value");
    static const char *const ops[] = {"=", "!=", "<", ">", "<=", ">=", "like", "in", NULL};
    static const char *const carried[] = {"property", "operator", "value", NULL};
    static const char *const ignored[] = {"property_syntax", NULL}; /* View era */
    if (cJSON_IsObject(c) && !imp_members(m, c, where, carried, ignored)) return false;
    /* `is null` / `is not null` (SDK 0.4.3) take no value. */
    bool null_test = op && (strcmp(op, "is null") == 0 || strcmp(op, "is not null") == 0);
    if (null_test && imp_jget(c, "value")) {
        imp_err(m, "E0931", imp_member(m, where, "value"), "the operator `%s` takes no value", op);
        return false;
    }
    bool known = null_test;
    for (size_t i = 0; op && ops[i]; i++) known |= strcmp(op, ops[i]) == 0;
    if (!cJSON_IsObject(c) || !known || (!v && !null_test) || !imp_jget(c, "property")) {
        imp_err(m, "E0931", where, "a criterion needs property, operator (= != < > <= >= like in, "
                                   "or is null, is not null) and value");
        return false;
    }
    if (!imp_put_property(m, b, imp_jget(c, "property"), from, where)) return false;
    if (null_test) {
        sig_buf_printf(b, " %s", op);
        return true;
    }
    sig_buf_printf(b, " %s ", op);
    return imp_put_literal(m, b, v, true, where);
}

bool imp_put_criteria_list(im *m, sig_buf *b, const cJSON *l, const char *join,
                              const sig_ptrvec *from, const char *where)
{
    const cJSON *c;
    size_t i = 0;
    cJSON_ArrayForEach(c, l) {
        if (i) sig_buf_printf(b, " %s ", join);
        const char *w = sig_arena_printf(m->a, "%s[%zu]", where, i++);
        if (!put_criterion(m, b, c, from, w)) return false;
    }
    return true;
}
