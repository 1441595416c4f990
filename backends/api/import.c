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

#include <cjson/cJSON.h>

#include "api/api.h"
#include "api/json_out.h"
#include "text.h"

/* A synthesized `event` or `context` declaration. */
typedef struct im_schema {
    const char *decl;     /* declared name */
    const char *vendor, *name;
    const char *version;  /* "1-0-2", "1-*-*", or NULL (any version) */
    int major;            /* -1 when version is NULL */
    bool is_context;
} im_schema;

/* An attribute of a view, rendered once to compare duplicates. */
typedef struct im_attr {
    const char *name;
    const cJSON *json;
    const char *where;    /* "views[0].attributes[2]" */
    const char *text;     /* rendered with no indent */
    size_t uses;          /* views that have an attribute of this name */
    bool emitted;
} im_attr;

typedef struct im_view {
    const cJSON *json;
    const char *where;
    sig_ptrvec attrs;     /* im_attr* (the first definition of each name) */
} im_view;

typedef struct im {
    sig_ctx *ctx;
    sig_arena *a;
    const char *src;
    bool ok;
    sig_ptrvec schemas;   /* im_schema* */
    sig_ptrvec known;     /* im_schema* of every input event: vendor/name */
    sig_ptrvec used;      /* char*: declared event/context names */
    sig_ptrvec entities;  /* char*: declared entity names */
    sig_ptrvec sources;   /* char*: declared batch source names */
    sig_ptrvec guessed;   /* char*: column names warned about (E0934) */
    sig_ptrvec attrs;     /* im_attr*, first definition of each name */
    sig_ptrvec views;     /* im_view* */
    sig_ptrvec services;  /* const cJSON* */
    sig_ptrvec service_where;
    sig_ptrvec keys;      /* const cJSON* key objects */
    sig_ptrvec key_where;
    sig_buf entity_text, source_text;
} im;

/* The language's reserved words (src/keywords.def). */
static const char *const keywords[] = {
#define SIG_KEYWORD(tok, text, role) text,
#include "keywords.def"
    NULL};

static bool is_keyword(const char *s)
{
    for (size_t i = 0; keywords[i]; i++)
        if (strcmp(keywords[i], s) == 0) return true;
    return false;
}

static bool is_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return false;
    return true;
}

/* At most `max` bytes of `s` for a message, cut at a UTF-8 boundary. */
static const char *clip(im *m, const char *s)
{
    size_t n = strlen(s), max = 60;
    if (n <= max) return s;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return sig_arena_printf(m->a, "%.*s...", (int)max, s);
}

/* `where` + "." + member, the JSONPath of a member. */
static const char *member(im *m, const char *where, const char *key)
{
    return sig_arena_printf(m->a, "%s.%s", where, key);
}

static bool contains(const sig_ptrvec *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0) return true;
    return false;
}

static void push(im *m, sig_ptrvec *v, const void *p)
{
    sig_ptrvec_push(m->a, v, (void *)(uintptr_t)p);
}

static sig_diag *err(im *m, const char *code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sig_diag *err(im *m, const char *code, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = sig_arena_vprintf(m->a, fmt, ap);
    va_end(ap);
    m->ok = false;
    return sig_error(m->ctx, SIG_NOLOC, code, "%s: %s%s%s", m->src, where ? where : "",
                     where ? ": " : "", msg);
}

/* A name the language and the API accept (E0350): letters, digits and `_`,
 * not starting with a digit, not a keyword, at most 128 bytes. Else E0932
 * at `where` (the member's JSONPath). */
static bool check_name(im *m, const char *s, const char *what, const char *where)
{
    if (!s) {
        err(m, "E0931", where, "%s is missing or not a string", what);
        return false;
    }
    if (is_name(s) && !is_keyword(s) && strlen(s) <= 128) return true;
    err(m, "E0932", where, "%s `%s` is not a name of the language (letters, digits and `_`, "
        "not starting with a digit, not a keyword, at most 128 characters)", what, clip(m, s));
    return false;
}

/* An integer JSON number in [lo, hi], checked before any conversion (a
 * double out of the target's range converts with undefined behaviour,
 * C11 6.3.1.4). */
static bool int_in(im *m, const cJSON *v, double lo, double hi, const char *what,
                   const char *where, long long *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        !(v->valuedouble >= lo && v->valuedouble <= hi)) {
        err(m, "E0932", where, "%s must be an integer from %.0f to %.0f", what, lo, hi);
        return false;
    }
    *out = (long long)v->valuedouble;
    return true;
}

/* ------------------------------------------------------ JSON access */

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *jget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNull(v) ? NULL : v;
}

/* -------------------------------------------------------- spec text */

static void put_string(sig_buf *b, const char *s)
{
    sig_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sig_buf_puts(b, "\\\""); break;
        case '\\': sig_buf_puts(b, "\\\\"); break;
        case '\n': sig_buf_puts(b, "\\n"); break;
        case '\t': sig_buf_puts(b, "\\t"); break;
        case '\r': sig_buf_puts(b, "\\r"); break;
        default: {
            /* Controls and bidi overrides are written as escapes, so that
             * the spec shows what it holds (the input is valid UTF-8). */
            uint32_t cp = 0;
            size_t n = sig_utf8_decode(p, strnlen((const char *)p, 4), &cp);
            if (n && sig_cp_needs_escape(cp)) sig_buf_printf(b, "\\u%04x", (unsigned)cp);
            else sig_buf_append(b, (const char *)p, n ? n : 1);
            if (n > 1) p += n - 1;
        }
        }
    }
    sig_buf_putc(b, '"');
}

