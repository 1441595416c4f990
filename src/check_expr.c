/* check_expr.c: the checker's expression-level rules: Iglu schema URIs,
 * properties, durations, literals and defaults. See check.c for
 * the passes and codes_check.def for every code. */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "signals/output.h"

/* ------------------------------------------------------------ helpers */

sig_loc ck_subloc(sig_loc l, size_t off, size_t len)
{
    if (!ck_has_loc(l)) return l;
    l.start += (uint32_t)off;
    l.col += (uint32_t)off;
    l.end = l.start + (uint32_t)len;
    l.end_line = l.line;
    l.end_col = l.col + (uint32_t)len;
    return l;
}

const char *ck_article(sig_type t)
{
    return !t.list && (t.scalar == SIG_INT32 || t.scalar == SIG_INT64) ? "an" : "a";
}

bool ck_has_loc(sig_loc l)
{
    return l.line != 0;
}

static char *lower_dup(sig_arena *a, const char *s)
{
    char *d = sig_arena_strdup(a, s);
    for (char *p = d; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

static bool all_chars(const char *s, size_t len, const char *extra, size_t *bad)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || (ch && strchr(extra, ch))) continue;
        if (bad) *bad = i;
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ schemas */

static const char *const part_names[] = {"vendor", "name", "format", "version"};

static bool parse_version(ck *c, const char *uri, size_t off, size_t len,
                          sig_loc loc, sig_schema_ref *out)
{
    const char *v = uri + off;
    size_t ps[3], pl[3];
    int n = 0;
    size_t i = 0;
    while (n < 4) {
        size_t s = i;
        while (i < len && v[i] != '-') i++;
        if (n < 3) { ps[n] = s; pl[n] = i - s; }
        n++;
        if (i >= len) break;
        i++;
    }
    if (n != 3) {
        sig_diag *d = sig_error(c->ctx, ck_subloc(loc, off, len), "E0403",
                                "schema version `%.*s` is not MODEL-REVISION-ADDITION",
                                (int)len, v);
        sig_diag_label(c->ctx, d, "expected three parts, like `1-0-0` or `1-*-*`");
        return false;
    }
    int vals[3];
    bool star_seen = false;
    static const char *const what[] = {"model", "revision", "addition"};
    for (int k = 0; k < 3; k++) {
        const char *p = v + ps[k];
        sig_loc pl_loc = ck_subloc(loc, off + ps[k], pl[k] ? pl[k] : 1);
        if (pl[k] == 1 && p[0] == '*') {
            if (k == 0) {
                sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                        "the model version cannot be `*`");
                sig_diag_label(c->ctx, d, "a model number is required here");
                sig_diag_help(c->ctx, d, "to match any version, leave the version out: "
                                         "`iglu:%s/%s`", out->vendor, out->name);
                return false;
            }
            star_seen = true;
            vals[k] = -1;
            continue;
        }
        if (pl[k] == 0 || strspn(p, "0123456789") < pl[k]) {
            sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                    "the %s version `%.*s` is not a number or `*`",
                                    what[k], (int)pl[k], p);
            sig_diag_label(c->ctx, d, "expected a number or `*`");
            sig_diag_help(c->ctx, d, "versions are written like `1-0-2` or `1-*-*`");
            return false;
        }
        if (pl[k] > 1 && p[0] == '0') {
            sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                    "leading zero in the %s version `%.*s`",
                                    what[k], (int)pl[k], p);
            sig_diag_label(c->ctx, d, "no leading zeros");
            return false;
        }
        if (pl[k] > 9) {
            sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                    "the %s version `%.*s` is too large",
                                    what[k], (int)pl[k], p);
            sig_diag_label(c->ctx, d, "at most 9 digits");
            return false;
        }
        if (star_seen) {
            char fix[32];
            snprintf(fix, sizeof fix, "%d-*-*", vals[0]);
            sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                    "a `*` in a schema version must not be followed by a number");
            sig_diag_label(c->ctx, d, "after a `*`, only `*` may follow");
            sig_diag_help(c->ctx, d, "to match every version of model %d, write `%s`",
                          vals[0], fix);
            return false;
        }
        vals[k] = atoi(p);
        if (k == 0 && vals[0] == 0) {
            sig_diag *d = sig_error(c->ctx, pl_loc, "E0403",
                                    "schema model versions start at 1");
            sig_diag_label(c->ctx, d, "model 0 does not exist");
            return false;
        }
    }
    out->has_version = true;
    out->model = vals[0];
    out->revision = vals[1];
    out->addition = vals[2];
    return true;
}

