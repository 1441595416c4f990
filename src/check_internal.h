/* check_internal.h: state shared by the checker's files (check*.c). Not for the rest of libsignals: use check.h. */
#ifndef SIGNALS_CHECK_INTERNAL_H
#define SIGNALS_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "check.h"
#include "signals/arena.h"
#include "signals/diag.h"
#include "signals/model.h"

/* A string-keyed hash map in the arena, remembering insertion order. */
typedef struct ck_map {
    struct ck_slot { const char *key; void *val; } *slots;
    size_t cap, len;
    sig_ptrvec keys;        /* char *, insertion order (for did-you-mean) */
} ck_map;

void *ck_map_get(const ck_map *m, const char *key);
void ck_map_put(sig_arena *a, ck_map *m, const char *key, void *val);

typedef enum ck_kind {
    CK_EVENT, CK_CONTEXT, CK_ENTITY, CK_ATTRIBUTE, CK_VIEW, CK_SOURCE, CK_SERVICE,
    CK_INTERVENTION
} ck_kind;

/* One declared (or built-in) name. */
typedef struct ck_sym {
    ck_kind kind;
    const char *name;
    sig_loc loc;                     /* the name as declared */
    const sig_ast_decl *decl;        /* NULL for built-ins and inline attrs */
    const sig_ast_attribute *attr;   /* CK_ATTRIBUTE */
    const sig_ast_decl *view_decl;   /* CK_ATTRIBUTE declared inside a view */
    void *obj;                       /* the model object */
    bool ok;                         /* usable without follow-on errors */
    bool builtin;
    bool used;
    bool done;                       /* attributes: checked */
    bool offline_reported;           /* attributes: E0340 already given */
    int version;                     /* views */
    struct ck_sym *next_version;     /* views: other versions, declaration order */
    sig_ptrvec inline_attrs;         /* views: ck_sym of inline attributes, in order */
    const char *column;              /* events/contexts with a model version */
} ck_sym;

typedef struct ck {
    struct sig_ctx *ctx;
    sig_arena *a;
    /* Errors were queued before the checker ran (syntax errors): the parser
     * may have dropped parts of declarations, so diagnostics about
     * something missing (E0312, E0313, E0326) would be follow-on noise. */
    bool partial;
    ck_map evctx;       /* events and contexts: one namespace */
    ck_map columns;     /* lower-cased warehouse column -> ck_sym (event/context) */
    ck_map entities;
    ck_map attributes;
    ck_map views;       /* name -> first ck_sym; versions chained */
    ck_map sources;
    ck_map services;
    ck_map interventions;
    sig_ptrvec event_syms, context_syms, entity_syms, attr_syms, view_syms,
        source_syms, service_syms, intervention_syms;
    sig_ptrvec events, contexts, keys, attrs, views_out, sources_out, services_out,
        interventions_out;
} ck;

/* A sub-span of `l` (one-line token): `len` bytes from byte `off`. */
sig_loc ck_subloc(sig_loc l, size_t off, size_t len);
bool ck_has_loc(sig_loc l);
/* "an" before int32/int64, else "a". */
const char *ck_article(sig_type t);

/* check_expr.c */
/* "a string", "an integer", ...: what a literal is, for messages. */
const char *ck_lit_what(const sig_ast_literal *l);
/* Parses decl->uri into `out`; reports E0401-E0403. */
bool ck_parse_schema(ck *c, const char *uri, sig_loc loc, sig_schema_ref *out);
/* The warehouse column of an event ("unstruct_event_") or context
 * ("contexts_") with a model version, or NULL. */
const char *ck_schema_column(ck *c, const char *prefix, const sig_schema_ref *s);
/* Resolves a property (E0404-E0409). Returns false after reporting, or
 * silently when an earlier error (a bad declaration) makes it meaningless. */
bool ck_resolve_property(ck *c, const sig_ast_property *p, sig_property *out);
/* check_call.c: a property written `NAME(ARG, ...)` (E0411, E0412). */
bool ck_resolve_call(ck *c, const sig_ast_property *p, sig_property *out);
/* Appends to `reads` the properties of `p` that read an event's own data:
 * `p` itself, or the operands of a calculated property. */
