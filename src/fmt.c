/* fmt.c: the canonical layout of .signals source (include/signals/fmt.h).
 *
 * A token-stream formatter: the source is parsed first (so only valid
 * source is formatted), then scanned again here with its comments kept,
 * and printed from the tokens alone (never from the AST, which drops
 * comments). The only things taken from the source's whitespace are
 * whether a comment started its own line and whether a blank line came
 * before a declaration, a setting or an own-line comment, so that
 * formatting formatted text gives the same text. The lexical rules
 * mirror grammar/signals.l (docs/language.md §1). */
#include <stdint.h>
#include <string.h>

#include "signals/fmt.h"
#include "signals/signals.h"
#include "ast.h"
#include "ctx.h"

#define WIDTH 100 /* the column an attribute or a list must fit in */

enum { K_WORD, K_KW, K_STR, K_NUM, K_IGLU, K_PUNCT, K_COMMENT };
/* Roles of keywords (src/keywords.def). */
enum { R_NONE, R_DECL, R_DECL_SET, R_SET, R_WORD };

typedef struct ftok {
    int kind, role;
    const char *text;
    size_t len;
    unsigned nl; /* newlines between the previous token or comment and this one */
} ftok;

typedef struct fmt {
    const ftok *t;
    size_t n, i;        /* tokens and comments; the next one */
    sig_buf *out;
    sig_buf line;       /* the line being built, indent included */
    const ftok *prev;   /* the last token on `line`, NULL at its start */
    const ftok *prev2;  /* the one before */
    unsigned wrap;      /* indent of a line that a comment broke */
} fmt;

static int role_of(const char *s, size_t n)
{
    static const struct { const char *w; int role; } kws[] = {
#define SIG_KEYWORD(tok, text, role) {text, R_##role},
#include "keywords.def"
    };
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
        if (strlen(kws[i].w) == n && memcmp(kws[i].w, s, n) == 0) return kws[i].role;
    return R_NONE;
}

static bool is_name_ch(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length of the token at s[0..) (not whitespace), with its kind; 0 for a
 * character that starts no token (only in source the parser rejects). */
static size_t scan_one(const char *s, bool after_sep, int *kind)
{
    size_t k = 0;
    if (s[0] == '#') {
        while (s[k] && s[k] != '\n') k++;
        *kind = K_COMMENT;
        return k;
    }
    if (s[0] == '"') {
        for (k = 1; s[k] && s[k] != '"' && s[k] != '\n'; k++)
            if (s[k] == '\\' && s[k + 1] && s[k + 1] != '\n') k++;
        *kind = K_STR;
        return s[k] == '"' ? k + 1 : 0;
    }
    if (!after_sep && strncmp(s, "iglu:", 5) == 0) {
        for (k = 5; is_name_ch(s[k]) || s[k] == '.' || s[k] == '-' || s[k] == '/' || s[k] == '*'; k++) {}
        *kind = K_IGLU;
        return k;
    }
    if (is_name_ch(s[0]) && !is_digit(s[0])) {
        while (is_name_ch(s[k])) k++;
        *kind = K_WORD;
        return k;
    }
    if (s[0] == '`' && is_name_ch(s[1]) && !is_digit(s[1])) {
        /* a keyword used as a name: kept in its backquotes, never a keyword */
        for (k = 1; is_name_ch(s[k]); k++) {}
        *kind = K_WORD;
        return s[k] == '`' ? k + 1 : 0;
    }
    if (is_digit(s[0]) || (s[0] == '-' && is_digit(s[1]))) {
        k = 1;
        while (is_digit(s[k])) k++;
        if (s[k] == '.' && is_digit(s[k + 1]))
            for (k++; is_digit(s[k]); k++) {}
        *kind = K_NUM;
        return k;
    }
    *kind = K_PUNCT;
    if ((s[0] == '!' || s[0] == '<' || s[0] == '>') && s[1] == '=') return 2;
    return strchr("=<>()[]{},.:", s[0]) && s[0] ? 1 : 0;
}

/* Splits text into tokens and comments; false on a character that starts
 * no token. */
static bool tokenize(sig_arena *a, const char *s, ftok **out, size_t *count)
{
    size_t cap = 64, n = 0;
    ftok *t = sig_arena_alloc(a, cap * sizeof *t);
    unsigned nl = 0;
    bool after_sep = false;
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
            nl += *s++ == '\n';
            continue;
        }
        int kind;
        size_t len = scan_one(s, after_sep, &kind);
        if (len == 0) return false;
        if (n == cap) {
            ftok *bigger = sig_arena_alloc(a, 2 * cap * sizeof *t);
            memcpy(bigger, t, n * sizeof *t);
            t = bigger;
            cap *= 2;
        }
        ftok *k = &t[n++];
        *k = (ftok){kind, R_NONE, s, len, nl};
        if (kind == K_COMMENT) {
            while (k->len > 1 && (s[k->len - 1] == ' ' || s[k->len - 1] == '\t' || s[k->len - 1] == '\r'))
                k->len--;
        } else if (kind == K_WORD && !after_sep && (k->role = role_of(s, len)) != R_NONE) {
            k->kind = K_KW;
        }
        if (kind != K_COMMENT)
            after_sep = kind == K_PUNCT && (s[0] == '.' || s[0] == ':');
        s += len;
        nl = 0;
    }
    *out = t;
    *count = n;
    return true;
}

