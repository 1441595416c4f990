/* output.c: in-memory generated files and their atomic write
 * (include/signals/output.h; the sig_buf text buffers are in buf.c). */
#define _GNU_SOURCE /* syncfs(2), syscall(2), flock(2), st_atim */
#include "signals/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

static size_t slot_for(sig_output *out, const char *path)
{
    int found;
    size_t i = find_slot(out, path, &found);
    if (!found) {
        if (out->nfiles == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            out->files = sig_arena_grow(out->arena, out->files, out->cap * sizeof *out->files,
                                        cap * sizeof *out->files);
            out->cap = cap;
        }
        memmove(out->files + i + 1, out->files + i, (out->nfiles - i) * sizeof *out->files);
        out->nfiles++;
        out->files[i].path = sig_arena_strdup(out->arena, path);
    }
    return i;
}

void sig_output_add(sig_output *out, const char *path, const char *data, size_t len)
{
    size_t i = slot_for(out, path);
    out->files[i].data = sig_arena_strndup(out->arena, data, len);
    out->files[i].len = len;
}

void sig_output_add_buf(sig_output *out, const char *path, sig_buf *b)
{
    /* The buffer's storage is moved, not copied: generated files are most
     * of a compilation's memory. */
    size_t i = slot_for(out, path);
    bool own = b->arena == out->arena && b->data;
    out->files[i].data = own ? b->data : sig_arena_strndup(out->arena, sig_buf_str(b), b->len);
    out->files[i].len = b->len;
    *b = (sig_buf){.arena = b->arena};
}

const sig_output_file *sig_output_find(const sig_output *out, const char *path)
{
    int found;
    size_t i = find_slot(out, path, &found);
    return found ? &out->files[i] : NULL;
}

/* ---------------------------------------------------------- writing */

void sig_output_protect(sig_output *out, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return;
    if (out->ninputs == out->incap) {
        size_t cap = out->incap ? out->incap * 2 : 8;
        sig_output_input *in = SIG_NEW_ARRAY(out->arena, sig_output_input, cap);
        if (out->ninputs) memcpy(in, out->inputs, out->ninputs * sizeof *in);
        out->inputs = in;
        out->incap = cap;
    }
    out->inputs[out->ninputs].dev = st.st_dev;
    out->inputs[out->ninputs].ino = st.st_ino;
    out->ninputs++;
}

/* renameat2(2) through syscall(2): glibc only wraps it since 2.28, and the
 * kernel or the file system may not have it (ENOSYS, EINVAL). */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
static int rename2(const char *from, const char *to, unsigned flags)
{
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    (void)from, (void)to, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

static bool no_rename2(void) { return errno == ENOSYS || errno == EINVAL || errno == ENOTSUP; }

/* Moves `from` to `to` unless `to` exists (then EEXIST). */
static int rename_noreplace(const char *from, const char *to, bool is_dir)
{
    if (rename2(from, to, RENAME_NOREPLACE) == 0) return 0;
    if (!no_rename2()) return -1;
    if (is_dir) {
        struct stat st;
        if (lstat(to, &st) == 0) { errno = EEXIST; return -1; }
        return rename(from, to);
    }
    /* link(2) never replaces: the classic no-replace move. */
    if (link(from, to) != 0) return -1;
    return unlink(from);
}

/* Everything one sig_output_write() needs. */
typedef struct wr {
    const sig_output *out;
    sig_arena *a;
    const char **errmsg;
    const char *dest;           /* the user's path, trailing '/' removed */
    const char *dir, *base;     /* its parent directory and last component */
    int dirfd;                  /* the parent, open and flock()ed */
    bool new_parent;            /* the parent was created by this write */
    const char *stage;          /* the sibling staging directory or file */
    const char **old;           /* the previous output's manifest, sorted */
    size_t nold;
} wr;

static bool fail(const wr *w, const char *what, const char *path)
{
    if (!*w->errmsg)
        *w->errmsg = sig_arena_printf(w->a, "cannot %s `%s`: %s", what, path, strerror(errno));
    return false;
}

static bool refuse(const wr *w, const char *msg)
{
    if (!*w->errmsg) *w->errmsg = msg;
    return false;
}

static const char *join(const wr *w, const char *dir, const char *rel)
{
    return *rel ? sig_arena_printf(w->a, "%s/%s", dir, rel) : dir;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool in_list(const char **list, size_t n, const char *path)
{
    return n && bsearch(&path, list, n, sizeof *list, cmp_str) != NULL;
}

/* True when some path of the sorted `list` lies below directory `rel`
 * (paths sharing a prefix are contiguous in strcmp order). */
static bool has_below(const wr *w, const char **list, size_t n, const char *rel)
{
    const char *pre = sig_arena_printf(w->a, "%s/", rel);
    size_t lo = 0, hi = n, len = strlen(pre);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(list[mid], pre) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && strncmp(list[lo], pre, len) == 0;
}

/* Writes `len` bytes to a new file `path` (no fsync: see sync_tree()).
 * Errors name `shown`, the path the user will know. */
static bool write_file(const wr *w, const char *path, const char *shown, const char *data,
                       size_t len, bool do_fsync)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return fail(w, "create", shown);
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            errno = e;
            return fail(w, "write", shown);
        }
        off += (size_t)n;
    }
    if (fchmod(fd, 0644) != 0 || (do_fsync && fsync(fd) != 0)) {
        int e = errno;
        close(fd);
        errno = e;
        return fail(w, "write", shown);
    }
    if (close(fd) != 0) return fail(w, "write", shown);
    return true;
}

