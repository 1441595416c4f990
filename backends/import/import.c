/* import.c: `signalsc import`: Signals API JSON (SDK definitions or API
 * responses, both eras) to an equivalent .signals spec. See import.h. */
#include "signals/import.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_internal.h"
#include "text.h"

/* -------------------------------------------------------- collection */

static bool is_group(const cJSON *o)
{
    return imp_jget(o, "attribute_key") || imp_jget(o, "entity");
}

/* A RuleInterventionInput (SDK 0.4.10): criteria over attributes and the
 * keys it targets. */
static bool is_intervention(const cJSON *o)
{
    return imp_jget(o, "target_attribute_keys") || imp_jget(o, "payload_attribute_groups") ||
           (imp_jget(o, "criteria") && !imp_jget(o, "aggregation"));
}

/* An EventLog (SDK 0.4.5+, agentic contexts): a prompt and event limits on
 * an attribute key. */
static bool is_event_log(const cJSON *o)
{
    return imp_jget(o, "prompt") || imp_jget(o, "max_events") || imp_jget(o, "max_age_seconds");
}

static bool is_service(const cJSON *o)
{
    return cJSON_IsArray(imp_jget(o, "attribute_groups")) || cJSON_IsArray(imp_jget(o, "views"));
}

static void collect(im *m, const cJSON *v, const char *where)
{
    if (cJSON_IsArray(v)) {
        const cJSON *c;
        size_t i = 0;
        cJSON_ArrayForEach(c, v) collect(m, c, sig_arena_printf(m->a, "%s[%zu]", where, i++));
        return;
    }
    if (!cJSON_IsObject(v)) {
        imp_err(m, "E0931", where, "expected an object or an array");
        return;
    }
    if (!imp_jstr(v, "name")) {
        /* A container: {"attribute_groups": [...], "services": [...], ...}. */
        bool any = false;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) {
            if (!cJSON_IsArray(c)) continue;
            any = true;
            collect(m, c, imp_is_name(c->string)
                              ? sig_arena_printf(m->a, "%s.%s", where, c->string)
                              : sig_arena_printf(m->a, "%s[\"%s\"]", where, imp_clip(m, c->string)));
        }
        if (!any) imp_err(m, "E0931", where, "an object with no `name` and no list of definitions");
        return;
    }
    if (is_intervention(v)) {
        imp_push(m, &m->rules, v);
        imp_push(m, &m->rule_where, where);
    } else if (is_event_log(v)) {
        imp_not_yet(m, where, sig_arena_printf(m->a, "event log `%s` (registry/event_logs/, SDK 0.4.5)",
                                               imp_clip(m, imp_jstr(v, "name"))));
    } else if (is_group(v)) {
        im_view *iv = SIG_NEW(m->a, im_view);
        iv->json = v;
        iv->where = where;
        imp_push(m, &m->views, iv);
    } else if (is_service(v)) {
        imp_push(m, &m->services, v);
        imp_push(m, &m->service_where, where);
    } else if (imp_jget(v, "events") || imp_jget(v, "aggregation")) {
        imp_err(m, "E0931", where, "an attribute outside of a view or attribute group");
    } else {
        imp_push(m, &m->keys, v);
        imp_push(m, &m->key_where, where);
    }
}

static im_attr *find_attr(im *m, const char *name)
{
    for (size_t i = 0; i < m->attrs.len; i++) {
        im_attr *a = m->attrs.items[i];
        if (strcmp(a->name, name) == 0) return a;
    }
    return NULL;
}

/* ------------------------------------------------------------- views */

static void scan_view(im *m, im_view *iv)
{
    const cJSON *attrs = imp_jget(iv->json, "attributes");
    if (attrs && !cJSON_IsArray(attrs)) {
        imp_err(m, "E0931", iv->where, "`attributes` is not a list");
        return;
    }
    const cJSON *at;
    size_t i = 0;
    cJSON_ArrayForEach(at, attrs) {
        const char *w = sig_arena_printf(m->a, "%s.attributes[%zu]", iv->where, i++);
        const char *text = imp_render_attribute(m, at, w, "");
        if (!text) continue;
        const char *name = imp_jstr(at, "name");
        im_attr *prev = find_attr(m, name);
        if (prev) {
            if (strcmp(prev->text, text) != 0) {
                sig_diag *d = imp_err(m, "E0933", w, "attribute `%s` differs from the one of %s", name,
                                  prev->where);
                sig_diag_help(m->ctx, d, "attribute names are global in a spec");
                continue;
            }
            prev->uses++;
        } else {
            prev = SIG_NEW(m->a, im_attr);
            prev->name = name;
            prev->json = at;
            prev->where = w;
            prev->text = text;
            prev->uses = 1;
            imp_push(m, &m->attrs, prev);
        }
        imp_push(m, &iv->attrs, prev);
    }
}