/* `s` for a comment line: no line break or control character can end the
 * comment early, invalid UTF-8 cannot make the spec unreadable. */
static void put_comment_text(sig_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = sig_utf8_decode(u + i, len - i, &cp);
        if (n == 0) sig_buf_printf(b, "\\x%02x", u[i]);
        else if (sig_cp_needs_escape(cp))
            sig_buf_printf(b, cp < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
        else sig_buf_append(b, s + i, n);
        i += n ? n : 1;
    }
}

/* A decimal the language accepts (`-?[0-9]+\.[0-9]+`) with the same value. */
static void put_decimal(sig_buf *b, double d)
{
    char t[32];
    api_py_float(d, t);
    if (!strchr(t, 'e')) {
        sig_buf_puts(b, t);
        return;
    }
    char buf[400];
    for (int prec = 1; prec < 340; prec++) {
        snprintf(buf, sizeof buf, "%.*f", prec, d);
        if (strtod(buf, NULL) == d) break;
    }
    sig_buf_puts(b, buf);
}

/* cJSON keeps no number text, and the API tells 0 (int) from 0.0 (float).
 * attach_number_texts() stores each number's text in its (otherwise
 * unused) valuestring; cJSON_Delete frees it. */
static bool is_int_text(const cJSON *v)
{
    if (v->valuestring) return !strpbrk(v->valuestring, ".eE");
    double d = v->valuedouble;
    return d == floor(d) && fabs(d) < 9007199254740992.0;
}

static void attach(cJSON *v, const char **texts, size_t *lens, size_t n, size_t *next)
{
    for (; v; v = v->next) {
        if (cJSON_IsNumber(v) && *next < n && !v->valuestring) {
            char *t = malloc(lens[*next] + 1);
            if (t) {
                memcpy(t, texts[*next], lens[*next]);
                t[lens[*next]] = '\0';
                v->valuestring = t;
            }
            (*next)++;
        }
        if (v->child) attach(v->child, texts, lens, n, next);
    }
}

static void attach_number_texts(im *m, cJSON *root, const char *json, size_t len)
{
    sig_ptrvec texts = {0}, lens = {0};
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (c == '"') {
            for (i++; i < len && json[i] != '"'; i++)
                if (json[i] == '\\') i++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < len && strchr("+-0123456789.eE", json[j])) j++;
            push(m, &texts, json + i);
            sig_ptrvec_push(m->a, &lens, (void *)(uintptr_t)(j - i));
            i = j - 1;
        }
    }
    size_t next = 0;
    const char **t = (const char **)(void *)texts.items;
    size_t *l = SIG_NEW_ARRAY(m->a, size_t, lens.len + 1);
    for (size_t i = 0; i < lens.len; i++) l[i] = (size_t)(uintptr_t)lens.items[i];
    attach(root, t, l, texts.len, &next);
}

static bool put_literal(im *m, sig_buf *b, const cJSON *v, bool list_parens, const char *where)
{
    if (cJSON_IsString(v)) {
        put_string(b, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        sig_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble)) {
            err(m, "E0932", where, "the number `%s` is too large for a 64-bit floating-point "
                "number", v->valuestring ? clip(m, v->valuestring) : "?");
            return false;
        }
        if (is_int_text(v) && v->valuestring) {
            errno = 0;
            (void)strtoll(v->valuestring, NULL, 10);
            if (errno == ERANGE) {
                err(m, "E0932", where, "the integer `%s` is out of the 64-bit range of the "
                    "language", clip(m, v->valuestring));
                return false;
            }
            sig_buf_puts(b, v->valuestring);
        } else if (is_int_text(v)) {
            sig_buf_printf(b, "%lld", (long long)v->valuedouble);
        } else {
            put_decimal(b, v->valuedouble);
        }
    } else if (cJSON_IsArray(v)) {
        sig_buf_putc(b, list_parens ? '(' : '[');
        const cJSON *c;
        bool first = true;
        cJSON_ArrayForEach(c, v) {
            if (!first) sig_buf_puts(b, ", ");
            first = false;
            if (cJSON_IsArray(c) || cJSON_IsObject(c)) {
                err(m, "E0932", where, "a list value holds a list or an object");
                return false;
            }
            if (!put_literal(m, b, c, false, where)) return false;
        }
        sig_buf_putc(b, list_parens ? ')' : ']');
    } else {
        err(m, "E0932", where, "a value must be a string, number, bool or list");
        return false;
    }
    return true;
}

static void put_duration(sig_buf *b, int64_t secs)
{
    static const struct { int64_t n; const char *one, *many; } units[] = {
        {86400, "day", "days"}, {3600, "hour", "hours"}, {60, "minute", "minutes"},
        {1, "second", "seconds"}};
    bool first = true;
    for (size_t i = 0; i < 4; i++) {
        int64_t q = secs / units[i].n;
        secs %= units[i].n;
        if (!q) continue;
        sig_buf_printf(b, "%s%lld %s", first ? "" : " ", (long long)q,
                       q == 1 ? units[i].one : units[i].many);
        first = false;
    }
}

/* A duration in seconds, from 0 (from 1 when `positive`: the language has
 * no zero-length ttl, E0341). */