bool ck_parse_schema(ck *c, const char *uri, sig_loc loc, sig_schema_ref *out)
{
    memset(out, 0, sizeof *out);
    out->model = out->revision = out->addition = -1;
    out->uri = uri;
    out->format = "jsonschema";
    if (!uri) return false;
    if (strncmp(uri, "iglu:", 5) != 0) {
        sig_diag *d = sig_error(c->ctx, loc, "E0401",
                                "schema URI `%s` does not start with `iglu:`", uri);
        sig_diag_label(c->ctx, d, "expected `iglu:VENDOR/NAME/FORMAT/VERSION`");
        return false;
    }
    if (strncmp(uri, "iglu://", 7) == 0) {
        /* Snowplow's docs print `iglu://...` in places; the URI has no `//` */
        sig_diag *d = sig_error(c->ctx, loc, "E0401", "an Iglu URI has no `//` after `iglu:`");
        sig_diag_label(c->ctx, d, "remove `//`");
        sig_diag_suggest(c->ctx, d, sig_arena_printf(c->a, "iglu:%s", uri + 7));
        return false;
    }
    size_t starts[5] = {0}, lens[5] = {0};
    int n = 0;
    size_t i = 5, ulen = strlen(uri);
    for (;;) {
        size_t s = i;
        while (i < ulen && uri[i] != '/') i++;
        if (n < 5) { starts[n] = s; lens[n] = i - s; }
        n++;
        if (i >= ulen) break;
        i++;
    }
    if (n > 4) {
        size_t off = starts[4] - 1;
        sig_diag *d = sig_error(c->ctx, ck_subloc(loc, off, ulen - off), "E0401",
                                "unexpected `%s` after the schema version", uri + off);
        sig_diag_label(c->ctx, d, "nothing may follow the version");
        sig_diag_help(c->ctx, d, "the form is `iglu:VENDOR/NAME/FORMAT/VERSION`");
        return false;
    }
    if (n == 1 && lens[0] > 0) {
        sig_diag *d = sig_error(c->ctx, loc, "E0401",
                                "schema URI `%s` has no schema name", uri);
        sig_diag_label(c->ctx, d, "expected `iglu:VENDOR/NAME`, optionally `/FORMAT/VERSION`");
        sig_diag_help(c->ctx, d, "for example `iglu:%s/NAME/jsonschema/1-0-0`", uri + 5);
        return false;
    }
    for (int k = 0; k < n; k++) {
        if (lens[k] == 0) {
            /* Point at the empty place: the '/' after it, or the end. */
            size_t off = starts[k] < ulen ? starts[k] : ulen - 1;
            sig_diag *d = sig_error(c->ctx, ck_subloc(loc, off, 1), "E0401",
                                    "empty %s in schema URI `%s`", part_names[k], uri);
            sig_diag_label(c->ctx, d, "expected a %s here", part_names[k]);
            sig_diag_help(c->ctx, d, "the form is `iglu:VENDOR/NAME/FORMAT/VERSION`, "
                                     "e.g. `iglu:com.acme/checkout/jsonschema/1-0-0`");
            return false;
        }
    }
    char *parts[4] = {0};
    for (int k = 0; k < n && k < 4; k++)
        parts[k] = sig_arena_strndup(c->a, uri + starts[k], lens[k]);
    for (int k = 0; k < n && k < 3; k++) {
        const char *extra = k == 0 ? "-_." : "-_";
        size_t bad = 0;
        if (!all_chars(parts[k], lens[k], extra, &bad)) {
            sig_diag *d = sig_error(c->ctx, ck_subloc(loc, starts[k] + bad, 1), "E0402",
                                    "`%c` is not allowed in the %s `%s` of a schema URI",
                                    parts[k][bad], part_names[k], parts[k]);
            sig_diag_label(c->ctx, d, "not allowed in a %s", part_names[k]);
            sig_diag_help(c->ctx, d, "a %s may contain letters, digits, %s",
                          part_names[k], k == 0 ? "`-`, `_` and `.`" : "`-` and `_`");
            return false;
        }
        if (lens[k] > 128) {
            sig_diag *d = sig_error(c->ctx, ck_subloc(loc, starts[k], lens[k]), "E0402",
                                    "the %s of this schema URI is longer than 128 characters",
                                    part_names[k]);
            sig_diag_label(c->ctx, d, "%zu characters", lens[k]);
            return false;
        }
    }
    out->vendor = parts[0];
    out->name = parts[1];
    if (n >= 3) out->format = parts[2];
    if (n == 4) return parse_version(c, uri, starts[3], lens[3], loc, out);
    return true;
}