/* AttributeGroupInput (SDK 0.4.10) and the View era's ViewInput carry
 * these; the API's answers add computed members, and is_published is
 * publish state (publish and unpublish set it). */
static const char *const group_carried[] = {
    "name", "version", "attribute_key", "entity", "ttl", "batch_source", "online", "offline",
    "description", "owner", "fields", "attributes", "tags", "backfill_since_tstamp", "refresh_rate",
    NULL};
static const char *const group_ignored[] = {
    "is_published", "full_name", "feast_name", "stream_source_name", "attribute_key_or_name",
    "attribute_group_or_attribute_key_ttl", "entity_key", "view_or_entity_ttl", NULL};

/* A group's backfill start (SDK 0.4.4; its form, "YYYY-MM-DDTHH:MM:SSZ",
 * is the checker's E0352) and refresh rate (SDK 0.4.7). */
static bool put_sync(im *m, sig_buf *b, const cJSON *v, const char *where)
{
    const cJSON *since = imp_jget(v, "backfill_since_tstamp"), *rate = imp_jget(v, "refresh_rate");
    if (since && !cJSON_IsString(since)) {
        imp_err(m, "E0931", imp_member(m, where, "backfill_since_tstamp"), "a backfill start is a "
                "string such as \"2025-01-31T00:00:00Z\"");
        return false;
    }
    imp_put_setting_str(b, "    ", "backfill_since_tstamp", since ? since->valuestring : NULL);
    if (rate) {
        int64_t secs;
        if (!imp_duration_of(m, rate, imp_member(m, where, "refresh_rate"), true, &secs)) return false;
        sig_buf_puts(b, "    refresh_rate ");
        imp_put_duration(b, secs);
        sig_buf_putc(b, '\n');
    }
    return true;
}

