/* output.c: in-memory generated files and their atomic write
 * (include/signals/output.h). */
#include "signals/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* -------------------------------------------------------------- sig_buf */

static void buf_reserve(sig_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *data = sig_arena_alloc(b->arena, cap);
    if (b->len) memcpy(data, b->data, b->len);
    b->data = data;
    b->cap = cap;
}

void sig_buf_append(sig_buf *b, const char *s, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void sig_buf_puts(sig_buf *b, const char *s) { sig_buf_append(b, s, strlen(s)); }
void sig_buf_putc(sig_buf *b, char c)
{
    if (b->len + 2 <= b->cap) { /* the common case: room for c and the NUL */
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    sig_buf_append(b, &c, 1);
}

void sig_buf_vprintf(sig_buf *b, const char *fmt, va_list ap)
{
    /* Format straight into the spare capacity; only when it does not fit,
     * grow and format again (one pass in the common case). */
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    b->len += (size_t)n;
}

void sig_buf_printf(sig_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sig_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *sig_buf_str(sig_buf *b) { return b->data ? b->data : ""; }

/* ----------------------------------------------------------- sig_output */

void sig_output_init(sig_output *out, sig_arena *arena)
{
    memset(out, 0, sizeof *out);
    out->arena = arena;
}

static size_t find_slot(const sig_output *out, const char *path, int *found)
{
    size_t lo = 0, hi = out->nfiles;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(out->files[mid].path, path);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

void sig_output_add(sig_output *out, const char *path, const char *data, size_t len)
{
    int found;
    size_t i = find_slot(out, path, &found);
    if (!found) {
        if (out->nfiles == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            sig_output_file *files = SIG_NEW_ARRAY(out->arena, sig_output_file, cap);
            if (out->nfiles) memcpy(files, out->files, out->nfiles * sizeof *files);
            out->files = files;
            out->cap = cap;
        }
        memmove(out->files + i + 1, out->files + i, (out->nfiles - i) * sizeof *out->files);
        out->nfiles++;
        out->files[i].path = sig_arena_strdup(out->arena, path);
    }
    out->files[i].data = sig_arena_strndup(out->arena, data, len);
    out->files[i].len = len;
}

void sig_output_add_buf(sig_output *out, const char *path, sig_buf *b)
{
    sig_output_add(out, path, sig_buf_str(b), b->len);
}

const sig_output_file *sig_output_find(const sig_output *out, const char *path)
{
    int found;
    size_t i = find_slot(out, path, &found);
    return found ? &out->files[i] : NULL;
}

/* ---------------------------------------------------------- writing */

static bool fail(const sig_output *out, const char **errmsg, const char *what, const char *path)
{
    *errmsg = sig_arena_printf(out->arena, "cannot %s `%s`: %s", what, path, strerror(errno));
    return false;
}

static bool write_file(const sig_output *out, const char *path, const char *data, size_t len,
                       const char **errmsg)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail(out, errmsg, "create", path);
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            errno = e;
            return fail(out, errmsg, "write", path);
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) return fail(out, errmsg, "write", path);
    return true;
}

/* mkdir -p for the parent directories of `path` below `root`. */
static bool make_parents(const sig_output *out, char *path, size_t root_len, const char **errmsg)
{
    for (char *p = path + root_len + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            bool ok = fail(out, errmsg, "create directory", path);
            *p = '/';
            return ok;
        }
        *p = '/';
    }
    return true;
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                size_t n = strlen(path) + strlen(e->d_name) + 2;
                char *child = malloc(n);
                if (!child) break;
                snprintf(child, n, "%s/%s", path, e->d_name);
                remove_tree(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static bool path_is_safe(const char *p)
{
    if (!*p || *p == '/') return false;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.') || (n == 1 && s[0] == '.'))
            return false;
        s += n + (e ? 1 : 0);
    }
    return true;
}

/* True when `dir` is empty or holds the signalsc marker file. */
static bool replaceable_dir(const sig_output *out, const char *dir)
{
    struct stat st;
    if (lstat(sig_arena_printf(out->arena, "%s/%s", dir, SIG_OUTPUT_MARKER), &st) == 0)
        return true;
    DIR *d = opendir(dir);
    if (!d) return false;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) empty = false;
    closedir(d);
    return empty;
}

bool sig_output_write(const sig_output *out, const char *dest, const char **errmsg)
{
    char *tmp = sig_arena_printf(out->arena, "%s.tmp.XXXXXX", dest);
    if (out->single_file) {
        if (out->nfiles != 1) {
            *errmsg = "internal error: single-file output without exactly one file";
            return false;
        }
        int fd = mkstemp(tmp);
        if (fd < 0) return fail(out, errmsg, "create", tmp);
        close(fd);
        if (!write_file(out, tmp, out->files[0].data, out->files[0].len, errmsg) ||
            chmod(tmp, 0644) != 0 || rename(tmp, dest) != 0) {
            int e = errno;
            unlink(tmp);
            errno = e;
            return *errmsg ? false : fail(out, errmsg, "write", dest);
        }
        return true;
    }
    if (!mkdtemp(tmp)) return fail(out, errmsg, "create directory", tmp);
    chmod(tmp, 0755);
    size_t root_len = strlen(tmp);
    for (size_t i = 0; i < out->nfiles; i++) {
        const sig_output_file *f = &out->files[i];
        if (!path_is_safe(f->path)) {
            *errmsg = sig_arena_printf(out->arena, "internal error: unsafe output path `%s`", f->path);
            remove_tree(tmp);
            return false;
        }
        char *full = sig_arena_printf(out->arena, "%s/%s", tmp, f->path);
        if (!make_parents(out, full, root_len, errmsg) ||
            !write_file(out, full, f->data, f->len, errmsg)) {
            remove_tree(tmp);
            return false;
        }
    }
    /* The marker that lets a later compile replace this directory. */
    char *marker = sig_arena_printf(out->arena, "%s/%s", tmp, SIG_OUTPUT_MARKER);
    static const char marker_text[] =
        "This directory was generated by signalsc and is replaced on every compile.\n";
    if (!write_file(out, marker, marker_text, sizeof marker_text - 1, errmsg)) {
        remove_tree(tmp);
        return false;
    }
    /* Swap: move an existing dest aside, move the new tree in, drop the old.
     * Only an empty directory or an earlier signalsc output is replaced. */
    struct stat st;
    char *old = NULL;
    if (lstat(dest, &st) == 0) {
        if (!S_ISDIR(st.st_mode) || !replaceable_dir(out, dest)) {
            remove_tree(tmp);
            *errmsg = sig_arena_printf(out->arena,
                "`%s` exists and is not a signalsc output directory (no %s); "
                "refusing to replace it", dest, SIG_OUTPUT_MARKER);
            return false;
        }
        old = sig_arena_printf(out->arena, "%s.old.XXXXXX", dest);
        if (!mkdtemp(old)) {
            remove_tree(tmp);
            return fail(out, errmsg, "create directory", old);
        }
        rmdir(old);
        if (rename(dest, old) != 0) {
            int e = errno;
            remove_tree(tmp);
            errno = e;
            return fail(out, errmsg, "replace", dest);
        }
    }
    if (rename(tmp, dest) != 0) {
        int e = errno;
        if (old) rename(old, dest); /* put the previous output back */
        remove_tree(tmp);
        errno = e;
        return fail(out, errmsg, "create", dest);
    }
    if (old) remove_tree(old);
    return true;
}