static bool is_p(const ftok *k, char c) { return k && k->kind == K_PUNCT && k->len == 1 && k->text[0] == c; }
static bool is_kw(const ftok *k, const char *w)
{
    return k && k->kind == K_KW && strlen(w) == k->len && memcmp(k->text, w, k->len) == 0;
}

/* Whether `k` (in the array at `base`) follows `attribute` or `field`,
 * comments skipped: the name before a type's `:`. */
static bool typed_name(const ftok *base, const ftok *k)
{
    if (!k || k->kind != K_WORD) return false;
    while (k > base && (--k)->kind == K_COMMENT) {}
    return is_kw(k, "attribute") || is_kw(k, "field");
}

/* Whether a space goes between `a` (with `a2` before it, both in the array
 * at `base`) and `b` on a line. */
static bool space_between(const ftok *base, const ftok *a2, const ftok *a, const ftok *b)
{
    if (!a) return false;
    if (is_p(b, ',') || is_p(b, ')') || is_p(b, ']') || is_p(b, '.') || is_p(b, ':')) return false;
    if (is_p(a, '(') || is_p(a, '[') || is_p(a, '.')) return false;
    if (is_p(a, '{') && is_p(b, '}')) return false;
    /* `attribute NAME: TYPE`, `field NAME: TYPE`, but `VIEW:ATTRIBUTE`. */
    if (is_p(a, ':')) return typed_name(base, a2);
    bool callee = a->kind == K_WORD || is_kw(a, "last") || is_kw(a, "event");
    if (is_p(b, '(')) return !callee || is_kw(a, "event");
    if (is_p(b, '[')) return !(callee || is_p(a, ']') || is_p(a, ')'));
    return true;
}

static void put_indent(sig_buf *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) sig_buf_putc(b, ' ');
}

static void end_line(fmt *f)
{
    if (!f->prev && f->line.len == 0) return;
    sig_buf_append(f->out, f->line.data, f->line.len);
    sig_buf_putc(f->out, '\n');
    f->line.len = 0;
    f->prev = f->prev2 = NULL;
}

/* A blank line, unless the output is empty or already ends with one. */
static void blank(fmt *f)
{
    end_line(f);
    size_t l = f->out->len;
    if (l == 0 || (l >= 2 && f->out->data[l - 2] == '\n')) return;
    sig_buf_putc(f->out, '\n');
}

static void write_comment(fmt *f, const ftok *c)
{
    sig_buf_append(&f->line, c->text, c->len);
    f->prev = c;
    end_line(f);
}

/* Prints the comments before the next token: one that followed a token on
 * its line stays at the end of that line; one on its own line is indented
 * `indent`, after a blank line when it had one and `blanks` allows. */
static void comments(fmt *f, unsigned indent, bool blanks)
{
    while (f->i < f->n && f->t[f->i].kind == K_COMMENT) {
        const ftok *c = &f->t[f->i++];
        if (c->nl == 0 && f->prev) {
            sig_buf_puts(&f->line, "  ");
            write_comment(f, c);
            continue;
        }
        end_line(f);
        if (blanks && c->nl >= 2) blank(f);
        put_indent(&f->line, indent);
        write_comment(f, c);
    }
}

/* Puts the next token on the line (starting a line at f->wrap when none is
 * open), then the comment that ends its line, if any. */
static const ftok *put(fmt *f)
{
    comments(f, f->wrap, false);
    const ftok *k = &f->t[f->i++];
    if (!f->prev && f->line.len == 0) put_indent(&f->line, f->wrap);
    else if (space_between(f->t, f->prev2, f->prev, k)) sig_buf_putc(&f->line, ' ');
    sig_buf_append(&f->line, k->text, k->len);
    f->prev2 = f->prev;
    f->prev = k;
    if (f->i < f->n && f->t[f->i].kind == K_COMMENT && f->t[f->i].nl == 0) {
        sig_buf_puts(&f->line, "  ");
        write_comment(f, &f->t[f->i++]);
    }
    return k;
}

/* Starts a new line at `indent` for what follows. */
static void new_line(fmt *f, unsigned indent)
{
    end_line(f);
    f->wrap = indent;
}