const char *ck_schema_column(ck *c, const char *prefix, const sig_schema_ref *s)
{
    return sig_schema_column(c->a, prefix, s);
}

/* --------------------------------------------------------- properties */

static const sig_schema_ref *sym_schema(const ck_sym *s)
{
    if (s->kind == CK_EVENT) return &((const sig_event *)s->obj)->schema;
    return &((const sig_context *)s->obj)->schema;
}


static bool vendor_prefix(const char *stem, const char *vendor)
{
    size_t i = 0;
    for (; vendor[i]; i++) {
        char v = (vendor[i] == '.' || vendor[i] == '-') ? '_' : vendor[i];
        if (tolower((unsigned char)stem[i]) != tolower((unsigned char)v)) return false;
    }
    return stem[i] == '_' && stem[i + 1];
}

/* E0405: a warehouse column that matches no declaration. */
static void report_missing_column(ck *c, const sig_ast_property *p, const sig_ast_seg *h,
                                  bool is_event, const char *stem, size_t stemlen, int model)
{
    const char *kind = is_event ? "event" : "context";
    sig_diag *d = sig_error(c->ctx, h->loc, "E0405",
                            "`%s` is the warehouse column of no declared %s",
                            h->name, kind);
    sig_diag_label(c->ctx, d, "no `%s` declaration has this column", kind);

    char *lstem = lower_dup(c->a, sig_arena_strndup(c->a, stem, stemlen));
    /* A declaration with the same vendor and name but another model, or of
     * the other kind? */
    sig_ptrvec *lists[2] = {&c->event_syms, &c->context_syms};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->len; i++) {
            ck_sym *s = lists[l]->items[i];
            if (!s->ok) continue;
            const sig_schema_ref *r = sym_schema(s);
            if (strcmp(sig_warehouse_stem(c->a, r->vendor, r->name), lstem) != 0) continue;
            bool same_kind = (l == 0) == is_event;
            if (same_kind && r->has_version && r->model >= 1) {
                sig_diag_note(c->ctx, d, s->loc, "%s `%s` is declared with model version %d, "
                              "so its column is `%s`", kind, s->name, r->model, s->column);
                sig_diag_help(c->ctx, d, "write `%s`, or declare model %d too", s->column, model);
            } else if (same_kind) {
                sig_diag_note(c->ctx, d, s->loc, "%s `%s` has this vendor and name but no "
                              "model version", kind, s->name);
                sig_diag_help(c->ctx, d, "give it a version: `%s %s = iglu:%s/%s/%s/%d-*-*`",
                              kind, s->name, r->vendor, r->name, r->format, model);
            } else {
                sig_diag_note(c->ctx, d, s->loc, "`%s` is declared as %s, not as %s",
                              s->name, l == 0 ? "an event" : "a context",
                              is_event ? "an event" : "a context");
                sig_diag_help(c->ctx, d, "write `%s%s`, or `%s` for short",
                              l == 0 ? "unstruct_event_" : "contexts_",
                              sig_arena_strndup(c->a, stem, stemlen + strlen(stem + stemlen)),
                              s->name);
            }
            return;
        }
    }
    /* Guess the vendor and name from the column. */
    const char *vendor = NULL;
    size_t vlen = 0;
    for (int l = 0; l < 2 && !vendor; l++) {
        for (size_t i = 0; i < lists[l]->len && !vendor; i++) {
            ck_sym *s = lists[l]->items[i];
            if (s->ok && sym_schema(s)->vendor && vendor_prefix(lstem, sym_schema(s)->vendor)) {
                vendor = sym_schema(s)->vendor;
                vlen = strlen(vendor);
            }
        }
    }
    for (int k = 0; !vendor && sig_known_vendors[k]; k++) {
        if (vendor_prefix(lstem, sig_known_vendors[k])) {
            vendor = sig_known_vendors[k];
            vlen = strlen(vendor);
        }
    }
    bool guessed = false;
    char *vbuf = NULL;
    if (!vendor) {
        /* Reverse-domain guess: the first two segments. */
        const char *u1 = strchr(lstem, '_');
        const char *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
        if (!u2 || !u2[1]) {
            sig_diag_help(c->ctx, d, "declare the %s: `%s NAME = iglu:VENDOR/NAME/jsonschema/%d-*-*`",
                          kind, kind, model);
            return;
        }
        vlen = (size_t)(u2 - lstem);
        vbuf = sig_arena_strndup(c->a, lstem, vlen);
        for (char *q = vbuf; *q; q++) if (*q == '_') *q = '.';
        vendor = vbuf;
        guessed = true;
    }
    /* The stem as written keeps its case in the name. */
    const char *name_written = stem + vlen + 1;
    char *nm = sig_arena_strndup(c->a, name_written, stemlen - vlen - 1);
    const char *decl_name = nm;
    if (ck_map_get(&c->evctx, decl_name) || sig_atomic_lookup(decl_name))
        decl_name = sig_arena_printf(c->a, "%s_%s", nm, kind);
    /* The property rewritten to the short form. */
    const char *rest = "";
    if (p->text && strncmp(p->text, h->name, strlen(h->name)) == 0)
        rest = p->text + strlen(h->name);
    const char *short_form = sig_arena_printf(c->a, "%s%s%s", decl_name,
                                              rest[0] == ':' ? "." : "",
                                              rest[0] == ':' ? rest + 1 : rest);
    sig_diag_help(c->ctx, d, "declare it%s: `%s %s = iglu:%s/%s/jsonschema/%d-*-*`, "
                  "then write `%s`",
                  guessed ? " (vendor and name guessed from the column; check them)" : "",
                  kind, decl_name, vendor, nm, model, short_form);
}

