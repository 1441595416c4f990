/* import_text.c: the importer's shared helpers: names, errors at a JSONPath,
 * JSON access, and the spec text it writes (strings, literals, durations,
 * tags). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_internal.h"
#include "api/json_out.h"
#include "text.h"

/* The language's reserved words (src/keywords.def). */
static const char *const keywords[] = {
#define SIG_KEYWORD(tok, text, role) text,
#include "keywords.def"
    NULL};

bool imp_is_keyword(const char *s)
{
    for (size_t i = 0; keywords[i]; i++)
        if (strcmp(keywords[i], s) == 0) return true;
    return false;
}

bool imp_is_name(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return false;
    return true;
}

/* At most `max` bytes of `s` for a message, cut at a UTF-8 boundary. */
const char *imp_clip(im *m, const char *s)
{
    size_t n = strlen(s), max = 60;
    if (n <= max) return s;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return sig_arena_printf(m->a, "%.*s...", (int)max, s);
}

/* `where` + "." + member, the JSONPath of a member. */
const char *imp_member(im *m, const char *where, const char *key)
{
    return sig_arena_printf(m->a, "%s.%s", where, key);
}

bool imp_contains(const sig_ptrvec *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0) return true;
    return false;
}

void imp_push(im *m, sig_ptrvec *v, const void *p)
{
    sig_ptrvec_push(m->a, v, (void *)(uintptr_t)p);
}

sig_diag *imp_err(im *m, const char *code, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = sig_arena_vprintf(m->a, fmt, ap);
    va_end(ap);
    m->ok = false;
    return sig_error(m->ctx, SIG_NOLOC, code, "%s: %s%s%s", m->src, where ? where : "",
                     where ? ": " : "", msg);
}

const char *imp_name(im *m, const char *s)
{
    return imp_is_keyword(s) ? sig_arena_printf(m->a, "`%s`", s) : s;
}

/* A name the language and the API accept (E0350): letters, digits and `_`,
 * not starting with a digit, at most 128 bytes (a keyword is written in
 * backquotes, imp_name). Else E0932 at `where` (the member's JSONPath). */
bool imp_check_name(im *m, const char *s, const char *what, const char *where)
{
    if (!s) {
        imp_err(m, "E0931", where, "%s is missing or not a string", what);
        return false;
    }
    if (imp_is_name(s) && strlen(s) <= 128) return true;
    imp_err(m, "E0932", where, "%s `%s` is not a name of the language (letters, digits and `_`, "
        "not starting with a digit, at most 128 characters)", what, imp_clip(m, s));
    return false;
}

/* An integer JSON number in [lo, hi], checked before any conversion (a
 * double out of the target's range converts with undefined behaviour,
 * C11 6.3.1.4). */
bool imp_int_in(im *m, const cJSON *v, double lo, double hi, const char *what,
                   const char *where, long long *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        !(v->valuedouble >= lo && v->valuedouble <= hi)) {
        imp_err(m, "E0932", where, "%s must be an integer from %.0f to %.0f", what, lo, hi);
        return false;
    }
    *out = (long long)v->valuedouble;
    return true;
}

/* ------------------------------------------------------ JSON access */

const char *imp_jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *imp_jget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNull(v) ? NULL : v;
}

/* -------------------------------------------------------- spec text */

void imp_put_string(sig_buf *b, const char *s)
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
void imp_put_comment_text(sig_buf *b, const char *s)
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
 * imp_attach_number_texts() stores each number's text in its (otherwise
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

void imp_attach_number_texts(im *m, cJSON *root, const char *json, size_t len)
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
            imp_push(m, &texts, json + i);
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