void ck_event_reads(ck *c, sig_ptrvec *reads, const sig_property *p);
/* Sums a duration in seconds; reports E0341/E0342. */
bool ck_duration(ck *c, const sig_ast_duration *d, int64_t *out);
/* Converts a literal (lists one level deep; nested lists are reported by
 * the callers' rules). */
sig_literal ck_literal(ck *c, const sig_ast_literal *l);
/* Checks `default` against type `t` (E0321). */
bool ck_default_fits(ck *c, const sig_ast_literal *l, sig_type t, sig_loc type_loc,
                     bool type_inferred);
/* check_crit.c: resolves `where` into all/any (E0330) with every comparison checked
 * (E0331, E0332). Appends every resolved property that reads an event's
 * fields (const sig_property *, kind SIG_PROP_EVENT) to `read_props`. */
bool ck_criteria(ck *c, const sig_ast_expr *where, sig_criteria *out,
                 sig_ptrvec *read_props);

/* The blocks, for the settings each takes (check.c bk_allowed). */
typedef enum bkind { BK_VIEW, BK_ATTRIBUTE, BK_ENTITY, BK_SOURCE, BK_SERVICE, BK_FIELD,
                     BK_INTERVENTION, BK__COUNT } bkind;

/* check.c: looks up `id` in `m`; reports E0301/E0303 when absent. */
ck_sym *ck_resolve(ck *c, const sig_ident *id, ck_map *m, ck_kind want,
                   const char *help_if_none);
/* Sorts a block's settings by kind into first[]; reports E0310 and E0311. */
void ck_collect_settings(ck *c, const sig_ast_block *b, bkind bk,
                         const sig_ast_setting *first[SIG_SET__COUNT]);
/* Converts a `tags` setting (NULL: none); reports E0315. */
void ck_convert_tags(ck *c, const sig_ast_setting *st, const sig_tag **out, size_t *n);
/* A type name as written; E0322 with did-you-mean when unknown. */
bool ck_parse_type(ck *c, const sig_ident *name, sig_type *out);

/* "an event", "a view", ...: for messages. */
const char *ck_a_kind(ck_kind k);
/* The symbol named `name` in any namespace, or NULL. */
ck_sym *ck_lookup_any(ck *c, const char *name);
/* E0350: the API's name rule (`what` names the kind for the message). */
bool ck_check_name(ck *c, const char *name, sig_loc loc, const char *what);
/* E0302: `name` declared again at `loc`, first as `first`. */
void ck_dup_error(ck *c, const ck_sym *first, const char *name, sig_loc loc,
                  const char *what);
/* A setting's name or string value (NULL: none), and where it is. */
const char *ck_setting_str(const sig_ast_setting *st);
sig_loc ck_setting_value_loc(const sig_ast_setting *st);

/* check_view.c: resolves an entity (E0301/E0303), adding a used built-in
 * to the model's keys. */
ck_sym *ck_use_entity(ck *c, const sig_ident *id);
/* check_view.c: passes 4 and 5. */
void ck_check_view(ck *c, ck_sym *s);
void ck_check_service(ck *c, ck_sym *s);

/* check_attr.c: checks one attribute and fills its model object. */
void ck_check_attribute(ck *c, ck_sym *s);

/* check_crit.c: the model operator of an AST one; whether it is one of
 * the interventions' operators only (not like, rlike, not rlike, not in,
 * changed). */
sig_op ck_map_op(sig_ast_cmp_op op);
bool ck_intervention_only_op(sig_op op);
/* check_intervention.c: pass 1 (model object, name, duplicates) and
 * pass 6 (settings, criteria) of an intervention. */
void ck_collect_intervention(ck *c, const sig_ast_decl *d, ck_sym *s);
void ck_check_intervention(ck *c, ck_sym *s);

/* check.c: reports an undefined name (E0301) with did-you-mean. */
void ck_undefined(ck *c, const char *what, const char *name, sig_loc loc,
                  const ck_map *candidates, const char *help_if_none);

/* src/iglu_check.c: the checks against the events' and contexts' JSON
 * Schemas (E0440-E0449, W0111, W0112), after the attributes are checked. */
void ck_iglu(ck *c);

#endif