static bool warehouse_head(const char *name, bool *is_event, size_t *stem_off,
                           size_t *stem_len, int *model)
{
    sig_warehouse_column wc;
    if (!sig_warehouse_column_parse(name, strlen(name), &wc)) return false;
    *is_event = wc.is_event;
    *stem_off = (size_t)(wc.stem - name);
    *stem_len = wc.stem_len;
    *model = wc.model;
    return true;
}

/* E0404 with did-you-mean over the atomic columns and events/contexts. */
static void report_unknown_head(ck *c, const sig_ast_property *p, const sig_ast_seg *h)
{
    sig_diag *d = sig_error(c->ctx, h->loc, "E0404", "unknown property `%s`", h->name);
    sig_diag_label(c->ctx, d, "not an atomic column, event or context");
    const char *sug = NULL;
    const char *const *evnames = (const char *const *)c->evctx.keys.items;
    if (p->nsegs > 1) {
        sug = sig_did_you_mean(h->name, evnames, c->evctx.keys.len);
        if (!sug) sug = sig_did_you_mean(h->name, sig_atomic_names, sig_atomic_column_count);
    } else {
        sug = sig_did_you_mean(h->name, sig_atomic_names, sig_atomic_column_count);
        if (!sug) sug = sig_did_you_mean(h->name, evnames, c->evctx.keys.len);
    }
    if (sug) {
        sig_diag_suggest(c->ctx, d, sug);
        return;
    }
    ck_sym *other = ck_map_get(&c->entities, h->name);
    if (!other) other = ck_map_get(&c->attributes, h->name);
    if (other && !other->builtin) {
        sig_diag_note(c->ctx, d, other->loc, "`%s` is declared here as %s, which has no value "
                      "to read", h->name, other->kind == CK_ENTITY ? "an entity" : "an attribute");
    }
    if (p->nsegs > 1)
        sig_diag_help(c->ctx, d, "to read `%s.…`, declare the event or context first: "
                      "`event %s = iglu:VENDOR/%s/jsonschema/1-0-0` (or `context ...`)",
                      h->name, h->name, h->name);
    else
        sig_diag_help(c->ctx, d, "a property is an atomic column (like `mkt_source`), "
                      "or a field of a declared event or context (`checkout.total`)");
}