/* mkdir -p of the directories in `path` from byte `from` on. Errors name
 * `shown_root` followed by the rest of `path` after its first `root_len`
 * bytes (the user's path, not the staging one), or `path` when NULL. */
static bool make_dirs(const wr *w, char *path, size_t from, const char *shown_root, size_t root_len)
{
    for (char *p = path + from; *p; p++) {
        if (*p != '/' || p == path) continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            const char *s = shown_root ? sig_arena_printf(w->a, "%s%s", shown_root, path + root_len)
                                       : sig_arena_strdup(w->a, path);
            *p = '/';
            errno = e;
            return fail(w, "create directory", s);
        }
        *p = '/';
    }
    return true;
}

static bool path_is_safe(const char *p)
{
    if (!*p || *p == '/' || strchr(p, '\n')) return false;
    for (const char *s = p; *s;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.') || (n == 1 && s[0] == '.'))
            return false;
        s += n + (e ? 1 : 0);
    }
    return true;
}

/* Removes a tree that only this process wrote (the staging directory before
 * the swap). Returns false, with errno, when something could not be removed. */
static bool remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT;
    if (!S_ISDIR(st.st_mode)) return unlink(path) == 0 || errno == ENOENT;
    bool ok = true;
    DIR *d = opendir(path);
    if (!d) return false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) { ok = false; break; }
        snprintf(child, n, "%s/%s", path, e->d_name);
        int keep = errno;
        if (!remove_tree(child)) ok = false;
        else errno = keep;
        free(child);
    }
    closedir(d);
    return rmdir(path) == 0 && ok;
}

/* ------------------------------------------------------ the manifest */

static const char manifest_head[] =
    "# signalsc output manifest 1: the files signalsc generated in this directory.\n"
    "# A recompile replaces or removes exactly these files; everything else is kept.\n";

/* Reads the marker at `path`. Returns false when it cannot be read (errno);
 * *legacy is set for a marker written before manifests existed. */
static bool read_manifest(const wr *w, const char *path, const char ***list, size_t *n, bool *legacy)
{
    *list = NULL;
    *n = 0;
    *legacy = false;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    sig_buf b = {.arena = w->a};
    char chunk[8192];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return false;
        }
        if (got == 0) break;
        sig_buf_append(&b, chunk, (size_t)got);
    }
    close(fd);
    const char *text = sig_buf_str(&b);
    if (strncmp(text, manifest_head, 27) != 0) {
        *legacy = true;
        return true;
    }
    size_t cap = 16;
    const char **items = SIG_NEW_ARRAY(w->a, const char *, cap);
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *line = sig_arena_strndup(w->a, s, len);
        s += len + (e ? 1 : 0);
        if (line[0] == '#' || !path_is_safe(line)) continue; /* never trust a bad line */
        if (*n == cap) {
            const char **more = SIG_NEW_ARRAY(w->a, const char *, cap * 2);
            memcpy(more, items, cap * sizeof *items);
            items = more;
            cap *= 2;
        }
        items[(*n)++] = line;
    }
    qsort(items, *n, sizeof *items, cmp_str);
    *list = items;
    return true;
}