static void put_view(im *m, sig_buf *b, const im_view *iv)
{
    const cJSON *v = iv->json;
    const char *name = imp_jstr(v, "name");
    if (!imp_check_name(m, name, "view name", imp_member(m, iv->where, "name"))) return;
    if (!imp_members(m, v, iv->where, group_carried, group_ignored)) return;
    const cJSON *ver = imp_jget(v, "version");
    long long version = 1;
    if (ver && !imp_int_in(m, ver, 1, INT_MAX, "a view version", imp_member(m, iv->where, "version"),
                       &version))
        return;
    const char *kmember = imp_jget(v, "attribute_key") ? "attribute_key" : "entity";
    const cJSON *key = imp_jget(v, kmember);
    const char *kname = imp_jstr(key, "name");
    if (!kname) {
        imp_err(m, "E0931", imp_member(m, iv->where, kmember), "the attribute key (entity) has no name");
        return;
    }
    if (!imp_check_name(m, kname, "entity name", imp_member(m, imp_member(m, iv->where, kmember), "name")))
        return;
    if (!cJSON_GetArraySize(imp_jget(v, "attributes")) && !cJSON_GetArraySize(imp_jget(v, "fields"))) {
        imp_err(m, "E0932", iv->where, "view `%s` has neither attributes nor fields: the language "
                                   "has no empty view", name);
        return;
    }
    if (cJSON_GetArraySize(imp_jget(v, "fields")) && !imp_jget(v, "batch_source")) {
        imp_err(m, "E0932", iv->where, "view `%s` has fields but no `batch_source`: the language "
                                   "needs the table they are columns of (E0313)", name);
        return;
    }
    sig_buf_printf(b, "view %s v%lld {\n", imp_name(m, name), version);
    sig_buf_printf(b, "    entity %s\n", imp_name(m, kname));
    const cJSON *ttl = imp_jget(v, "ttl");
    if (ttl) {
        int64_t secs;
        if (!imp_duration_of(m, ttl, imp_member(m, iv->where, "ttl"), true, &secs)) return;
        sig_buf_puts(b, "    ttl ");
        imp_put_duration(b, secs);
        sig_buf_putc(b, '\n');
    }
    if (!put_sync(m, b, v, iv->where)) return;
    const cJSON *src = imp_jget(v, "batch_source");
    if (src) {
        const char *sn = imp_declare_source(m, src, imp_member(m, iv->where, "batch_source"));
        if (sn) sig_buf_printf(b, "    source %s\n", imp_name(m, sn));
    }
    const cJSON *online = imp_jget(v, "online"), *offline = imp_jget(v, "offline");
    if (cJSON_IsBool(online)) sig_buf_printf(b, "    online %s\n", cJSON_IsTrue(online) ? "true" : "false");
    if (cJSON_IsBool(offline)) sig_buf_printf(b, "    offline %s\n", cJSON_IsTrue(offline) ? "true" : "false");
    imp_put_setting_str(b, "    ", "description", imp_jstr(v, "description"));
    imp_put_setting_str(b, "    ", "owner", imp_jstr(v, "owner"));
    imp_put_tags(m, b, "    ", imp_jget(v, "tags"), iv->where);
    const cJSON *fields = imp_jget(v, "fields"), *f;
    size_t i = 0;
    cJSON_ArrayForEach(f, fields) {
        const char *w = sig_arena_printf(m->a, "%s.fields[%zu]", iv->where, i++);
        static const char *const field_carried[] = {"name", "type", "description", NULL};
        if (cJSON_IsObject(f) && !imp_members(m, f, w, field_carried, NULL)) continue;
        const char *fn = imp_jstr(f, "name"), *ft = imp_jstr(f, "type");
        sig_type ty;
        if (!fn || !ft || !sig_type_parse(ft, &ty)) {
            imp_err(m, "E0931", w, "a field needs a name and one of the 16 types");
            continue;
        }
        if (!imp_check_name(m, fn, "field name", imp_member(m, w, "name"))) continue;
        sig_buf_printf(b, "    field %s: %s", imp_name(m, fn), ft);
        const char *fd = imp_jstr(f, "description");
        if (fd) {
            sig_buf_puts(b, " { description ");
            imp_put_string(b, fd);
            sig_buf_puts(b, " }");
        }
        sig_buf_putc(b, '\n');
    }
    bool shared = false;
    for (i = 0; i < iv->attrs.len; i++) {
        const im_attr *a = iv->attrs.items[i];
        if (a->uses > 1) {
            shared = true;
            continue;
        }
        const char *text = imp_render_attribute(m, a->json, a->where, "    ");
        if (text) sig_buf_printf(b, "    attribute %s\n", text);
    }
    if (shared) {
        sig_buf_puts(b, "    attributes ");
        bool first = true;
        for (i = 0; i < iv->attrs.len; i++) {
            const im_attr *a = iv->attrs.items[i];
            if (a->uses < 2) continue;
            sig_buf_printf(b, "%s%s", first ? "" : ", ", imp_name(m, a->name));
            first = false;
        }
        sig_buf_putc(b, '\n');
    }
    sig_buf_puts(b, "}\n");
}

/* Whether the input defines view `name` version `version`. */
static bool input_has_view(const im *m, const char *name, long long version)
{
    for (size_t i = 0; i < m->views.len; i++) {
        const cJSON *v = ((const im_view *)m->views.items[i])->json;
        const cJSON *ver = imp_jget(v, "version");
        const char *n = imp_jstr(v, "name");
        if (n && strcmp(n, name) == 0 &&
            (ver ? cJSON_IsNumber(ver) && ver->valuedouble == (double)version : version == 1))
            return true;
    }
    return false;
}