static bool duration_of(im *m, const cJSON *v, const char *where, bool positive, int64_t *secs)
{
    if (positive && cJSON_IsNumber(v) && v->valuedouble == 0) {
        err(m, "E0932", where, "a ttl of 0 seconds cannot be written: durations of the language "
            "are positive (leave the ttl out for none)");
        return false;
    }
    if (cJSON_IsNumber(v)) { /* pydantic also reads seconds */
        /* 2^63 is the first double beyond int64_t: compare before converting. */
        double d = v->valuedouble;
        if (d == floor(d) && d >= 0 && d < 9223372036854775808.0) {
            *secs = (int64_t)d;
            return true;
        }
    } else if (cJSON_IsString(v) && api_parse_iso_duration(v->valuestring, secs) &&
               *secs >= (positive ? 1 : 0)) {
        return true;
    }
    err(m, "E0932", where, "not a duration in whole seconds from 0 to 2^63-1 (a number, or "
        "ISO 8601 such as \"P7D\")");
    return false;
}

static void put_setting_str(sig_buf *b, const char *ind, const char *kw, const char *v)
{
    if (!v) return;
    sig_buf_printf(b, "%s%s ", ind, kw);
    put_string(b, v);
    sig_buf_putc(b, '\n');
}

static bool put_tags(im *m, sig_buf *b, const char *ind, const cJSON *tags, const char *where)
{
    if (!tags) return true;
    if (!cJSON_IsObject(tags)) {
        err(m, "E0931", where, "`tags` is not an object");
        return false;
    }
    if (!tags->child) return true;
    sig_buf_printf(b, "%stags { ", ind);
    const cJSON *t;
    bool first = true;
    cJSON_ArrayForEach(t, tags) {
        if (!cJSON_IsString(t)) {
            err(m, "E0931", where, "tag `%s` is not a string", t->string);
            return false;
        }
        if (!first) sig_buf_puts(b, ", ");
        first = false;
        put_string(b, t->string);
        sig_buf_puts(b, " = ");
        put_string(b, t->valuestring);
    }
    sig_buf_puts(b, " }\n");
    return true;
}

/* ----------------------------------------------- events and contexts */

static const char *unique_decl(im *m, const char *base, const char *kind)
{
    /* Room for a `_context_99` suffix within the 128 of E0350. */
    const char *from = base && *base ? base : kind;
    char *name = sig_arena_strndup(m->a, from, strnlen(from, 100));
    for (char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) *p = '_';
    if (isdigit((unsigned char)name[0])) name = sig_arena_printf(m->a, "_%s", name);
    if (is_keyword(name) || sig_atomic_lookup(name) || sig_builtin_key_lookup(name))
        name = sig_arena_printf(m->a, "%s_%s", name, kind);
    const char *cand = name;
    for (int i = 2; contains(&m->used, cand); i++)
        cand = sig_arena_printf(m->a, "%s_%d", name, i);
    push(m, &m->used, cand);
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
static im_schema *schema_for(im *m, bool ctx, const char *vendor, const char *name,
                             const char *version, const char *where, bool members)
{
    if (!iglu_part(vendor, "-_.")) {
        err(m, "E0932", members ? member(m, where, "vendor") : where, "vendor `%s` is not an Iglu vendor (letters, digits, `-`, `_` "
            "and `.`, at most 128)", clip(m, vendor));
        return NULL;
    }
    if (!iglu_part(name, "-_")) {
        err(m, "E0932", members ? member(m, where, "name") : where, "schema name `%s` is not an Iglu name (letters, digits, `-` and "
            "`_`, at most 128)", clip(m, name));
        return NULL;
    }
    if (version && !schemaver(version)) {
        err(m, "E0932", members ? member(m, where, "version") : where, "version `%s` is not a SchemaVer version such as `1-0-2`",
            clip(m, version));
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
    s->decl = unique_decl(m, name, ctx ? "context" : "event");
    push(m, &m->schemas, s);
    return s;
}

/* An event or context whose data a property reads, with model `major`:
 * one of the attribute's `from` events if it matches, else any declared
 * one, else a new `M-*-*` declaration. A `from` event without a version
 * becomes that `M-*-*` event (the api backend sends a partial version such
 * as 1-*-* as no version; the property keeps the major). An event that is
 * not among the attribute's: NULL after E0932 (the checker's E0327). */
static im_schema *schema_for_major(im *m, bool ctx, const char *vendor, const char *name,
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
                s = schema_for_major(m, ctx, vendor, name, major, NULL, where, members);
                if (s) from->items[i] = s; /* the caller's vector; items are not const */
                return s;
            }
        }
        err(m, "E0932", where, "the property reads event `%s/%s`, which is not one of the "
            "attribute's events", clip(m, vendor), clip(m, name));
        return NULL;
    }
    for (size_t i = 0; i < m->schemas.len; i++) {
        im_schema *s = m->schemas.items[i];
        if (s->is_context == ctx && strcmp(s->vendor, vendor) == 0 &&
            strcmp(s->name, name) == 0 && s->major == major)
            return s;
    }
    return schema_for(m, ctx, vendor, name, sig_arena_printf(m->a, "%d-*-*", major), where,
                      members);
}

/* ------------------------------------------------------- properties */