/* A marker without a manifest (signalsc before manifests): its generated
 * files are taken to be those of the current output that exist there as
 * regular files; everything else is kept as the user's. */
static void legacy_manifest(wr *w)
{
    w->old = SIG_NEW_ARRAY(w->a, const char *, w->out->nfiles + 1);
    w->nold = 0;
    for (size_t i = 0; i < w->out->nfiles; i++) {
        struct stat st;
        const char *p = w->out->files[i].path;
        if (lstat(join(w, w->dest, p), &st) == 0 && S_ISREG(st.st_mode)) w->old[w->nold++] = p;
    }
}

/* ------------------------------------------------- directory output */

/* Hard-links every entry of the existing output that is not in its
 * manifest (the user's files, dbt's target/ and logs/, the database) into
 * the staging tree at the same relative path, recreating directories. The
 * user's files are then in both trees, so they are in `dest` at every
 * instant of the swap. */
static bool keep_user_entries(const wr *w, const char *rel)
{
    const char *src = join(w, w->dest, rel);
    DIR *d = opendir(src);
    if (!d) return fail(w, "read directory", src);
    bool ok = true;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) ok = fail(w, "read directory", src);
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (!*rel && strcmp(e->d_name, SIG_OUTPUT_MARKER) == 0) continue;
        const char *r = *rel ? sig_arena_printf(w->a, "%s/%s", rel, e->d_name) : e->d_name;
        const char *from = join(w, w->dest, r), *to = join(w, w->stage, r);
        struct stat st, ts;
        if (lstat(from, &st) != 0) {
            if (errno == ENOENT) continue; /* removed meanwhile */
            ok = fail(w, "read", from);
            break;
        }
        if (S_ISREG(st.st_mode) && in_list(w->old, w->nold, r)) continue; /* generated */
        if (S_ISDIR(st.st_mode)) {
            bool made = mkdir(to, 0700) == 0;
            if (!made && errno != EEXIST) {
                ok = fail(w, "create directory", from);
                break;
            }
            if (!made && (lstat(to, &ts) != 0 || !S_ISDIR(ts.st_mode))) {
                ok = refuse(w, sig_arena_printf(w->a,
                         "`%s` was not generated by signalsc and the new output writes a "
                         "file there; move it away and compile again", from));
                break;
            }
            if (!keep_user_entries(w, r)) { ok = false; break; }
            if (made && has_below(w, w->old, w->nold, r) && rmdir(to) == 0) continue;
            if (made) {
                /* The user's directory as it was: mode and times. */
                struct timespec t[2] = {st.st_atim, st.st_mtim};
                if ((geteuid() == 0 && lchown(to, st.st_uid, st.st_gid) != 0) ||
                    chmod(to, st.st_mode & 07777) != 0 ||
                    utimensat(AT_FDCWD, to, t, AT_SYMLINK_NOFOLLOW) != 0) {
                    ok = fail(w, "keep the directory", from);
                    break;
                }
            }
            continue;
        }
        /* linkat(2) without AT_SYMLINK_FOLLOW links a symbolic link itself. */
        if (linkat(AT_FDCWD, from, AT_FDCWD, to, 0) != 0) {
            ok = errno == EEXIST
                     ? refuse(w, sig_arena_printf(w->a,
                           "`%s` was not generated by signalsc and the new output writes a "
                           "file there; move it away and compile again", from))
                     : fail(w, "keep (link(2) into the new output)", from);
            break;
        }
    }
    closedir(d);
    return ok;
}

/* Empties `tree` (a previous output after the swap, or a staging or set-aside
 * directory left by an interrupted run) without losing anything: an entry
 * that is also in `dest` (the same inode: a kept user file) or that the
 * tree's manifest lists is removed; anything else (made while signalsc ran)
 * is moved into `dest` when that path is free, and otherwise kept, which is
 * an error naming it. */