static void put_service(im *m, sig_buf *b, const cJSON *s, const char *where)
{
    const char *name = imp_jstr(s, "name");
    if (!imp_check_name(m, name, "service name", imp_member(m, where, "name"))) return;
    static const char *const carried[] = {"name", "attribute_groups", "views", "owner", "description", "tags", NULL};
    static const char *const ignored[] = {"is_published", NULL};
    static const char *const ref_carried[] = {"name", "version", NULL};
    if (!imp_members(m, s, where, carried, ignored)) return;
    const char *rmember = imp_jget(s, "attribute_groups") ? "attribute_groups" : "views";
    const cJSON *refs = imp_jget(s, rmember);
    sig_buf_printf(b, "service %s {\n    views ", imp_name(m, name));
    const cJSON *r;
    bool first = true;
    size_t i = 0;
    cJSON_ArrayForEach(r, refs) {
        const char *w = sig_arena_printf(m->a, "%s.%s[%zu]", where, rmember, i++);
        if (cJSON_IsObject(r) && !imp_members(m, r, w, ref_carried, NULL)) return;
        const char *rn = imp_jstr(r, "name");
        const cJSON *rv = imp_jget(r, "version");
        long long version = 1;
        if (!imp_check_name(m, rn, "a view reference's name", imp_member(m, w, "name"))) return;
        if (rv && !imp_int_in(m, rv, 1, INT_MAX, "a view version", imp_member(m, w, "version"), &version))
            return;
        /* A spec that names a view it lacks does not check: the service
         * can only be imported together with its views. */
        if (!input_has_view(m, rn, version)) {
            imp_err(m, "E0932", w, "service `%s` uses view `%s` v%lld, which the input does not define",
                name, rn, version);
            return;
        }
        sig_buf_printf(b, "%s%s v%lld", first ? "" : ", ", imp_name(m, rn), version);
        first = false;
    }
    if (first) {
        imp_err(m, "E0932", imp_member(m, where, rmember), "a service needs at least one view");
        return;
    }
    sig_buf_putc(b, '\n');
    imp_put_setting_str(b, "    ", "owner", imp_jstr(s, "owner"));
    imp_put_setting_str(b, "    ", "description", imp_jstr(s, "description"));
    imp_put_tags(m, b, "    ", imp_jget(s, "tags"), where);
    sig_buf_puts(b, "}\n");
}

/* ------------------------------------------------------------- entry */

static void note_events(im *m, const cJSON *v)
{
    /* Every input event's vendor/name, to split warehouse column names. */
    const cJSON *attrs = imp_jget(v, "attributes"), *at;
    cJSON_ArrayForEach(at, attrs) {
        const cJSON *evs = imp_jget(at, "events"), *ev;
        cJSON_ArrayForEach(ev, evs) {
            const char *n = imp_jstr(ev, "name"), *vd = imp_jstr(ev, "vendor");
            if (!n || !vd) continue;
            im_schema *s = SIG_NEW(m->a, im_schema);
            s->vendor = vd;
            s->name = n;
            imp_push(m, &m->known, s);
        }
    }
}

/* The offset of a `\u0000` escape in a string of the JSON text, or `len`:
 * cJSON would cut the string there, silently. */
static size_t nul_escape_at(const char *json, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = json[i] == '"';
        } else if (json[i] == '"') {
            in_string = false;
        } else if (json[i] == '\\' && i + 1 < len) {
            if (json[i + 1] == 'u' && i + 6 <= len && strncmp(json + i + 2, "0000", 4) == 0)
                return i;
            i++;
        }
    }
    return len;
}

/* The generated spec must pass `signalsc check`: run the checker on it in
 * memory. A failure is either an inconsistent input (a default of the wrong
 * type, a service naming a view the input lacks) or a gap in the validation
 * above: E0935 with the checker's errors as notes, and nothing is written. */
static bool spec_checks(im *m, const sig_buf *spec)
{
    sig_ctx *chk = sig_ctx_new();
    sig_ctx_add_buffer(chk, "<imported spec>", spec->data ? spec->data : "", spec->len);
    sig_ctx_check(chk);
    bool ok = sig_error_count(chk) == 0;
    if (!ok) {
        sig_diag *d = imp_err(m, "E0935", NULL, "the spec generated from this input does not pass "
                          "`signalsc check`; nothing was written");
        for (const sig_diag *e = sig_diags_first(chk); e; e = e->next) {
            if (e->severity != SIG_SEV_ERROR) continue;
            sig_diag_note(m->ctx, d, SIG_NOLOC, "generated line %u:%u: error[%s]: %s",
                          (unsigned)e->loc.line, (unsigned)e->loc.col, e->code, e->message);
        }
        sig_diag_help(m->ctx, d, "the notes are the checker's errors, at lines of the generated "
                      "spec; if the input is consistent, this is an internal error of signalsc "
                      "import: please report it with the input");
    }
    sig_ctx_free(chk);
    return ok;
}