bool imp_put_literal(im *m, sig_buf *b, const cJSON *v, bool list_parens, const char *where)
{
    if (cJSON_IsString(v)) {
        imp_put_string(b, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        sig_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble)) {
            imp_err(m, "E0932", where, "the number `%s` is too large for a 64-bit floating-point "
                "number", v->valuestring ? imp_clip(m, v->valuestring) : "?");
            return false;
        }
        if (is_int_text(v) && v->valuestring) {
            errno = 0;
            (void)strtoll(v->valuestring, NULL, 10);
            if (errno == ERANGE) {
                imp_err(m, "E0932", where, "the integer `%s` is out of the 64-bit range of the "
                    "language", imp_clip(m, v->valuestring));
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
                imp_err(m, "E0932", where, "a list value holds a list or an object");
                return false;
            }
            if (!imp_put_literal(m, b, c, false, where)) return false;
        }
        sig_buf_putc(b, list_parens ? ')' : ']');
    } else {
        imp_err(m, "E0932", where, "a value must be a string, number, bool or list");
        return false;
    }
    return true;
}

void imp_put_duration(sig_buf *b, int64_t secs)
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
bool imp_duration_of(im *m, const cJSON *v, const char *where, bool positive, int64_t *secs)
{
    if (positive && cJSON_IsNumber(v) && v->valuedouble == 0) {
        imp_err(m, "E0932", where, "a ttl of 0 seconds cannot be written: durations of the language "
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
    imp_err(m, "E0932", where, "not a duration in whole seconds from 0 to 2^63-1 (a number, or "
        "ISO 8601 such as \"P7D\")");
    return false;
}

void imp_put_setting_str(sig_buf *b, const char *ind, const char *kw, const char *v)
{
    if (!v) return;
    sig_buf_printf(b, "%s%s ", ind, kw);
    imp_put_string(b, v);
    sig_buf_putc(b, '\n');
}

bool imp_put_tags(im *m, sig_buf *b, const char *ind, const cJSON *tags, const char *where)
{
    if (!tags) return true;
    if (!cJSON_IsObject(tags)) {
        imp_err(m, "E0931", where, "`tags` is not an object");
        return false;
    }
    if (!tags->child) return true;
    sig_buf_printf(b, "%stags { ", ind);
    const cJSON *t;
    bool first = true;
    cJSON_ArrayForEach(t, tags) {
        if (!cJSON_IsString(t)) {
            imp_err(m, "E0931", where, "tag `%s` is not a string", t->string);
            return false;
        }
        if (!first) sig_buf_puts(b, ", ");
        first = false;
        imp_put_string(b, t->string);
        sig_buf_puts(b, " = ");
        imp_put_string(b, t->valuestring);
    }
    sig_buf_puts(b, " }\n");
    return true;
}


/* ---------------------------------------------------- members kept */

/* Members of SDK 0.4.10 objects the language cannot say yet, with the
 * release that added them (the SDK's changelog), for the message. */
static const struct { const char *member, *what; } not_yet[] = {
    {"tags", "tags on this object"},
    {NULL, NULL},
};

static bool in_list(const char *const *l, const char *s)
{
    for (size_t i = 0; l && l[i]; i++)
        if (strcmp(l[i], s) == 0) return true;
    return false;
}

void imp_not_yet(im *m, const char *where, const char *what)
{
    sig_diag *d = imp_err(m, "E0936", where, "%s cannot be written in the .signals language yet", what);
    sig_diag_help(m->ctx, d, "import drops nothing: remove it from the input to import the rest "
                             "without it");
}

bool imp_members(im *m, const cJSON *o, const char *where, const char *const *carried,
                 const char *const *ignored)
{
    bool ok = true;
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        if (cJSON_IsNull(it) || in_list(carried, it->string) || in_list(ignored, it->string)) continue;
        const char *what = NULL;
        for (size_t i = 0; not_yet[i].member && !what; i++)
            if (strcmp(not_yet[i].member, it->string) == 0) what = not_yet[i].what;
        const char *w = imp_is_name(it->string) ? imp_member(m, where, it->string)
                        : sig_arena_printf(m->a, "%s[\"%s\"]", where, imp_clip(m, it->string));
        imp_not_yet(m, w, what ? what : sig_arena_printf(m->a, "member `%s`", imp_clip(m, it->string)));
        ok = false;
    }
    return ok;
}