/* Writes `path` (JSONPath subset, `$.` optional) as `.a.b[0].c`. */
static bool put_path(im *m, sig_buf *b, const char *path, const char *where)
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
        err(m, "E0932", where, "the path `%s` is not a path of names and indexes (`a.b[0].c`)",
            clip(m, path));
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
        err(m, "E0932", where, "`%s` does not name a vendor and a schema name", mangled);
        *vendor = *name = mangled;
        return false;
    }
    char *v = sig_arena_strndup(m->a, mangled, (size_t)(us - mangled));
    for (char *p = v; *p; p++)
        if (*p == '_') *p = '.';
    *vendor = v;
    *name = us + 1;
    if (contains(&m->guessed, mangled)) return true;
    push(m, &m->guessed, mangled);
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
        if (!is_name(s) || !sig_atomic_lookup(s)) {
            err(m, "E0932", where, "`%s` is not an atomic column, `unstruct_event_..._N:path` "
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
        err(m, "E0932", where, "`%s` has no `_<major version>` in its column name", clip(m, s));
        return false;
    }
    int major = wc.model;
    if (major < 1) {
        err(m, "E0932", where, "the model version in `%s` is not from 1 to 999999999", clip(m, s));
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
            err(m, "E0932", where, "bad entity index in `%s`", s);
            return false;
        }
        if (safe) {
            if (*end != ')') {
                err(m, "E0932", where, "bad entity index in `%s`", s);
                return false;
            }
            end++;
        }
        if (*end != ']') {
            err(m, "E0932", where, "bad entity index in `%s`", s);
            return false;
        }
        rest = end + 1;
    }
    if (*rest != '.' && *rest != ':') {
        err(m, "E0932", where, "`%s` names a whole %s, not a field of it", s, ev ? "event" : "entity");
        return false;
    }
    const char *vendor, *name;
    if (!split_column(m, mangled, major, cx, where, &vendor, &name)) return false;
    im_schema *sc = schema_for_major(m, cx, vendor, name, major, from, where, false);
    if (!sc) return false;
    sig_buf_puts(b, sc->decl);
    if (index) sig_buf_printf(b, "[%lld]", index);
    return put_path(m, b, rest + 1, where);
}

static bool put_property(im *m, sig_buf *b, const cJSON *p, const sig_ptrvec *from,
                         const char *where)
{
    if (cJSON_IsString(p)) return put_string_property(m, b, p->valuestring, from, where);
    if (!cJSON_IsObject(p)) {
        err(m, "E0931", where, "a property is a string or an object");
        return false;
    }
    const char *type = jstr(p, "type");
    const char *name = jstr(p, "name");
    if ((!type && !jget(p, "vendor")) || (type && strcmp(type, "atomic") == 0)) {
        if (!name || !is_name(name) || !sig_atomic_lookup(name)) {
            err(m, "E0932", where, "`%s` is not an atomic column", name ? name : "(no name)");
            return false;
        }
        sig_buf_puts(b, name);
        return true;
    }
    bool cx = type ? strcmp(type, "entity") == 0 : jget(p, "index") != NULL;
    if (type && !cx && strcmp(type, "event") != 0) {
        err(m, "E0931", where, "unknown property type `%s`", type);
        return false;
    }
    const char *vendor = jstr(p, "vendor"), *path = jstr(p, "path");
    const cJSON *mv = jget(p, "major_version"), *ix = jget(p, "index");
    if (!vendor || !name || !path || !cJSON_IsNumber(mv)) {
        err(m, "E0931", where, "an %s property needs vendor, name, major_version and path",
            cx ? "entity" : "event");
        return false;
    }
    long long major = 0, index = 0;
    if (!int_in(m, mv, 1, 999999999, "`major_version`", member(m, where, "major_version"), &major))
        return false;
    if (cx && ix && !int_in(m, ix, 0, UINT32_MAX, "`index`", member(m, where, "index"), &index))
        return false;
    im_schema *sc = schema_for_major(m, cx, vendor, name, (int)major, from, where, true);
    if (!sc) return false;
    sig_buf_puts(b, sc->decl);
    if (index) sig_buf_printf(b, "[%lld]", index);
    return put_path(m, b, path, member(m, where, "path"));
}

/* -------------------------------------------------------- attributes */

static bool put_criterion(im *m, sig_buf *b, const cJSON *c, const sig_ptrvec *from,
                          const char *where)
{
    const char *op = jstr(c, "operator");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "value");
    static const char *const ops[] = {"=", "!=", "<", ">", "<=", ">=", "like", "in", NULL};
    bool known = false;
    for (size_t i = 0; op && ops[i]; i++) known |= strcmp(op, ops[i]) == 0;
    if (!cJSON_IsObject(c) || !known || !v || !jget(c, "property")) {
        err(m, "E0931", where, "a criterion needs property, operator (= != < > <= >= like in) and value");
        return false;
    }
    if (!put_property(m, b, jget(c, "property"), from, where)) return false;
    sig_buf_printf(b, " %s ", op);
    return put_literal(m, b, v, true, where);
}