bool ck_resolve_property(ck *c, const sig_ast_property *p, sig_property *out)
{
    memset(out, 0, sizeof *out);
    if (p && p->call) return ck_resolve_call(c, p, out);
    if (!p || !p->segs || p->nsegs == 0) return false;
    const sig_ast_seg *h = &p->segs[0];
    if (h->kind != SIG_SEG_NAME || !h->name) return false;
    out->text = p->text ? p->text : h->name;
    out->loc = p->loc;

    ck_sym *s = ck_map_get(&c->evctx, h->name);
    if (!s) {
        const sig_atomic_column *ac = sig_atomic_lookup(h->name);
        if (!ac && strcmp(h->name, SIG_ATOMIC_OLD_REFR_DVCE) == 0) {
            /* the SDK's AtomicProperty said refr_device_tstamp up to 0.4.8;
             * 0.4.9 renamed it to the warehouse column's name */
            ac = sig_atomic_lookup("refr_dvce_tstamp");
            sig_diag *d = sig_warning(c->ctx, h->loc, "W0106", "`%s` is the old name of "
                                      "`refr_dvce_tstamp`", h->name);
            sig_diag_label(c->ctx, d, "read as `refr_dvce_tstamp`");
            sig_diag_help(c->ctx, d, "write `refr_dvce_tstamp`: the Signals API (SDK 0.4.9 "
                          "and later) and the warehouse call the column so");
        }
        if (ac) {
            if (p->nsegs > 1) {
                /* From the end of the head (the `.`) to the end of the property. */
                sig_loc l = sig_loc_join(p->segs[1].loc, p->segs[p->nsegs - 1].loc);
                if (ck_has_loc(h->loc) && h->loc.end_line == l.line && h->loc.end < l.start) {
                    l.start = h->loc.end;
                    l.col = h->loc.end_col;
                }
                sig_diag *d = sig_error(c->ctx, l, "E0407",
                                        "`%s` is an atomic column: it has no fields", h->name);
                sig_diag_label(c->ctx, d, "cannot read into an atomic column");
                if (strcmp(h->name, "contexts") == 0 || strcmp(h->name, "derived_contexts") == 0 ||
                    strcmp(h->name, "unstruct_event") == 0)
                    sig_diag_help(c->ctx, d, "declare the %s (`%s NAME = iglu:...`) and read "
                                  "`NAME.field`",
                                  h->name[0] == 'u' ? "event" : "context",
                                  h->name[0] == 'u' ? "event" : "context");
                else
                    sig_diag_help(c->ctx, d, "write just `%s`", h->name);
                return false;
            }
            out->kind = SIG_PROP_ATOMIC;
            out->atomic = ac->name;
            out->column = ac->name;
            out->type_known = true;
            out->type = ac->type;
            return true;
        }
        bool is_event;
        size_t soff, slen;
        int model;
        if (warehouse_head(h->name, &is_event, &soff, &slen, &model)) {
            s = ck_map_get(&c->columns, lower_dup(c->a, h->name));
            if (s && (s->kind == CK_EVENT) != is_event) s = NULL;
            if (!s) {
                report_missing_column(c, p, h, is_event, h->name + soff, slen, model);
                return false;
            }
        } else {
            report_unknown_head(c, p, h);
            return false;
        }
    }
    if (!s->ok) return false;
    s->used = true;
    bool is_event = s->kind == CK_EVENT;
    size_t next = 1;
    uint32_t index = 0;
    if (next < p->nsegs && p->segs[next].kind == SIG_SEG_INDEX) {
        if (is_event) {
            sig_diag *d = sig_error(c->ctx, p->segs[next].loc, "E0408",
                                    "no index may follow event `%s`", h->name);
            sig_diag_label(c->ctx, d, "an event has one data object");
            sig_diag_help(c->ctx, d, "read a field of the event's data: `%s.FIELD`; "
                          "`[i]` picks among the entities of a context", h->name);
            return false;
        }
        index = p->segs[next].index;
        next++;
        if (next < p->nsegs && p->segs[next].kind == SIG_SEG_INDEX) {
            sig_diag *d = sig_error(c->ctx, p->segs[next].loc, "E0408",
                                    "a second index after context `%s`", h->name);
            sig_diag_label(c->ctx, d, "an entity is an object, not a list");
            sig_diag_help(c->ctx, d, "`%s[i]` picks the i-th `%s` entity; then name a "
                          "field: `%s[%u].FIELD`", h->name, h->name, h->name,
                          (unsigned)index);
            return false;
        }
    }
    if (next >= p->nsegs) {
        sig_diag *d = sig_error(c->ctx, p->loc, "E0409",
                                "`%s` is the whole %s `%s`, not a value: name one of its fields",
                                out->text, is_event ? "event" : "context", s->name);
        sig_diag_label(c->ctx, d, "a field is needed");
        sig_diag_help(c->ctx, d, "read a field of its data, e.g. `%s.FIELD`", out->text);
        return false;
    }
    size_t nsteps = p->nsegs - next;
    sig_path_step *steps = SIG_NEW_ARRAY(c->a, sig_path_step, nsteps);
    sig_buf jp = {.arena = c->a};
    sig_buf_putc(&jp, '$');
    for (size_t i = 0; i < nsteps; i++) {
        const sig_ast_seg *g = &p->segs[next + i];
        if (g->kind == SIG_SEG_INDEX) {
            steps[i].kind = SIG_STEP_INDEX;
            steps[i].index = g->index;
            sig_buf_printf(&jp, "[%u]", (unsigned)g->index);
        } else {
            if (!g->name) return false;
            steps[i].kind = SIG_STEP_FIELD;
            steps[i].field = g->name;
            sig_buf_printf(&jp, ".%s", g->name);
        }
    }
    const sig_schema_ref *r = sym_schema(s);
    if (!r->has_version || r->model < 1) {
        sig_diag *d = sig_error(c->ctx, h->loc, "E0406",
                                "cannot read fields of %s `%s`: its schema has no model version",
                                is_event ? "event" : "context", s->name);
        sig_diag_label(c->ctx, d, "reads a field of `%s`", s->name);
        if (s->decl) {
            sig_diag_note(c->ctx, d, s->decl->uri_loc, "`%s` is declared here without a version",
                          s->name);
            sig_diag_help(c->ctx, d, "add a version, e.g. `%s %s = iglu:%s/%s/%s/1-*-*` "
                          "(any version of model 1)", is_event ? "event" : "context",
                          s->name, r->vendor, r->name, r->format);
        }
        return false;
    }
    out->kind = is_event ? SIG_PROP_EVENT : SIG_PROP_ENTITY;
    if (is_event) out->event = s->obj;
    else out->context = s->obj;
    out->index = index;
    out->steps = steps;
    out->nsteps = nsteps;
    out->json_path = sig_buf_str(&jp);
    out->column = s->column;
    out->type_known = false;
    return true;
}