static bool sweep(const wr *w, const char *tree, const char **man, size_t nman, const char *rel)
{
    const char *here = join(w, tree, rel), *shown = join(w, w->dest, rel);
    const char *what = "remove the previous version of";
    DIR *d = opendir(here);
    if (!d) return fail(w, what, shown);
    bool ok = true;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) ok = fail(w, what, shown);
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        const char *r = *rel ? sig_arena_printf(w->a, "%s/%s", rel, e->d_name) : e->d_name;
        const char *tp = join(w, tree, r), *dp = join(w, w->dest, r);
        struct stat ts, ds;
        if (lstat(tp, &ts) != 0) {
            ok = fail(w, what, dp);
            continue;
        }
        if (S_ISDIR(ts.st_mode)) {
            if (!sweep(w, tree, man, nman, r)) ok = false;
            else if (rmdir(tp) != 0) ok = fail(w, what, dp);
            continue;
        }
        /* The marker goes last: until then, a run that dies here leaves a
         * tree that still says which files are generated. */
        if (!*rel && strcmp(e->d_name, SIG_OUTPUT_MARKER) == 0) continue;
        bool in_dest = lstat(dp, &ds) == 0;
        bool same = in_dest && ds.st_dev == ts.st_dev && ds.st_ino == ts.st_ino;
        if (same || (S_ISREG(ts.st_mode) && in_list(man, nman, r))) {
            if (unlink(tp) != 0) ok = fail(w, what, dp);
            continue;
        }
        if (!in_dest) {
            char *path = sig_arena_strdup(w->a, dp);
            if (make_dirs(w, path, strlen(w->dest) + 1, NULL, 0) &&
                rename_noreplace(tp, dp, false) == 0)
                continue;
        }
        /* Cannot put it back without replacing something: keep it, loudly. */
        ok = refuse(w, sig_arena_printf(w->a,
                 "`%s` was created while signalsc replaced `%s` and is kept at `%s`; move it "
                 "where it belongs", dp, w->dest, tp));
    }
    closedir(d);
    if (ok && !*rel && unlink(join(w, tree, SIG_OUTPUT_MARKER)) != 0 && errno != ENOENT)
        ok = fail(w, what, join(w, w->dest, SIG_OUTPUT_MARKER));
    return ok;
}

/* Flushes the staging tree to disk with one syncfs(2) (Linux: the whole file
 * system of `fd`, each file's data and the directories); elsewhere sync(2). */
static bool sync_tree(const wr *w, const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail(w, "write", w->dest);
#ifdef __linux__
    int rc = syncfs(fd);
#else
    sync();
    int rc = 0;
#endif
    int e = errno;
    close(fd);
    errno = e;
    return rc == 0 || fail(w, "write", w->dest);
}

static char *sibling(const wr *w, const char *kind)
{
    return sig_arena_printf(w->a, "%s/.%s.signalsc-%s.XXXXXX", w->dir, w->base, kind);
}

/* Removes what an interrupted run (crash, SIGKILL) left next to `dest`:
 * staging files or trees and a set-aside previous output, restoring the
 * latter when `dest` is missing (the rename(2) fallback's window). */
static bool recover(wr *w, bool dir_mode)
{
    DIR *d = opendir(w->dir);
    if (!d) return fail(w, "read the directory of", w->dest);
    const char *pre = sig_arena_printf(w->a, ".%s.signalsc-", w->base);
    size_t plen = strlen(pre);
    bool ok = true;
    const char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (strncmp(s, pre, plen) != 0) continue;
        s += plen;
        size_t k = strncmp(s, "stage.", 6) == 0 ? 6 : strncmp(s, "old.", 4) == 0 ? 4 : 0;
        if (!k || strlen(s + k) != 6) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            const char **more = SIG_NEW_ARRAY(w->a, const char *, cap);
            if (n) memcpy(more, names, n * sizeof *names);
            names = more;
        }
        names[n++] = sig_arena_printf(w->a, "%s/%s", w->dir, e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str); /* "old" before "stage" */
    for (size_t i = 0; i < n; i++) {
        struct stat st, ds;
        if (lstat(names[i], &st) != 0) continue;
        if (!S_ISDIR(st.st_mode)) {
            if (unlink(names[i]) != 0) ok = fail(w, "clean up after an interrupted write of", w->dest);
            continue;
        }
        if (!dir_mode) continue;
        bool is_old = strstr(names[i] + strlen(w->dir) + 1 + plen, "old.") != NULL;
        if (is_old && lstat(w->dest, &ds) != 0 && errno == ENOENT) {
            if (rename(names[i], w->dest) != 0) ok = fail(w, "restore", w->dest);
            continue;
        }
        const char **man, **dman;
        size_t nman, ndman;
        bool legacy, dlegacy;
        if (!read_manifest(w, sig_arena_printf(w->a, "%s/%s", names[i], SIG_OUTPUT_MARKER),
                           &man, &nman, &legacy) || legacy) {
            /* No manifest: what `dest` lists is all it can have generated. */
            if (read_manifest(w, sig_arena_printf(w->a, "%s/%s", w->dest, SIG_OUTPUT_MARKER),
                              &dman, &ndman, &dlegacy) && !dlegacy) {
                man = dman;
                nman = ndman;
            } else {
                man = NULL;
                nman = 0;
            }
        }
        if (!sweep(w, names[i], man, nman, "")) ok = false;
        else if (rmdir(names[i]) != 0) ok = fail(w, "clean up after an interrupted write of", w->dest);
    }
    return ok;
}

