/* ast.h: the syntax tree of one .signals file, as the parser builds it.
 *
 * The AST is what was written, with a span on every node; names are not yet
 * resolved and no semantic rule is checked (that is the checker's job,
 * src/check.c, which turns ASTs into a sig_model). Everything lives in the
 * compilation's arena. Arrays are (pointer, count). */
#ifndef SIGNALS_AST_H
#define SIGNALS_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signals/diag.h"

typedef struct sig_ident {
    const char *name;
    sig_loc loc;
} sig_ident;

/* ---------------------------------------------------------- literals */

typedef enum sig_ast_lit_kind {
    SIG_AST_LIT_STRING,
    SIG_AST_LIT_INT,
    SIG_AST_LIT_DECIMAL,
    SIG_AST_LIT_BOOL,
    SIG_AST_LIT_LIST
} sig_ast_lit_kind;

typedef struct sig_ast_literal {
    sig_ast_lit_kind kind;
    const char *str;     /* STRING: unescaped value; INT/DECIMAL: digits as written */
    int64_t i;           /* INT (range-checked by the lexer, E0104) */
    double d;            /* DECIMAL, and INT converted */
    bool b;              /* BOOL */
    struct sig_ast_literal *items;  /* LIST (items may themselves be lists:
                                     * the checker rejects that) */
    size_t nitems;
    sig_loc loc;
} sig_ast_literal;

/* --------------------------------------------------------- properties */

/* One segment of a property as written. The first segment is always a
 * NAME (the head: an atomic column, event, context, or warehouse column);
 * then any mix of `.name`, `:name` and `[index]`. */
typedef enum sig_seg_kind { SIG_SEG_NAME, SIG_SEG_INDEX } sig_seg_kind;

typedef struct sig_ast_seg {
    sig_seg_kind kind;
    char sep;            /* NAME: 0 for the head, '.' or ':' after it;
                          * INDEX: '[' */
    const char *name;    /* NAME */
    uint32_t index;      /* INDEX */
    sig_loc loc;
} sig_ast_seg;

typedef struct sig_ast_property {
    sig_ast_seg *segs;
    size_t nsegs;        /* >= 1, or 0 for a call */
    const char *text;    /* the property exactly as written */
    sig_loc loc;
    /* A call `NAME(ARG, ...)`: a date part (`hour_of_day(derived_tstamp)`)
     * or a calculated property (`concat(a, b, separator "-")`); NULL for a
     * plain property. The checker decides which NAME means what. */
    const char *call;
    sig_loc call_loc;
    struct sig_ast_property **args;  /* nargs >= 1 */
    size_t nargs;
    const char *separator;           /* `separator "..."`, NULL if none */
    sig_loc separator_loc;
} sig_ast_property;

/* ---------------------------------------------------------- durations */

/* `7 days`, `1 day 12 hours`: amounts with units as written; the checker
 * validates units (seconds, minutes, hours, days, weeks; singular or plural)
 * and sums them. */
typedef struct sig_ast_duration_part {
    int64_t amount;
    sig_ident unit;
} sig_ast_duration_part;

typedef struct sig_ast_duration {
    sig_ast_duration_part *parts;
    size_t nparts;       /* >= 1 */
    sig_loc loc;
} sig_ast_duration;

/* ----------------------------------------------------------- criteria */

typedef enum sig_ast_expr_kind {
    SIG_AST_AND,
    SIG_AST_OR,
    SIG_AST_CMP,
    SIG_AST_NOT      /* `not (...)`: interventions' `none` (lhs) */
} sig_ast_expr_kind;

typedef enum sig_ast_cmp_op {
    SIG_AST_EQ, SIG_AST_NE, SIG_AST_LT, SIG_AST_GT, SIG_AST_LE, SIG_AST_GE,
    SIG_AST_LIKE, SIG_AST_IN,
    SIG_AST_IS_NULL, SIG_AST_IS_NOT_NULL, /* no value */
    /* interventions only (SDK 0.4.6): */
    SIG_AST_NOT_LIKE, SIG_AST_RLIKE, SIG_AST_NOT_RLIKE, SIG_AST_NOT_IN,
    SIG_AST_CHANGED                       /* no value */
} sig_ast_cmp_op;

