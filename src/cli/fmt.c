/* fmt.c: `signalsc fmt`, the canonical layout (signals/fmt.h) applied to
 * files in place, to standard input, or checked with --check (a unified
 * diff, as diff -u prints it: GNU diffutils manual, "Unified Format"). */
#define _XOPEN_SOURCE 700 /* realpath(3) */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "signals/fmt.h"

typedef struct lines {
    const char **at; /* start of each line */
    size_t *len;     /* its length, newline included */
    size_t n;
} lines;

static void split(const char *s, size_t len, lines *l)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += s[i] == '\n';
    n += len && s[len - 1] != '\n';
    l->at = calloc(n + 1, sizeof *l->at);
    l->len = calloc(n + 1, sizeof *l->len);
    if (!l->at || !l->len) abort();
    l->n = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && s[j] != '\n') j++;
        if (j < len) j++;
        l->at[l->n] = s + i;
        l->len[l->n++] = j - i;
        i = j;
    }
}

static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->at[i], b->at[j], a->len[i]) == 0;
}

static void put_line(FILE *out, char mark, const lines *l, size_t i)
{
    fputc(mark, out);
    fwrite(l->at[i], 1, l->len[i], out);
    if (l->at[i][l->len[i] - 1] != '\n') fputs("\n\\ No newline at end of file\n", out);
}

/* Prints a unified diff of a -> b with 3 lines of context. The edit script
 * is a longest common subsequence of the lines between the common head and
 * tail (a table of at most 16M cells; past that, the middle is replaced
 * whole). */
static void unified_diff(FILE *out, const char *name, const lines *a, const lines *b)
{
    size_t head = 0, tail = 0;
    while (head < a->n && head < b->n && same(a, head, b, head)) head++;
    while (tail < a->n - head && tail < b->n - head && same(a, a->n - 1 - tail, b, b->n - 1 - tail))
        tail++;
    size_t n = a->n - head - tail, m = b->n - head - tail;
    /* ops: 0 keep, 1 delete (a), 2 insert (b), in order */
    char *ops = malloc(n + m + 1);
    size_t nops = 0;
    if (!ops) abort();
    if ((n + 1) * (m + 1) <= ((size_t)1 << 24)) {
        unsigned *t = calloc((n + 1) * (m + 1), sizeof *t);
        if (!t) abort();
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                t[i * (m + 1) + j] = same(a, head + i, b, head + j)
                                         ? t[(i + 1) * (m + 1) + j + 1] + 1
                                         : (t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
                                                ? t[(i + 1) * (m + 1) + j]
                                                : t[i * (m + 1) + j + 1]);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && same(a, head + i, b, head + j)) ops[nops++] = 0, i++, j++;
            else if (j == m || (i < n && t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]))
                ops[nops++] = 1, i++;
            else ops[nops++] = 2, j++;
        }
        free(t);
    } else {
        for (size_t i = 0; i < n; i++) ops[nops++] = 1;
        for (size_t j = 0; j < m; j++) ops[nops++] = 2;
    }
    fprintf(out, "--- %s\n+++ %s\n", name, name);
    /* Walk the whole script (head and tail kept) hunk by hunk. */
    size_t total = head + nops + tail;
    char *all = malloc(total + 1);
    if (!all) abort();
    memset(all, 0, head);
    memcpy(all + head, ops, nops);
    memset(all + head + nops, 0, tail);
    free(ops);
    size_t k = 0, ai = 0, bi = 0;
    while (k < total) {
        size_t c = k;
        while (c < total && all[c] == 0) c++;
        if (c == total) break;
        size_t start = c >= 3 ? c - 3 : 0;
        /* The hunk ends after 3 kept lines past a change with no change
         * within the next 6. */
        size_t e = c, kept = 0;
        while (e < total) {
            if (all[e]) kept = 0;
            else if (++kept > 6) break;
            e++;
        }
        if (kept > 3) e -= kept - 3;
        size_t sa = ai, sb = bi;
        for (size_t q = k; q < start; q++) sa++, sb++;
        size_t la = 0, lb = 0;
        for (size_t q = start; q < e; q++) {
            la += all[q] != 2;
            lb += all[q] != 1;
        }
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", la ? sa + 1 : sa, la, lb ? sb + 1 : sb, lb);
        size_t x = sa, y = sb;
        for (size_t q = start; q < e; q++) {
            if (all[q] == 0) put_line(out, ' ', a, x++), y++;
            else if (all[q] == 1) put_line(out, '-', a, x++);
            else put_line(out, '+', b, y++);
        }
        ai = x, bi = y, k = e;
    }
    free(all);
}

static void diff(FILE *out, const char *name, const char *old, size_t oldlen, const char *new_,
                 size_t newlen)
{
    lines a, b;
    split(old, oldlen, &a);
    split(new_, newlen, &b);
    unified_diff(out, name, &a, &b);
    free(a.at), free(a.len), free(b.at), free(b.len);
}

/* Replaces `path` with `len` bytes of `data`: a temporary file in the same
 * directory, renamed over it (rename(2) is atomic), with the old mode. A
 * symbolic link stays a link: the file it points to is replaced. */
static bool rewrite(const char *link, const char *data, size_t len)
{
    struct stat st;
    char *path = realpath(link, NULL);
    if (!path || stat(path, &st) != 0) {
        free(path);
        return false;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) abort();
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".fmt-XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        free(path);
        return false;
    }
    bool ok = fchmod(fd, st.st_mode & 07777) == 0;
    for (size_t off = 0; ok && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        ok = w > 0;
        if (ok) off += (size_t)w;
    }
    ok = fsync(fd) == 0 && ok;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) unlink(tmp);
    free(tmp);
    free(path);
    return ok;
}

/* Formats one file: 0 unchanged or rewritten, 1 on an error or (with
 * --check) a change. */
static int fmt_one(const cli *c, const char *path)
{
    bool is_stdin = strcmp(path, "-") == 0;
    sig_ctx *ctx = sig_ctx_new();
    unsigned id = sig_ctx_add_file(ctx, path, is_stdin ? c->stdin_name : NULL);
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    if (!id || !sig_format(ctx, id, &out)) {
        if (!sig_error_count(ctx))
            fprintf(stderr, "signalsc: %s: cannot be formatted\n", path);
        return finish(ctx, c, EXIT_INPUT);
    }
    const sig_source *src = sig_ctx_source(ctx, id);
    const char *text = out.len ? out.data : "";
    bool changed = out.len != src->len || memcmp(text, src->text, out.len) != 0;
    int status = EXIT_OK;
    if (c->check) {
        if (changed) {
            diff(stdout, src->path, src->text, src->len, text, out.len);
            status = EXIT_INPUT;
        }
    } else if (is_stdin) {
        fwrite(text, 1, out.len, stdout);
    } else if (changed && !rewrite(path, text, out.len)) {
        fprintf(stderr, "signalsc: %s: cannot write: %s\n", path, strerror(errno));
        status = EXIT_INPUT;
    }
    return finish(ctx, c, status);
}

int cmd_fmt(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "fmt needs at least one FILE ('-' for standard input)");
    int status = EXIT_OK;
    size_t n;
    char **files = cli_expand_files(c, &n);
    for (size_t i = 0; i < n; i++) {
        int rc = fmt_one(c, files[i]);
        if (rc > status) status = rc;
    }
    cli_free_files(files, n);
    fflush(stdout);
    return status;
}