static bool write_dir(wr *w)
{
    const sig_output *out = w->out;
    struct stat st;
    bool exists = lstat(w->dest, &st) == 0;
    if (!exists && errno != ENOENT) return fail(w, "read", w->dest);
    if (exists && S_ISLNK(st.st_mode))
        return refuse(w, sig_arena_printf(w->a,
            "`%s` is a symbolic link; signalsc neither follows nor replaces one (give the "
            "directory it points to)", w->dest));
    if (exists) {
        bool legacy = false;
        const char *marker = join(w, w->dest, SIG_OUTPUT_MARKER);
        if (!S_ISDIR(st.st_mode))
            return refuse(w, sig_arena_printf(w->a,
                "`%s` exists and is not a signalsc output directory; refusing to replace it",
                w->dest));
        if (read_manifest(w, marker, &w->old, &w->nold, &legacy)) {
            if (legacy) legacy_manifest(w);
        } else if (errno != ENOENT) {
            return fail(w, "read", marker);
        } else {
            DIR *d = opendir(w->dest);
            if (!d) return fail(w, "read directory", w->dest);
            struct dirent *e;
            bool empty = true;
            while ((e = readdir(d)) != NULL)
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) empty = false;
            closedir(d);
            if (!empty)
                return refuse(w, sig_arena_printf(w->a,
                    "`%s` exists and is not a signalsc output directory (no %s); refusing to "
                    "replace it", w->dest, SIG_OUTPUT_MARKER));
        }
    }

    char *stage = sibling(w, "stage");
    if (!mkdtemp(stage)) return fail(w, "create a directory next to", w->dest);
    w->stage = stage;
    /* The manifest first: a staging tree left by a crash then always says
     * which of its files are generated (see recover()). */
    sig_buf m = {.arena = w->a};
    sig_buf_puts(&m, manifest_head);
    for (size_t i = 0; i < out->nfiles; i++) sig_buf_printf(&m, "%s\n", out->files[i].path);
    bool ok = write_file(w, join(w, stage, SIG_OUTPUT_MARKER), join(w, w->dest, SIG_OUTPUT_MARKER),
                         sig_buf_str(&m), m.len, false);
    size_t slen = strlen(stage);
    for (size_t i = 0; ok && i < out->nfiles; i++) {
        const sig_output_file *f = &out->files[i];
        char *full = sig_arena_printf(w->a, "%s/%s", stage, f->path);
        const char *shown = join(w, w->dest, f->path);
        ok = make_dirs(w, full, slen + 1, w->dest, slen) &&
             write_file(w, full, shown, f->data, f->len, false);
    }
    if (ok && exists) ok = keep_user_entries(w, "");
    if (ok && exists && geteuid() == 0 && lchown(stage, st.st_uid, st.st_gid) != 0)
        ok = fail(w, "create", w->dest);
    if (ok) ok = chmod(stage, exists ? st.st_mode & 07777 : 0755) == 0 || fail(w, "create", w->dest);
    if (ok) ok = sync_tree(w, stage);
    if (!ok) {
        int e = errno;
        remove_tree(stage);
        errno = e;
        return false;
    }

    /* The swap: one renameat2(RENAME_EXCHANGE), so `dest` is at every instant
     * the complete old or the complete new tree. */
    const char *previous = NULL;
    if (!exists) {
        if (rename_noreplace(stage, w->dest, true) != 0) {
            ok = fail(w, "create", w->dest);
            remove_tree(stage);
            return false;
        }
    } else if (rename2(stage, w->dest, RENAME_EXCHANGE) == 0) {
        previous = stage;
    } else if (no_rename2()) {
        /* Without an exchange: set the old tree aside, move the new one in.
         * Between the two renames `dest` is missing; recover() restores the
         * old tree if the process dies there. */
        char *aside = sibling(w, "old");
        if (!mkdtemp(aside) || rename(w->dest, aside) != 0) {
            ok = fail(w, "replace", w->dest);
            rmdir(aside);
            remove_tree(stage);
            return false;
        }
        if (rename(stage, w->dest) != 0) {
            ok = fail(w, "replace", w->dest);
            rename(aside, w->dest);
            remove_tree(stage);
            return false;
        }
        previous = aside;
    } else {
        ok = fail(w, "replace", w->dest);
        remove_tree(stage);
        return false;
    }
    if (fsync(w->dirfd) != 0) ok = fail(w, "write", w->dest);
    if (previous) {
        if (!sweep(w, previous, w->old, w->nold, "")) ok = false;
        else if (rmdir(previous) != 0) ok = fail(w, "remove the previous version of", w->dest);
        if (!ok && *w->errmsg)
            *w->errmsg = sig_arena_printf(w->a, "the new output is in `%s`, but removing the "
                                          "previous one failed: %s", w->dest, *w->errmsg);
    }
    return ok;
}