/* ---------------------------------------------------------- durations */

static const struct { const char *name; int64_t secs; } units[] = {
    {"second", 1}, {"seconds", 1}, {"minute", 60}, {"minutes", 60},
    {"hour", 3600}, {"hours", 3600}, {"day", 86400}, {"days", 86400},
    {"week", 604800}, {"weeks", 604800},
};
static const char *const unit_names[] = {
    "seconds", "minutes", "hours", "days", "weeks",
    "second", "minute", "hour", "day", "week", NULL
};

bool ck_duration(ck *c, const sig_ast_duration *d, int64_t *out)
{
    *out = 0;
    if (!d || !d->parts || d->nparts == 0) return false;
    int64_t total = 0;
    bool ok = true;
    for (size_t i = 0; i < d->nparts; i++) {
        const sig_ast_duration_part *p = &d->parts[i];
        if (!p->unit.name) { ok = false; continue; }
        int64_t mult = 0;
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (strcmp(units[u].name, p->unit.name) == 0) mult = units[u].secs;
        if (!mult) {
            sig_diag *dg = sig_error(c->ctx, p->unit.loc, "E0342",
                                     "unknown duration unit `%s`", p->unit.name);
            sig_diag_label(c->ctx, dg, "not a unit");
            const char *sug = sig_did_you_mean(p->unit.name, unit_names, 10);
            const char *lname = p->unit.name;
            if (sug) sig_diag_suggest(c->ctx, dg, sug);
            else if (strncmp(lname, "month", 5) == 0 || strncmp(lname, "year", 4) == 0)
                sig_diag_help(c->ctx, dg, "months and years have no fixed length; write "
                              "days or weeks (`30 days`, `52 weeks`)");
            else
                sig_diag_help(c->ctx, dg, "units are seconds, minutes, hours, days and weeks "
                              "(singular or plural)");
            ok = false;
            continue;
        }
        if (p->amount < 0) {
            sig_loc l = ck_has_loc(d->loc) ? d->loc : p->unit.loc;
            sig_diag *dg = sig_error(c->ctx, l, "E0341", "negative duration `%" PRId64 " %s`",
                                     p->amount, p->unit.name);
            sig_diag_label(c->ctx, dg, "amounts must be positive");
            ok = false;
            continue;
        }
        if (p->amount > INT64_MAX / mult || total > INT64_MAX - p->amount * mult) {
            sig_diag *dg = sig_error(c->ctx, d->loc, "E0341",
                                     "duration is too long");
            sig_diag_label(c->ctx, dg, "more seconds than fit in 64 bits");
            return false;
        }
        total += p->amount * mult;
    }
    if (!ok) return false;
    if (total == 0) {
        sig_diag *dg = sig_error(c->ctx, d->loc, "E0341", "a duration of zero");
        sig_diag_label(c->ctx, dg, "must be more than zero");
        return false;
    }
    *out = total;
    return true;
}