/* The next token (comments skipped) at or after j, or NULL. */
static const ftok *peek_from(const fmt *f, size_t *j)
{
    while (*j < f->n && f->t[*j].kind == K_COMMENT) (*j)++;
    return *j < f->n ? &f->t[*j] : NULL;
}
static const ftok *peek(const fmt *f)
{
    size_t j = f->i;
    return peek_from(f, &j);
}

/* Whether token k ends what is being printed: a declaration keyword, or in
 * a block also a setting keyword or the block's `}`. */
static bool stops(const ftok *k, bool in_block)
{
    if (!k) return true;
    if (k->kind == K_KW && (k->role == R_DECL || k->role == R_DECL_SET))
        return !(in_block && is_kw(k, "event"));
    if (!in_block) return false;
    return (k->kind == K_KW && k->role == R_SET) || is_p(k, '}');
}

/* The index just past the run of tokens from f->i that stops at a stopper,
 * or at a `{` (depth 0) when `at_brace`, or at a clause keyword when
 * `at_clause`; *comment tells whether a comment lies inside the run, *width
 * its width on one line. */
static size_t run_end(const fmt *f, size_t from, bool in_block, bool at_brace, bool at_clause,
                      bool *comment, size_t *width)
{
    int depth = 0;
    const ftok *a2 = NULL, *a = NULL;
    *comment = false;
    *width = 0;
    while (from < f->n && f->t[from].kind == K_COMMENT) from++;
    size_t j = from, last = from;
    for (; j < f->n; j++) {
        const ftok *k = &f->t[j];
        if (k->kind == K_COMMENT) {
            *comment = true;
            continue;
        }
        if (depth == 0 && j > from) {
            if (stops(k, in_block) || (at_brace && is_p(k, '{'))) break;
            if (at_clause && (is_kw(k, "from") || is_kw(k, "where") || is_kw(k, "over"))) break;
        }
        if (is_p(k, '(') || is_p(k, '[') || is_p(k, '{')) depth++;
        if (is_p(k, ')') || is_p(k, ']') || is_p(k, '}')) depth--;
        *width += k->len + (space_between(f->t, a2, a, k) ? 1 : 0);
        a2 = a;
        a = k;
        last = j + 1;
    }
    /* A comment after the run's last token belongs to what follows. */
    if (*comment) {
        bool inside = false;
        for (size_t m = from; m < last; m++) inside |= f->t[m].kind == K_COMMENT;
        *comment = inside || (last < f->n && f->t[last].kind == K_COMMENT && f->t[last].nl == 0 &&
                              j < f->n);
    }
    return last;
}

static void block(fmt *f, bool inline_ok);

/* Puts tokens up to index `end`, a nested `{` opening a block (on one
 * line when `inline_ok` and it holds one setting). */
static void put_until(fmt *f, size_t end, bool inline_ok)
{
    while (f->i < end) {
        const ftok *k = peek(f);
        if (!k) break;
        if (is_p(k, '{')) {
            block(f, inline_ok);
            continue;
        }
        put(f);
    }
}

/* Puts the first token of a line at `indent`; later lines (a comment broke
 * the line) continue at `wrap`. */
static void put_first(fmt *f, unsigned indent, unsigned wrap)
{
    comments(f, indent, false);
    new_line(f, indent);
    put(f);
    f->wrap = wrap;
}

/* The indent of the line a token put now would be on. */
static unsigned line_indent(const fmt *f)
{
    if (!f->prev) return f->wrap;
    unsigned n = 0;
    while (n < f->line.len && f->line.data[n] == ' ') n++;
    return n;
}

/* A list setting (`attributes a, b`): wraps after a comma past WIDTH,
 * aligned under the first item. */
static void put_list(fmt *f, size_t end)
{
    put(f); /* the keyword */
    unsigned align = (unsigned)f->line.len + 1;
    f->wrap = align;
    bool first = true;
    while (f->i < end) {
        size_t j = f->i, w = 0;
        int depth = 0;
        for (; j < end; j++) {
            const ftok *k = &f->t[j];
            w += k->len + 1;
            if (is_p(k, '(')) depth++;
            if (is_p(k, ')')) depth--;
            if (depth == 0 && is_p(k, ',')) {
                j++;
                break;
            }
        }
        if (!first && f->prev && f->line.len + w > WIDTH) end_line(f);
        first = false;
        while (f->i < j) put(f);
    }
}