typedef struct sig_ast_expr {
    sig_ast_expr_kind kind;
    bool parenthesized;          /* written inside ( ) */
    struct sig_ast_expr *lhs, *rhs; /* AND / OR */
    sig_ast_property *property;  /* CMP */
    sig_ast_cmp_op op;           /* CMP */
    sig_loc op_loc;              /* CMP */
    sig_ast_literal *value;      /* CMP; NULL for is (not) null */
    sig_loc loc;
} sig_ast_expr;

/* -------------------------------------------------------------- tags */

typedef struct sig_ast_tag {
    sig_ident key;               /* written as a name or a string */
    const char *value;
    sig_loc loc;
} sig_ast_tag;

/* ---------------------------------------------------------- settings */

/* A line inside a `{ ... }` block. The parser accepts every setting in
 * every block; the checker says which block allows which (E0310) and
 * reports duplicates (E0311). */
typedef enum sig_setting_kind {
    SIG_SET_ENTITY,            /* entity NAME */
    SIG_SET_ONLINE,            /* online BOOL */
    SIG_SET_OFFLINE,           /* offline BOOL */
    SIG_SET_OWNER,             /* owner STRING */
    SIG_SET_DESCRIPTION,       /* description STRING */
    SIG_SET_TTL,               /* ttl DURATION */
    SIG_SET_TAGS,              /* tags { k = "v", ... } */
    SIG_SET_ATTRIBUTES,        /* attributes NAME, NAME, ... */
    SIG_SET_ATTRIBUTE,         /* attribute ... (inline declaration) */
    SIG_SET_SOURCE,            /* source NAME */
    SIG_SET_FIELD,             /* field NAME: TYPE [{ description ".." }] */
    SIG_SET_VIEWS,             /* views NAME [vN], ... */
    SIG_SET_DATABASE,          /* database STRING|NAME */
    SIG_SET_SCHEMA,            /* schema STRING|NAME */
    SIG_SET_TABLE,             /* table STRING|NAME */
    SIG_SET_TIMESTAMP_FIELD,   /* timestamp_field STRING|NAME */
    SIG_SET_CREATED_TIMESTAMP_COLUMN,
    SIG_SET_DATE_PARTITION_COLUMN,
    SIG_SET_PROPERTY,          /* property PROPERTY (entity blocks) */
    SIG_SET_KEY,               /* key NAME (entity blocks) */
    SIG_SET_EXTERNAL_COLUMN,   /* external_column NAME (entity blocks) */
    SIG_SET_BACKFILL_SINCE_TSTAMP, /* backfill_since_tstamp STRING (views) */
    SIG_SET_REFRESH_RATE,      /* refresh_rate DURATION (views) */
    SIG_SET_WHEN,              /* when CRITERIA (interventions) */
    SIG_SET_TARGET,            /* target NAME, ... (interventions) */
    SIG_SET_PAYLOAD,           /* payload VIEW [vN], ... (interventions) */
    SIG_SET_DEFAULT,           /* default LITERAL (attribute blocks) */
    SIG_SET__COUNT
} sig_setting_kind;

/* The keyword of each setting kind ("timestamp_field"). */
extern const char *const sig_setting_keywords[SIG_SET__COUNT];

struct sig_ast_attribute;
struct sig_ast_block;

typedef struct sig_ast_view_ref {
    sig_ident name;
    bool has_version;
    int version;                 /* from `v2`; checked >= 1 by the checker */
    sig_loc version_loc;
} sig_ast_view_ref;

typedef struct sig_ast_field {
    sig_ident name;
    sig_ident type;              /* type name as written */
    struct sig_ast_block *block; /* NULL, or { description ".." } */
} sig_ast_field;

typedef struct sig_ast_setting {
    sig_setting_kind kind;
    sig_loc keyword_loc;
    sig_loc loc;                 /* the whole setting */
    /* One of these, by kind: */
    sig_ident name;              /* ENTITY SOURCE KEY; DATABASE SCHEMA TABLE
                                  * TIMESTAMP_FIELD CREATED_.. DATE_.. when
                                  * written as a name */
    const char *str;             /* OWNER DESCRIPTION; DATABASE.. when written
                                  * as a string (then name.name == NULL) */
    sig_loc str_loc;
    bool b;                      /* ONLINE OFFLINE */
    sig_ast_duration duration;   /* TTL */
    sig_ast_tag *tags;           /* TAGS */
    size_t ntags;
    sig_ident *names;            /* ATTRIBUTES */
    size_t nnames;
    sig_ast_view_ref *views;     /* VIEWS */
    size_t nviews;
    struct sig_ast_attribute *attribute; /* ATTRIBUTE */
    sig_ast_field field;         /* FIELD */
    sig_ast_property *property;  /* PROPERTY */
    sig_ast_literal *literal;    /* DEFAULT */
    struct sig_ast_expr *where;  /* WHEN */
} sig_ast_setting;