/* ----------------------------------------------------------- literals */

sig_literal ck_literal(ck *c, const sig_ast_literal *l)
{
    sig_literal r;
    memset(&r, 0, sizeof r);
    if (!l) return r;
    r.kind = (sig_lit_kind)l->kind;
    switch (l->kind) {
    case SIG_AST_LIT_STRING: r.kind = SIG_LIT_STRING; r.str = l->str ? l->str : ""; break;
    case SIG_AST_LIT_INT: r.kind = SIG_LIT_INT; r.str = l->str; r.i = l->i; r.d = (double)l->i; break;
    case SIG_AST_LIT_DECIMAL: r.kind = SIG_LIT_DECIMAL; r.str = l->str; r.d = l->d; break;
    case SIG_AST_LIT_BOOL: r.kind = SIG_LIT_BOOL; r.b = l->b; break;
    case SIG_AST_LIT_LIST: {
        r.kind = SIG_LIT_LIST;
        sig_literal *items = SIG_NEW_ARRAY(c->a, sig_literal, l->nitems ? l->nitems : 1);
        size_t n = 0;
        for (size_t i = 0; l->items && i < l->nitems; i++) {
            if (l->items[i].kind == SIG_AST_LIT_LIST) continue; /* rejected by rules */
            items[n++] = ck_literal(c, &l->items[i]);
        }
        r.items = items;
        r.nitems = n;
        break;
    }
    }
    r.loc = l->loc;
    return r;
}

const char *ck_lit_what(const sig_ast_literal *l)
{
    switch (l->kind) {
    case SIG_AST_LIT_STRING: return "a string";
    case SIG_AST_LIT_INT: return "an integer";
    case SIG_AST_LIT_DECIMAL: return "a decimal";
    case SIG_AST_LIT_BOOL: return "a bool";
    case SIG_AST_LIT_LIST: return "a list";
    }
    return "a value";
}

static const char *scalar_expect(sig_scalar s)
{
    switch (s) {
    case SIG_STRING: case SIG_BYTES: return "a string";
    case SIG_INT32: case SIG_INT64: return "an integer";
    case SIG_DOUBLE: case SIG_FLOAT: return "a number";
    case SIG_BOOL: return "`true` or `false`";
    case SIG_UNIX_TIMESTAMP: return "a timestamp string or an integer";
    case SIG_TIMESTAMP: return "a timestamp string";
    case SIG_DICT: return "no default (a `dict` has none)";
    }
    return "a value";
}