bool sig_import_json(sig_ctx *ctx, const char *json, size_t len, const char *source_name,
                     sig_buf *out_spec)
{
    im m = {.ctx = ctx, .a = sig_ctx_arena(ctx), .src = source_name ? source_name : "<input>",
            .ok = true};
    m.entity_text.arena = m.source_text.arena = m.a;
    /* JSON text is UTF-8 (RFC 8259, section 8.1), and a spec is too. */
    size_t bad = sig_utf8_invalid_at(json, len);
    if (bad < len) {
        imp_err(&m, "E0930", NULL, "invalid JSON at byte %zu: %s", bad,
            json[bad] ? "not UTF-8 text" : "a NUL byte");
        return false;
    }
    size_t nul = nul_escape_at(json, len);
    if (nul < len) {
        imp_err(&m, "E0930", NULL, "unsupported JSON at byte %zu: `\\u0000` (a NUL character) in a "
            "string", nul);
        return false;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
        imp_err(&m, "E0930", NULL, "invalid JSON at byte %zu", off);
        return false;
    }
    size_t rest = len - (size_t)(end - json);
    for (const char *p = end; rest && isspace((unsigned char)*p); p++) rest--;
    if (rest) {
        imp_err(&m, "E0930", NULL, "invalid JSON at byte %zu: text after the value",
            (size_t)(end - json));
        cJSON_Delete(root);
        return false;
    }
    imp_attach_number_texts(&m, root, json, len);
    collect(&m, root, "$");
    for (size_t i = 0; i < m.views.len; i++) note_events(&m, ((im_view *)m.views.items[i])->json);
    for (size_t i = 0; i < m.keys.len; i++) imp_declare_entity(&m, m.keys.items[i], m.key_where.items[i]);
    for (size_t i = 0; i < m.views.len; i++) {
        im_view *iv = m.views.items[i];
        const cJSON *key = imp_jget(iv->json, "attribute_key");
        if (!key) key = imp_jget(iv->json, "entity");
        if (cJSON_IsObject(key))
            imp_declare_entity(&m, key, imp_member(&m, iv->where, imp_jget(iv->json, "attribute_key")
                                                              ? "attribute_key" : "entity"));
        scan_view(&m, iv);
    }
    sig_buf views = {.arena = m.a}, shared = {.arena = m.a}, services = {.arena = m.a},
            rules = {.arena = m.a};
    for (size_t i = 0; i < m.attrs.len; i++) {
        const im_attr *a = m.attrs.items[i];
        if (a->uses < 2) continue;
        const char *text = imp_render_attribute(&m, a->json, a->where, "");
        if (text) sig_buf_printf(&shared, "attribute %s\n", text);
    }
    for (size_t i = 0; i < m.views.len; i++) {
        if (views.len) sig_buf_putc(&views, '\n');
        put_view(&m, &views, m.views.items[i]);
    }
    for (size_t i = 0; i < m.services.len; i++) {
        if (services.len) sig_buf_putc(&services, '\n');
        put_service(&m, &services, m.services.items[i], m.service_where.items[i]);
    }

    for (size_t i = 0; i < m.rules.len; i++)
        imp_put_intervention(&m, &rules, m.rules.items[i], m.rule_where.items[i]);

    size_t spec_start = out_spec->len;
    sig_buf_puts(out_spec, "# Imported from ");
    imp_put_comment_text(out_spec, m.src);
    sig_buf_puts(out_spec, " by signalsc import.\n");
    if (m.schemas.len || m.specs.len) sig_buf_putc(out_spec, '\n');
    for (size_t i = 0; i < m.schemas.len; i++) {
        const im_schema *s = m.schemas.items[i];
        if (s->is_context) continue;
        sig_buf_printf(out_spec, "event %s = iglu:%s/%s", s->decl, s->vendor, s->name);
        if (s->version) sig_buf_printf(out_spec, "/jsonschema/%s", s->version);
        sig_buf_putc(out_spec, '\n');
    }
    for (size_t i = 0; i < m.specs.len; i++) {
        const im_schema *s = m.specs.items[i];
        sig_buf_printf(out_spec, "event %s = specification ", s->decl);
        imp_put_string(out_spec, s->spec_id);
        sig_buf_putc(out_spec, '\n');
    }
    for (size_t i = 0; i < m.schemas.len; i++) {
        const im_schema *s = m.schemas.items[i];
        if (!s->is_context) continue;
        sig_buf_printf(out_spec, "context %s = iglu:%s/%s/jsonschema/%s\n", s->decl, s->vendor,
                       s->name, s->version ? s->version : "1-*-*");
    }
    sig_buf *parts[] = {&m.entity_text, &m.source_text, &shared, &views, &services, &rules};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i]->len) continue;
        sig_buf_putc(out_spec, '\n');
        sig_buf_append(out_spec, parts[i]->data, parts[i]->len);
    }
    cJSON_Delete(root);
    if (m.ok) {
        sig_buf mine = {.arena = m.a};
        sig_buf_append(&mine, out_spec->data + spec_start, out_spec->len - spec_start);
        m.ok = spec_checks(&m, &mine);
    }
    return m.ok;
}