/* One attribute, from `attribute` to the end of its block or clauses. */
static void attribute(fmt *f, unsigned indent, bool in_block)
{
    bool comment;
    size_t width;
    size_t body = run_end(f, f->i, in_block, true, false, &comment, &width);
    size_t at = body;
    const ftok *after = peek_from(f, &at);
    bool has_block = after && is_p(after, '{');
    bool broken = comment || has_block || indent + width > WIDTH;
    put_first(f, indent, indent + 4);
    if (!broken) {
        while (f->i < body) put(f);
    } else {
        bool first = true;
        while (f->i < body) {
            size_t end = run_end(f, f->i, in_block, true, true, &comment, &width);
            if (end > body) end = body;
            if (!first) {
                comments(f, indent + 4, false);
                new_line(f, indent + 4);
            }
            first = false;
            while (f->i < end) put(f);
        }
    }
    if (has_block) {
        /* As `signalsc import` writes it: a broken attribute's block opens
         * on a line of its own, under its clauses. */
        if (broken) {
            comments(f, indent + 4, false);
            new_line(f, indent + 4);
        }
        block(f, false);
    }
}

/* A block, from `{` to `}`: its settings indented 4 more than the line
 * that opens it, `}` under that line. On one line for `tags`, and when
 * `inline_ok` and it holds one setting and no comment. */
static void block(fmt *f, bool inline_ok)
{
    bool tags = is_kw(f->prev, "tags");
    unsigned indent = line_indent(f);
    size_t j = f->i;
    peek_from(f, &j);
    j++;
    bool comment = false;
    size_t width, end = j;
    while (j < f->n && f->t[j].kind == K_COMMENT) j++;
    if (j < f->n && !is_p(&f->t[j], '}')) end = run_end(f, j, true, false, false, &comment, &width);
    bool one = end < f->n && is_p(&f->t[end], '}');
    for (size_t m = f->i; m <= end && m < f->n; m++) comment |= f->t[m].kind == K_COMMENT;
    if (tags || (inline_ok && one && !comment)) {
        put(f);
        int depth = 1;
        while (f->i < f->n && depth > 0) {
            const ftok *k = peek(f);
            if (!k) break;
            depth += is_p(k, '{') - is_p(k, '}');
            put(f);
        }
        return;
    }
    put(f); /* { */
    unsigned in = indent + 4;
    bool first = true;
    for (;;) {
        const ftok *k = peek(f);
        size_t at = f->i;
        if (!k || is_p(k, '}')) {
            comments(f, in, !first);
            new_line(f, indent);
            if (k) put(f);
            return;
        }
        comments(f, in, !first);
        new_line(f, in);
        if (f->t[f->i].nl >= 2 && (!first || f->i != at)) blank(f);
        first = false;
        if (is_kw(k, "attribute")) {
            attribute(f, in, true);
            continue;
        }
        size_t stop = run_end(f, f->i, true, false, false, &comment, &width);
        if (!comment && (is_kw(k, "attributes") || is_kw(k, "views") || is_kw(k, "target") ||
                         is_kw(k, "payload")) && in + width > WIDTH) {
            put_list(f, stop);
            continue;
        }
        put_first(f, in, in + 4);
        put_until(f, stop, is_kw(k, "field"));
    }
}

/* One top-level declaration. */
static void declaration(fmt *f)
{
    const ftok *k = peek(f);
    if (is_kw(k, "attribute")) {
        attribute(f, 0, false);
        return;
    }
    bool comment;
    size_t width;
    size_t end = run_end(f, f->i, false, false, false, &comment, &width);
    put_first(f, 0, 4);
    put_until(f, end, false);
}

static size_t lines_after(const sig_buf *b, size_t from)
{
    size_t n = 0;
    for (size_t i = from; i < b->len; i++) n += b->data[i] == '\n';
    return n;
}

bool sig_format(struct sig_ctx *ctx, unsigned source, sig_buf *out)
{
    const sig_source *src = sig_ctx_source(ctx, source);
    if (!src) return false;
    size_t errors = ctx->nerrors;
    sig_parse(ctx, source);
    if (ctx->nerrors != errors) return false;
    fmt f = {.out = out, .line = {.arena = out->arena}};
    ftok *t;
    if (!tokenize(out->arena, src->text, &t, &f.n)) return false;
    f.t = t;
    sig_buf chunk = {.arena = out->arena};
    bool prev_multi = false;
    while (f.i < f.n) {
        /* A chunk: the own-line comments before a declaration, and it. */
        bool src_blank = f.t[f.i].nl >= 2;
        chunk.len = 0;
        f.out = &chunk;
        comments(&f, 0, true);
        if (chunk.len && f.i < f.n && f.t[f.i].nl >= 2) blank(&f);
        size_t start = chunk.len;
        bool multi = false;
        if (peek(&f)) {
            declaration(&f);
            end_line(&f);
            multi = lines_after(&chunk, start) > 1;
        }
        if (out->len && (src_blank || prev_multi || multi)) sig_buf_putc(out, '\n');
        if (chunk.len) sig_buf_append(out, chunk.data, chunk.len);
        prev_multi = multi;
    }
    return true;
}