static bool scalar_fits(const sig_ast_literal *l, sig_scalar s, bool *range)
{
    *range = false;
    switch (s) {
    case SIG_STRING: case SIG_BYTES: return l->kind == SIG_AST_LIT_STRING;
    case SIG_INT32:
        if (l->kind != SIG_AST_LIT_INT) return false;
        if (l->i < INT32_MIN || l->i > INT32_MAX) { *range = true; return false; }
        return true;
    case SIG_INT64: return l->kind == SIG_AST_LIT_INT;
    case SIG_DOUBLE: case SIG_FLOAT:
        return l->kind == SIG_AST_LIT_INT || l->kind == SIG_AST_LIT_DECIMAL;
    case SIG_BOOL: return l->kind == SIG_AST_LIT_BOOL;
    case SIG_UNIX_TIMESTAMP:
        return l->kind == SIG_AST_LIT_STRING || l->kind == SIG_AST_LIT_INT;
    case SIG_TIMESTAMP: return l->kind == SIG_AST_LIT_STRING;
    case SIG_DICT: return false; /* the language has no dict literal */
    }
    return false;
}

static void default_note(ck *c, sig_diag *d, sig_type t, sig_loc type_loc, bool inferred)
{
    if (inferred)
        sig_diag_note(c->ctx, d, SIG_NOLOC, "the attribute's type `%s` is inferred from its "
                      "aggregation; declare another with `attribute NAME: TYPE = ...`",
                      sig_type_name(t));
    else if (ck_has_loc(type_loc))
        sig_diag_note(c->ctx, d, type_loc, "the attribute's type is `%s`", sig_type_name(t));
}

bool ck_default_fits(ck *c, const sig_ast_literal *l, sig_type t, sig_loc type_loc,
                     bool inferred)
{
    if (!l) return false;
    bool range = false;
    if (!t.list) {
        if (scalar_fits(l, t.scalar, &range)) return true;
        sig_diag *d;
        if (range) {
            d = sig_error(c->ctx, l->loc, "E0321", "default `%s` does not fit in int32",
                          l->str ? l->str : "?");
            sig_diag_label(c->ctx, d, "out of range for int32");
            sig_diag_help(c->ctx, d, "declare the attribute `int64`");
        } else {
            d = sig_error(c->ctx, l->loc, "E0321",
                          "default is %s, but the attribute's type is `%s`", ck_lit_what(l),
                          sig_type_name(t));
            sig_diag_label(c->ctx, d, "expected %s", scalar_expect(t.scalar));
            if (l->kind == SIG_AST_LIT_STRING && (t.scalar == SIG_INT32 || t.scalar == SIG_INT64 ||
                t.scalar == SIG_DOUBLE || t.scalar == SIG_FLOAT) && l->str && *l->str &&
                strspn(l->str, "-0123456789.") == strlen(l->str))
                sig_diag_help(c->ctx, d, "write the number without quotes: `default %s`", l->str);
        }
        default_note(c, d, t, type_loc, inferred);
        return false;
    }
    if (l->kind != SIG_AST_LIT_LIST) {
        sig_diag *d = sig_error(c->ctx, l->loc, "E0321",
                                "default is %s, but the attribute's type is `%s`", ck_lit_what(l),
                                sig_type_name(t));
        sig_diag_label(c->ctx, d, "expected a list of %s values, like `[]`",
                       sig_type_name((sig_type){t.scalar, false}));
        default_note(c, d, t, type_loc, inferred);
        return false;
    }
    for (size_t i = 0; l->items && i < l->nitems; i++) {
        const sig_ast_literal *it = &l->items[i];
        if (it->kind == SIG_AST_LIT_LIST) {
            sig_diag *d = sig_error(c->ctx, it->loc, "E0321", "lists cannot be nested");
            sig_diag_label(c->ctx, d, "expected %s", scalar_expect(t.scalar));
            return false;
        }
        if (!scalar_fits(it, t.scalar, &range)) {
            sig_diag *d = sig_error(c->ctx, it->loc, "E0321",
                                    "default list item is %s, but the attribute's type is `%s`",
                                    range ? "out of range" : ck_lit_what(it), sig_type_name(t));
            sig_diag_label(c->ctx, d, "expected %s", scalar_expect(t.scalar));
            default_note(c, d, t, type_loc, inferred);
            return false;
        }
    }
    return true;
}
