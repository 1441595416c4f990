/* import_internal.h: the importer's state and the helpers its files share
 * (internal to libsignals). The importer is a second front end: Signals API
 * JSON in, .signals spec text out (signals/import.h). Names: imp_*. */
#ifndef SIGNALS_IMPORT_INTERNAL_H
#define SIGNALS_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "signals/signals.h"

/* A synthesized `event` or `context` declaration. */
typedef struct im_schema {
    const char *decl;     /* declared name */
    const char *vendor, *name;
    const char *version;  /* "1-0-2", "1-*-*", or NULL (any version) */
    int major;            /* -1 when version is NULL */
    bool is_context;
    /* An event given by its event specification id (SDK 0.4.4): vendor and
     * name are "" (no Iglu part is empty, so it never matches a property). */
    const char *spec_id;
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
    sig_ptrvec specs;     /* im_schema* of event specification ids */
    sig_ptrvec known;     /* im_schema* of every input event: vendor/name */
    sig_ptrvec used;      /* char*: declared event/context names */
    sig_ptrvec entities;  /* char*: declared entity names */
    sig_ptrvec sources;   /* char*: declared batch source names */
    sig_ptrvec guessed;   /* char*: column names warned about (E0934) */
    sig_ptrvec attrs;     /* im_attr*, first definition of each name */
    sig_ptrvec views;     /* im_view* */
    sig_ptrvec services;  /* const cJSON* */
    sig_ptrvec service_where;
    sig_ptrvec rules;     /* const cJSON* rule interventions */
    sig_ptrvec rule_where;
    sig_ptrvec keys;      /* const cJSON* key objects */
    sig_ptrvec key_where;
    sig_buf entity_text, source_text;
} im;

/* ---- import_text.c: names, errors, JSON access, spec text */

/* A reserved word of the language (src/keywords.def). */
bool imp_is_keyword(const char *s);
/* `s` as spec text: in backquotes when it is a keyword (`target`). */
const char *imp_name(im *m, const char *s);
/* Letters, digits and `_`, not starting with a digit. */
bool imp_is_name(const char *s);
/* At most 60 bytes of `s` for a message, cut at a UTF-8 boundary. */
const char *imp_clip(im *m, const char *s);
/* `where` + "." + `key`: the JSONPath of a member. */
const char *imp_member(im *m, const char *where, const char *key);
bool imp_contains(const sig_ptrvec *v, const char *s);
void imp_push(im *m, sig_ptrvec *v, const void *p);
/* Queues error `code` "SRC: WHERE: message" (no location) and clears m->ok. */
sig_diag *imp_err(im *m, const char *code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A name the language and the API accept (E0350), else E0931/E0932. */
bool imp_check_name(im *m, const char *s, const char *what, const char *where);
/* An integer JSON number in [lo, hi], checked before any conversion. */
bool imp_int_in(im *m, const cJSON *v, double lo, double hi, const char *what,
                const char *where, long long *out);
/* Member `k` as a string (NULL when absent or not a string). */
const char *imp_jstr(const cJSON *o, const char *k);
/* Member `k`, NULL when absent or JSON null. */
const cJSON *imp_jget(const cJSON *o, const char *k);
/* `s` as a string literal of the language. */
void imp_put_string(sig_buf *b, const char *s);
/* `s` for a comment line (nothing can end the comment early). */
void imp_put_comment_text(sig_buf *b, const char *s);
/* Stores each number's source text in its cJSON valuestring. */
void imp_attach_number_texts(im *m, cJSON *root, const char *json, size_t len);
/* A literal of the language for `v` (list in parentheses when `list_parens`). */
bool imp_put_literal(im *m, sig_buf *b, const cJSON *v, bool list_parens, const char *where);
/* `secs` as "1 day 2 hours". */
void imp_put_duration(sig_buf *b, int64_t secs);
/* A duration (seconds or ISO 8601) in whole seconds, >= 1 when `positive`. */
bool imp_duration_of(im *m, const cJSON *v, const char *where, bool positive, int64_t *secs);
/* `IND KW "V"\n` when `v` is set. */
void imp_put_setting_str(sig_buf *b, const char *ind, const char *kw, const char *v);
/* `IND tags { "k" = "v", ... }\n` when `tags` has members. */
bool imp_put_tags(im *m, sig_buf *b, const char *ind, const cJSON *tags, const char *where);

/* E0936 at `where`: `what` (a member or a value of the input) has no
 * equivalent in the language yet. Import never drops it silently. */
void imp_not_yet(im *m, const char *where, const char *what);
/* Every member of object `o` that is not null must be in `carried` (written
 * into the spec) or `ignored` (computed by the API, or publish state);
 * NULL-terminated lists. Else E0936 at the member's JSONPath, naming the
 * SDK release that added it when known; false then. */
bool imp_members(im *m, const cJSON *o, const char *where, const char *const *carried,
                 const char *const *ignored);

/* ---- import_props.c: events, contexts and properties */

/* A declaration name from `base` that is unique, not a keyword, atomic
 * column or built-in key. */
const char *imp_unique_decl(im *m, const char *base, const char *kind);
/* The declaration for (vendor, name, version), declared on first use. */
im_schema *imp_schema_for(im *m, bool ctx, const char *vendor, const char *name,
                          const char *version, const char *where, bool members);
/* The event or context of model `major` a property reads. */
im_schema *imp_schema_for_major(im *m, bool ctx, const char *vendor, const char *name,
                                int major, const sig_ptrvec *from, const char *where,
                                bool members);
/* A JSONPath subset as `.a.b[0].c`. */
bool imp_put_path(im *m, sig_buf *b, const char *path, const char *where);
/* A property (string column or structured object) as spec text. */
bool imp_put_property(im *m, sig_buf *b, const cJSON *p, const sig_ptrvec *from,
                      const char *where);
/* The criteria of list `l`, joined by `join` ("and", "or"). */
bool imp_put_criteria_list(im *m, sig_buf *b, const cJSON *l, const char *join,
                           const sig_ptrvec *from, const char *where);

/* ---- import_attr.c: attributes, entities, batch sources */

/* `NAME: TYPE = AGG(PROP) from ... where ... over last ... {...}`, or NULL
 * after an error. */
const char *imp_render_attribute(im *m, const cJSON *at, const char *where, const char *ind);
/* Declares the entity of attribute key `k` (once); false after an error. */
bool imp_declare_entity(im *m, const cJSON *k, const char *where);
/* Declares batch source `s` (once); its name, or NULL after an error. */
const char *imp_declare_source(im *m, const cJSON *s, const char *where);

/* ---- import_rule.c: rule-based interventions */

/* Appends `intervention NAME vN { ... }` for RuleIntervention `iv` to `b`
 * (after a blank line when `b` is not empty); nothing after an error. */
void imp_put_intervention(im *m, sig_buf *b, const cJSON *iv, const char *where);

#endif