/* ------------------------------------------------------ one-file output */

/* True when the first line of `head` is a header signalsc writes: the
 * backends' "-- Generated by signalsc" and import's "# Imported from ... by
 * signalsc import.". */
static bool our_header(const char *head, size_t n)
{
    static const char gen[] = "-- Generated by signalsc ", imp[] = "# Imported from ",
                      imp_end[] = " by signalsc import.";
    if (n >= sizeof gen - 1 && memcmp(head, gen, sizeof gen - 1) == 0) return true;
    const char *nl = memchr(head, '\n', n);
    if (!nl || n < sizeof imp - 1 || memcmp(head, imp, sizeof imp - 1) != 0) return false;
    size_t line = (size_t)(nl - head), el = sizeof imp_end - 1;
    return line >= el && memcmp(nl - el, imp_end, el) == 0;
}

/* `-o -`: straight to file descriptor 1 with write(2), after whatever stdio
 * holds, so that an error is reported once, here, with its errno. */
static bool write_stdout(const wr *w)
{
    const sig_output_file *f = &w->out->files[0];
    bool ok = fflush(stdout) == 0;
    for (size_t off = 0; ok && off < f->len;) {
        ssize_t n = write(STDOUT_FILENO, f->data + off, f->len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ok = false;
        else off += (size_t)n;
    }
    if (!ok)
        *w->errmsg = sig_arena_printf(w->a, "cannot write standard output: %s", strerror(errno));
    return ok;
}

static bool write_single(wr *w)
{
    struct stat st;
    bool exists = lstat(w->dest, &st) == 0;
    if (!exists && errno != ENOENT) return fail(w, "read", w->dest);
    if (exists) {
        const char *what = S_ISLNK(st.st_mode)  ? "a symbolic link (signalsc neither follows nor replaces one)"
                           : S_ISDIR(st.st_mode) ? "a directory"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISFIFO(st.st_mode) ? "a FIFO"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                           : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
        if (what)
            return refuse(w, sig_arena_printf(w->a, "`%s` is %s; refusing to write the output there",
                                              w->dest, what));
        for (size_t i = 0; i < w->out->ninputs; i++)
            if (w->out->inputs[i].dev == st.st_dev && w->out->inputs[i].ino == st.st_ino)
                return refuse(w, sig_arena_printf(w->a,
                    "`%s` is an input of this compilation; refusing to overwrite it", w->dest));
        char head[512];
        ssize_t n = 0;
        int fd = open(w->dest, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat fs;
        if (fd < 0 || fstat(fd, &fs) != 0 || fs.st_ino != st.st_ino ||
            (n = read(fd, head, sizeof head)) < 0) {
            int e = errno;
            if (fd >= 0) close(fd);
            errno = e;
            return fail(w, "read", w->dest);
        }
        close(fd);
        if (n > 0 && !our_header(head, (size_t)n))
            return refuse(w, sig_arena_printf(w->a,
                "`%s` exists and was not written by signalsc; refusing to replace it", w->dest));
    }
    char *stage = sibling(w, "stage");
    int fd = mkstemp(stage);
    if (fd < 0) return fail(w, "create a file next to", w->dest);
    close(fd);
    unlink(stage);
    w->stage = stage;
    const sig_output_file *f = &w->out->files[0];
    if (!write_file(w, stage, w->dest, f->data, f->len, true)) {
        unlink(stage);
        return false;
    }
    bool ok = true;
    if (!exists) {
        if (rename_noreplace(stage, w->dest, false) != 0) ok = fail(w, "create", w->dest);
    } else if (rename2(stage, w->dest, RENAME_EXCHANGE) == 0) {
        /* Exchanged: make sure it was the file checked above. */
        struct stat now;
        if (lstat(stage, &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
            rename2(stage, w->dest, RENAME_EXCHANGE);
            ok = refuse(w, sig_arena_printf(w->a, "`%s` changed while signalsc wrote it; try again",
                                            w->dest));
        }
    } else if (!no_rename2() || rename(stage, w->dest) != 0) {
        ok = fail(w, "replace", w->dest);
    }
    if (unlink(stage) != 0 && errno != ENOENT && ok) ok = fail(w, "remove a temporary file next to", w->dest);
    /* fsync(2) of the parent makes the rename durable; directories that
     * mkdir -p just made need their own parents synced: one syncfs(2). */
#ifdef __linux__
    if (ok && (w->new_parent ? syncfs(w->dirfd) : fsync(w->dirfd)) != 0)
#else
    if (ok && (w->new_parent ? (sync(), 0) : fsync(w->dirfd)) != 0)
#endif
        ok = fail(w, "write", w->dest);
    return ok;
}

bool sig_output_write(const sig_output *out, const char *dest, const char **errmsg)
{
    wr w = {.out = out, .a = out->arena, .errmsg = errmsg, .dirfd = -1};
    *errmsg = NULL;
    for (size_t i = 0; i < out->nfiles; i++)
        if (!path_is_safe(out->files[i].path))
            return refuse(&w, sig_arena_printf(w.a, "internal error: unsafe output path `%s`",
                                               out->files[i].path));
    if (out->single_file && out->nfiles != 1)
        return refuse(&w, "internal error: single-file output without exactly one file");
    if (!dest || !*dest) return refuse(&w, "the output path is empty");
    if (strcmp(dest, "-") == 0) {
        if (out->single_file) return write_stdout(&w);
        return refuse(&w, "this backend writes a directory, which cannot go to standard output "
                          "(`-o -`); give a directory path");
    }
    /* "out/", "out//": the directory out (trailing slashes are allowed). */
    size_t len = strlen(dest);
    bool slash = false;
    while (len > 1 && dest[len - 1] == '/') len--, slash = true;
    char *d = sig_arena_strndup(w.a, dest, len);
    w.dest = d;
    if (strcmp(d, "/") == 0 || strcmp(d, ".") == 0 || strcmp(d, "..") == 0 ||
        (strlen(d) >= 2 && strcmp(d + strlen(d) - 2, "/.") == 0) ||
        (strlen(d) >= 3 && strcmp(d + strlen(d) - 3, "/..") == 0))
        return refuse(&w, sig_arena_printf(w.a, "`%s` cannot be replaced; give a directory below it "
                                           "(e.g. `%s%sproject`)", dest, dest, slash ? "" : "/"));
    if (out->single_file && slash)
        return refuse(&w, sig_arena_printf(w.a, "`%s` names a directory; this backend writes one "
                                           "file: give a file path", dest));
    char *last = strrchr(d, '/');
    w.dir = last ? (last == d ? "/" : sig_arena_strndup(w.a, d, (size_t)(last - d))) : ".";
    w.base = last ? last + 1 : d;
    /* mkdir -p of the parents. */
    char *parents = sig_arena_printf(w.a, "%s/", w.dir);
    struct stat pst;
    w.new_parent = lstat(w.dir, &pst) != 0;
    if (last && !make_dirs(&w, parents, 0, NULL, 0)) return false;
    w.dirfd = open(w.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w.dirfd < 0) return fail(&w, "open directory", w.dir);
    /* One signalsc at a time per output directory's parent (flock(2)), so
     * recover() never takes another run's staging tree for a crashed one. */
    bool ok;
    while ((ok = flock(w.dirfd, LOCK_EX) == 0) == false && errno == EINTR) {}
    if (!ok && errno != ENOLCK && errno != EOPNOTSUPP) ok = fail(&w, "lock directory", w.dir);
    else ok = recover(&w, !out->single_file);
    if (ok) ok = out->single_file ? write_single(&w) : write_dir(&w);
    close(w.dirfd);
    return ok;
}