static bool put_criteria_list(im *m, sig_buf *b, const cJSON *l, const char *join,
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

/* Renders `NAME: TYPE = AGG(PROP) from ... where ... over last ... {...}`
 * with continuation lines indented by `ind` + 4. */
static const char *render_attribute(im *m, const cJSON *at, const char *where, const char *ind)
{
    sig_buf b = {.arena = m->a};
    const char *name = jstr(at, "name"), *type = jstr(at, "type"), *agg = jstr(at, "aggregation");
    const cJSON *events = jget(at, "events");
    if (!name || !type || !agg || !cJSON_IsArray(events)) {
        err(m, "E0931", where, "an attribute needs name, type, events and aggregation");
        return NULL;
    }
    if (!check_name(m, name, "attribute name", member(m, where, "name"))) return NULL;
    sig_type ty;
    if (!sig_type_parse(type, &ty)) {
        err(m, "E0931", member(m, where, "type"), "unknown type `%s`", clip(m, type));
        return NULL;
    }
    const sig_agg_info *ai = sig_agg_lookup(agg);
    if (!ai) {
        err(m, "E0931", member(m, where, "aggregation"), "unknown aggregation `%s`", clip(m, agg));
        return NULL;
    }
    /* Events first: the property may read one of them. */
    sig_ptrvec from = {0};
    const cJSON *ev;
    size_t i = 0;
    cJSON_ArrayForEach(ev, events) {
        const char *w = sig_arena_printf(m->a, "%s.events[%zu]", where, i++);
        const char *en = jstr(ev, "name"), *vendor = jstr(ev, "vendor"), *ver = jstr(ev, "version");
        if (jget(ev, "version") && !ver) {
            err(m, "E0931", member(m, w, "version"), "a version is a string such as \"1-0-2\"");
            return NULL;
        }
        if (!en || !vendor) {
            err(m, "E0932", w, "an event with no %s (the API's wildcard) cannot be declared",
                en ? "vendor" : "name");
            return NULL;
        }
        im_schema *sc = schema_for(m, false, vendor, en, ver, w, true);
        if (!sc) return NULL;
        push(m, &from, sc);
    }
    if (!from.len) {
        err(m, "E0931", where, "an attribute needs at least one event");
        return NULL;
    }
    sig_buf_printf(&b, "%s: %s = %s(", name, type, agg);
    const cJSON *prop = jget(at, "property");
    if (ai->needs_property != (prop != NULL)) { /* the checker's E0323 */
        err(m, "E0931", where, ai->needs_property ? "`%s` needs a `property`" : "`%s` takes no `property`",
            ai->name);
        return NULL;
    }
    if (prop && !put_property(m, &b, prop, &from, sig_arena_printf(m->a, "%s.property", where)))
        return NULL;
    /* The criteria are rendered before `from` is written: reading a
     * versionless event may turn it into its `M-*-*` (schema_for_major). */
    sig_buf wb = {.arena = m->a};
    const cJSON *cr = jget(at, "criteria");
    if (cr) {
        const cJSON *all = jget(cr, "all"), *any = jget(cr, "any");
        int nall = cJSON_IsArray(all) ? cJSON_GetArraySize(all) : 0;
        int nany = cJSON_IsArray(any) ? cJSON_GetArraySize(any) : 0;
        if (nall || nany) {
            sig_buf_printf(&wb, "\n%s    where ", ind);
            const char *w = sig_arena_printf(m->a, "%s.criteria", where);
            if (nall && !put_criteria_list(m, &wb, all, "and", &from,
                                           sig_arena_printf(m->a, "%s.all", w)))
                return NULL;
            if (nany) {
                if (nall) sig_buf_puts(&wb, nany > 1 ? " and (" : " and ");
                if (!put_criteria_list(m, &wb, any, "or", &from, sig_arena_printf(m->a, "%s.any", w)))
                    return NULL;
                if (nall && nany > 1) sig_buf_putc(&wb, ')');
            }
        }
    }
    sig_buf_printf(&b, ")\n%s    from ", ind);
    for (i = 0; i < from.len; i++)
        sig_buf_printf(&b, "%s%s", i ? ", " : "", ((im_schema *)from.items[i])->decl);
    if (wb.len) sig_buf_append(&b, wb.data, wb.len);
    const cJSON *period = jget(at, "period");
    if (period) {
        int64_t secs;
        if (!duration_of(m, period, member(m, where, "period"), false, &secs)) return NULL;
        if (secs > 0) {
            sig_buf_printf(&b, "\n%s    over last ", ind);
            put_duration(&b, secs);
        }
    }
    const char *desc = jstr(at, "description");
    const cJSON *def = jget(at, "default_value");
    const cJSON *tags = jget(at, "tags");
    if (desc || def || (tags && tags->child)) {
        sig_buf_printf(&b, "\n%s    {\n", ind);
        const char *in2 = sig_arena_printf(m->a, "%s        ", ind);
        put_setting_str(&b, in2, "description", desc);
        if (def) {
            sig_buf_printf(&b, "%sdefault ", in2);
            if (!put_literal(m, &b, def, false, sig_arena_printf(m->a, "%s.default_value", where)))
                return NULL;
            sig_buf_putc(&b, '\n');
        }
        if (!put_tags(m, &b, in2, tags, where)) return NULL;
        sig_buf_printf(&b, "%s    }", ind);
    }
    return sig_buf_str(&b);
}

/* ------------------------------------------------------------ entities */

static bool declare_entity(im *m, const cJSON *k, const char *where)
{
    const char *name = jstr(k, "name");
    if (!name) {
        err(m, "E0931", where, "an attribute key needs a name");
        return false;
    }
    if (sig_builtin_key_lookup(name) || contains(&m->entities, name)) return true;
    if (!check_name(m, name, "entity name", member(m, where, "name"))) return false;
    if (jstr(k, "external_column")) {
        err(m, "E0932", where, "attribute key `%s` has an `external_column`, which the language "
                               "has no setting for", name);
        return false;
    }
    const char *key = jstr(k, "key");
    const cJSON *prop = jget(k, "property"), *ttl = jget(k, "ttl");
    if (jget(k, "key") && !key) {
        err(m, "E0931", member(m, where, "key"), "`key` is not a string");
        return false;
    }
    /* A key is validated before it is used in the message below. */
    if (key && !check_name(m, key, "key", member(m, where, "key"))) return false;
    /* Without a property the value is the atomic column `key` or `name`
     * (as the checker reads it); a reference {"name": ...} to an entity
     * the input does not define names none. */
    if (!prop && !sig_atomic_lookup(key ? key : name)) {
        err(m, "E0932", where, "entity `%s` has no `property`, and `%s` is not an atomic column: "
            "import it together with the entity's definition", name, clip(m, key ? key : name));
        return false;
    }
    push(m, &m->entities, name);
    sig_buf *b = &m->entity_text;
    const char *desc = jstr(k, "description"), *owner = jstr(k, "owner");
    if (!key && !prop && !ttl && !desc && !owner) {
        sig_buf_printf(b, "entity %s\n", name);
        return true;
    }
    sig_buf_printf(b, "entity %s {\n", name);
    if (prop) {
        sig_buf_puts(b, "    property ");
        if (!put_property(m, b, prop, NULL, sig_arena_printf(m->a, "%s.property", where)))
            return false;
        sig_buf_putc(b, '\n');
    }
    if (key) sig_buf_printf(b, "    key %s\n", key);
    if (ttl) {
        int64_t secs;
        if (!duration_of(m, ttl, member(m, where, "ttl"), true, &secs)) return false;
        sig_buf_puts(b, "    ttl ");
        put_duration(b, secs);
        sig_buf_putc(b, '\n');
    }
    put_setting_str(b, "    ", "owner", owner);
    put_setting_str(b, "    ", "description", desc);
    sig_buf_puts(b, "}\n");
    return true;
}

static const char *declare_source(im *m, const cJSON *s, const char *where)
{
    const char *name = jstr(s, "name");
    if (!check_name(m, name, "batch source name", member(m, where, "name"))) return NULL;
    if (contains(&m->sources, name)) return name;
    push(m, &m->sources, name);
    sig_buf *b = &m->source_text;
    sig_buf_printf(b, "batch_source %s {\n", name);
    static const char *const keys[] = {"database", "schema", "table", "timestamp_field",
                                       "created_timestamp_column", "date_partition_column", NULL};
    for (size_t i = 0; keys[i]; i++) {
        const char *v = jstr(s, keys[i]);
        if (!v && strcmp(keys[i], "schema") == 0) v = jstr(s, "schema_");
        if (!v && strcmp(keys[i], "schema") == 0) v = jstr(s, "wh_schema");
        /* The checker's rule for these (E0350): `-` only in a database. */
        bool dash = i == 0, good = v && *v && strlen(v) <= 128;
        for (const char *c = v; good && *c; c++)
            good = isalnum((unsigned char)*c) || *c == '_' || (dash && *c == '-');
        if (v && !good) {
            err(m, "E0932", member(m, where, keys[i]), "`%s` is not a %s the Signals API accepts "
                "(letters, digits%s and `_`, at most 128)", clip(m, v), keys[i],
                dash ? ", `-`" : "");
            return NULL;
        }
        put_setting_str(b, "    ", keys[i], v);
    }
    put_setting_str(b, "    ", "owner", jstr(s, "owner"));
    put_setting_str(b, "    ", "description", jstr(s, "description"));
    if (!put_tags(m, b, "    ", jget(s, "tags"), where)) return NULL;
    sig_buf_puts(b, "}\n");
    return name;
}

/* -------------------------------------------------------- collection */

static bool is_group(const cJSON *o)
{
    return jget(o, "attribute_key") || jget(o, "entity");
}

static bool is_service(const cJSON *o)
{
    return cJSON_IsArray(jget(o, "attribute_groups")) || cJSON_IsArray(jget(o, "views"));
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
        err(m, "E0931", where, "expected an object or an array");
        return;
    }
    if (!jstr(v, "name")) {
        /* A container: {"attribute_groups": [...], "services": [...], ...}. */
        bool any = false;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) {
            if (!cJSON_IsArray(c)) continue;
            any = true;
            collect(m, c, is_name(c->string)
                              ? sig_arena_printf(m->a, "%s.%s", where, c->string)
                              : sig_arena_printf(m->a, "%s[\"%s\"]", where, clip(m, c->string)));
        }
        if (!any) err(m, "E0931", where, "an object with no `name` and no list of definitions");
        return;
    }
    if (is_group(v)) {
        im_view *iv = SIG_NEW(m->a, im_view);
        iv->json = v;
        iv->where = where;
        push(m, &m->views, iv);
    } else if (is_service(v)) {
        push(m, &m->services, v);
        push(m, &m->service_where, where);
    } else if (jget(v, "events") || jget(v, "aggregation")) {
        err(m, "E0931", where, "an attribute outside of a view or attribute group");
    } else {
        push(m, &m->keys, v);
        push(m, &m->key_where, where);
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
    const cJSON *attrs = jget(iv->json, "attributes");
    if (attrs && !cJSON_IsArray(attrs)) {
        err(m, "E0931", iv->where, "`attributes` is not a list");
        return;
    }
    const cJSON *at;
    size_t i = 0;
    cJSON_ArrayForEach(at, attrs) {
        const char *w = sig_arena_printf(m->a, "%s.attributes[%zu]", iv->where, i++);
        const char *text = render_attribute(m, at, w, "");
        if (!text) continue;
        const char *name = jstr(at, "name");
        im_attr *prev = find_attr(m, name);
        if (prev) {
            if (strcmp(prev->text, text) != 0) {
                sig_diag *d = err(m, "E0933", w, "attribute `%s` differs from the one of %s", name,
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
            push(m, &m->attrs, prev);
        }
        push(m, &iv->attrs, prev);
    }
}

static void put_view(im *m, sig_buf *b, const im_view *iv)
{
    const cJSON *v = iv->json;
    const char *name = jstr(v, "name");
    if (!check_name(m, name, "view name", member(m, iv->where, "name"))) return;
    const cJSON *ver = jget(v, "version");
    long long version = 1;
    if (ver && !int_in(m, ver, 1, INT_MAX, "a view version", member(m, iv->where, "version"),
                       &version))
        return;
    const char *kmember = jget(v, "attribute_key") ? "attribute_key" : "entity";
    const cJSON *key = jget(v, kmember);
    const char *kname = jstr(key, "name");
    if (!kname) {
        err(m, "E0931", member(m, iv->where, kmember), "the attribute key (entity) has no name");
        return;
    }
    if (!check_name(m, kname, "entity name", member(m, member(m, iv->where, kmember), "name")))
        return;
    if (!cJSON_GetArraySize(jget(v, "attributes")) && !cJSON_GetArraySize(jget(v, "fields"))) {
        err(m, "E0932", iv->where, "view `%s` has neither attributes nor fields: the language "
                                   "has no empty view", name);
        return;
    }
    if (cJSON_GetArraySize(jget(v, "fields")) && !jget(v, "batch_source")) {
        err(m, "E0932", iv->where, "view `%s` has fields but no `batch_source`: the language "
                                   "needs the table they are columns of (E0313)", name);
        return;
    }
    sig_buf_printf(b, "view %s v%lld {\n", name, version);
    sig_buf_printf(b, "    entity %s\n", kname);
    const cJSON *ttl = jget(v, "ttl");
    if (ttl) {
        int64_t secs;
        if (!duration_of(m, ttl, member(m, iv->where, "ttl"), true, &secs)) return;
        sig_buf_puts(b, "    ttl ");
        put_duration(b, secs);
        sig_buf_putc(b, '\n');
    }
    const cJSON *src = jget(v, "batch_source");
    if (src) {
        const char *sn = declare_source(m, src, member(m, iv->where, "batch_source"));
        if (sn) sig_buf_printf(b, "    source %s\n", sn);
    }
    const cJSON *online = jget(v, "online"), *offline = jget(v, "offline");
    if (cJSON_IsBool(online)) sig_buf_printf(b, "    online %s\n", cJSON_IsTrue(online) ? "true" : "false");
    if (cJSON_IsBool(offline)) sig_buf_printf(b, "    offline %s\n", cJSON_IsTrue(offline) ? "true" : "false");
    put_setting_str(b, "    ", "description", jstr(v, "description"));
    put_setting_str(b, "    ", "owner", jstr(v, "owner"));
    put_tags(m, b, "    ", jget(v, "tags"), iv->where);
    const cJSON *fields = jget(v, "fields"), *f;
    size_t i = 0;
    cJSON_ArrayForEach(f, fields) {
        const char *w = sig_arena_printf(m->a, "%s.fields[%zu]", iv->where, i++);
        const char *fn = jstr(f, "name"), *ft = jstr(f, "type");
        sig_type ty;
        if (!fn || !ft || !sig_type_parse(ft, &ty)) {
            err(m, "E0931", w, "a field needs a name and one of the 16 types");
            continue;
        }
        if (!check_name(m, fn, "field name", member(m, w, "name"))) continue;
        sig_buf_printf(b, "    field %s: %s", fn, ft);
        const char *fd = jstr(f, "description");
        if (fd) {
            sig_buf_puts(b, " { description ");
            put_string(b, fd);
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
        const char *text = render_attribute(m, a->json, a->where, "    ");
        if (text) sig_buf_printf(b, "    attribute %s\n", text);
    }
    if (shared) {
        sig_buf_puts(b, "    attributes ");
        bool first = true;
        for (i = 0; i < iv->attrs.len; i++) {
            const im_attr *a = iv->attrs.items[i];
            if (a->uses < 2) continue;
            sig_buf_printf(b, "%s%s", first ? "" : ", ", a->name);
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
        const cJSON *ver = jget(v, "version");
        const char *n = jstr(v, "name");
        if (n && strcmp(n, name) == 0 &&
            (ver ? cJSON_IsNumber(ver) && ver->valuedouble == (double)version : version == 1))
            return true;
    }
    return false;
}

static void put_service(im *m, sig_buf *b, const cJSON *s, const char *where)
{
    const char *name = jstr(s, "name");
    if (!check_name(m, name, "service name", member(m, where, "name"))) return;
    const char *rmember = jget(s, "attribute_groups") ? "attribute_groups" : "views";
    const cJSON *refs = jget(s, rmember);
    sig_buf_printf(b, "service %s {\n    views ", name);
    const cJSON *r;
    bool first = true;
    size_t i = 0;
    cJSON_ArrayForEach(r, refs) {
        const char *w = sig_arena_printf(m->a, "%s.%s[%zu]", where, rmember, i++);
        const char *rn = jstr(r, "name");
        const cJSON *rv = jget(r, "version");
        long long version = 1;
        if (!check_name(m, rn, "a view reference's name", member(m, w, "name"))) return;
        if (rv && !int_in(m, rv, 1, INT_MAX, "a view version", member(m, w, "version"), &version))
            return;
        /* A spec that names a view it lacks does not check: the service
         * can only be imported together with its views. */
        if (!input_has_view(m, rn, version)) {
            err(m, "E0932", w, "service `%s` uses view `%s` v%lld, which the input does not define",
                name, rn, version);
            return;
        }
        sig_buf_printf(b, "%s%s v%lld", first ? "" : ", ", rn, version);
        first = false;
    }
    if (first) {
        err(m, "E0932", member(m, where, rmember), "a service needs at least one view");
        return;
    }
    sig_buf_putc(b, '\n');
    put_setting_str(b, "    ", "owner", jstr(s, "owner"));
    put_setting_str(b, "    ", "description", jstr(s, "description"));
    put_tags(m, b, "    ", jget(s, "tags"), where);
    sig_buf_puts(b, "}\n");
}

/* ------------------------------------------------------------- entry */

static void note_events(im *m, const cJSON *v)
{
    /* Every input event's vendor/name, to split warehouse column names. */
    const cJSON *attrs = jget(v, "attributes"), *at;
    cJSON_ArrayForEach(at, attrs) {
        const cJSON *evs = jget(at, "events"), *ev;
        cJSON_ArrayForEach(ev, evs) {
            const char *n = jstr(ev, "name"), *vd = jstr(ev, "vendor");
            if (!n || !vd) continue;
            im_schema *s = SIG_NEW(m->a, im_schema);
            s->vendor = vd;
            s->name = n;
            push(m, &m->known, s);
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
        sig_diag *d = err(m, "E0935", NULL, "the spec generated from this input does not pass "
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
        err(&m, "E0930", NULL, "invalid JSON at byte %zu: %s", bad,
            json[bad] ? "not UTF-8 text" : "a NUL byte");
        return false;
    }
    size_t nul = nul_escape_at(json, len);
    if (nul < len) {
        err(&m, "E0930", NULL, "unsupported JSON at byte %zu: `\\u0000` (a NUL character) in a "
            "string", nul);
        return false;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
        err(&m, "E0930", NULL, "invalid JSON at byte %zu", off);
        return false;
    }
    size_t rest = len - (size_t)(end - json);
    for (const char *p = end; rest && isspace((unsigned char)*p); p++) rest--;
    if (rest) {
        err(&m, "E0930", NULL, "invalid JSON at byte %zu: text after the value",
            (size_t)(end - json));
        cJSON_Delete(root);
        return false;
    }
    attach_number_texts(&m, root, json, len);
    collect(&m, root, "$");
    for (size_t i = 0; i < m.views.len; i++) note_events(&m, ((im_view *)m.views.items[i])->json);
    for (size_t i = 0; i < m.keys.len; i++) declare_entity(&m, m.keys.items[i], m.key_where.items[i]);
    for (size_t i = 0; i < m.views.len; i++) {
        im_view *iv = m.views.items[i];
        const cJSON *key = jget(iv->json, "attribute_key");
        if (!key) key = jget(iv->json, "entity");
        if (cJSON_IsObject(key))
            declare_entity(&m, key, member(&m, iv->where, jget(iv->json, "attribute_key")
                                                              ? "attribute_key" : "entity"));
        scan_view(&m, iv);
    }
    sig_buf views = {.arena = m.a}, shared = {.arena = m.a}, services = {.arena = m.a};
    for (size_t i = 0; i < m.attrs.len; i++) {
        const im_attr *a = m.attrs.items[i];
        if (a->uses < 2) continue;
        const char *text = render_attribute(&m, a->json, a->where, "");
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

    size_t spec_start = out_spec->len;
    sig_buf_puts(out_spec, "# Imported from ");
    put_comment_text(out_spec, m.src);
    sig_buf_puts(out_spec, " by signalsc import.\n");
    if (m.schemas.len) sig_buf_putc(out_spec, '\n');
    for (size_t i = 0; i < m.schemas.len; i++) {
        const im_schema *s = m.schemas.items[i];
        if (s->is_context) continue;
        sig_buf_printf(out_spec, "event %s = iglu:%s/%s", s->decl, s->vendor, s->name);
        if (s->version) sig_buf_printf(out_spec, "/jsonschema/%s", s->version);
        sig_buf_putc(out_spec, '\n');
    }
    for (size_t i = 0; i < m.schemas.len; i++) {
        const im_schema *s = m.schemas.items[i];
        if (!s->is_context) continue;
        sig_buf_printf(out_spec, "context %s = iglu:%s/%s/jsonschema/%s\n", s->decl, s->vendor,
                       s->name, s->version ? s->version : "1-*-*");
    }
    sig_buf *parts[] = {&m.entity_text, &m.source_text, &shared, &views, &services};
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