typedef struct sig_ast_block {
    sig_ast_setting *items;
    size_t nitems;
    sig_loc loc;                 /* from '{' to '}' */
} sig_ast_block;

/* -------------------------------------------------------- declarations */

/* attribute NAME [: TYPE] = AGG( [PROPERTY] ) [from E, ...] [where EXPR]
 *     [over last DURATION] [{ description/default/tags }]
 * Each clause at most once, in any order (the parser reports a repeated
 * clause, E0203). */
typedef struct sig_ast_attribute {
    sig_ident name;
    bool has_type;
    sig_ident type;
    sig_ident agg;               /* aggregation name as written */
    sig_ast_property *property;  /* NULL when the parentheses are empty */
    sig_loc call_loc;            /* AGG(...) */
    sig_ident *events;           /* `from` */
    size_t nevents;
    bool has_from;
    sig_loc from_loc;
    sig_ast_expr *where;         /* NULL if none */
    bool has_period;
    sig_ast_duration period;     /* `over last ...` */
    sig_loc period_loc;          /* the whole `over ...` clause */
    sig_ast_block *block;        /* NULL if none */
    sig_loc loc;                 /* whole declaration */
} sig_ast_attribute;

typedef enum sig_decl_kind {
    SIG_DECL_IMPORT,       /* import "path" */
    SIG_DECL_EVENT,        /* event NAME = iglu:... */
    SIG_DECL_CONTEXT,      /* context NAME = iglu:... */
    SIG_DECL_ENTITY,       /* entity NAME [{ ... }] */
    SIG_DECL_ATTRIBUTE,
    SIG_DECL_VIEW,         /* view NAME [vN] { ... } */
    SIG_DECL_BATCH_SOURCE, /* batch_source NAME { ... } */
    SIG_DECL_SERVICE,      /* service NAME { ... } */
    SIG_DECL_INTERVENTION  /* intervention NAME [vN] { ... } */
} sig_decl_kind;

typedef struct sig_ast_decl {
    sig_decl_kind kind;
    sig_loc loc;             /* whole declaration */
    sig_loc keyword_loc;
    sig_ident name;          /* all but IMPORT */
    /* IMPORT */
    const char *import_path;
    sig_loc import_path_loc;
    /* EVENT, CONTEXT: the URI text as written ("iglu:..."); the checker
     * parses and validates it (E04xx). */
    const char *uri;
    sig_loc uri_loc;             /* also the spec id's */
    /* EVENT: `specification "ID"` instead of a URI; NULL otherwise. */
    const char *spec_id;
    /* VIEW */
    bool has_version;
    int version;
    sig_loc version_loc;
    /* ATTRIBUTE */
    sig_ast_attribute *attribute;
    /* ENTITY (optional), VIEW, BATCH_SOURCE, SERVICE */
    sig_ast_block *block;
} sig_ast_decl;

/* A comment (`# ...` to end of line), kept for a future formatter. */
typedef struct sig_ast_comment {
    const char *text;        /* without the newline */
    sig_loc loc;
} sig_ast_comment;

typedef struct sig_ast_file {
    unsigned source;         /* source id */
    sig_ast_decl *decls;
    size_t ndecls;
    sig_ast_comment *comments;
    size_t ncomments;
} sig_ast_file;

struct sig_ctx;

/* Parses source `source` of the context. Lexical and syntax errors are
 * queued on the context (E01xx lexical, E02xx syntax); the parser recovers
 * at the next declaration so that every error is reported. Always returns a
 * file (possibly with fewer declarations than written when there were
 * errors); the caller checks sig_error_count(). Implemented in
 * grammar/signals.y. */
sig_ast_file *sig_parse(struct sig_ctx *ctx, unsigned source);

#endif
