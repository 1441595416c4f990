/* output.h: generated files, built in memory and written atomically.
 *
 * A backend never touches the file system: it adds files to a sig_output.
 * The driver writes the whole set with sig_output_write(), which either
 * leaves the complete new output in place or leaves the previous one
 * untouched, so a failed compile never leaves a partial project. */
#ifndef SIGNALS_OUTPUT_H
#define SIGNALS_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "signals/export.h"
#include "signals/arena.h"

/* A growable byte buffer in an arena. Zero-initialise with the arena set:
 * `sig_buf b = {.arena = a};`. `data` is always NUL-terminated once anything
 * was appended (NULL before). */
typedef struct sig_buf {
    sig_arena *arena;
    char *data;
    size_t len;
    size_t cap;
} sig_buf;

/* Append to `b` (growing it in its arena): `len` bytes of `s`, a
 * NUL-terminated string, one character, or printf-formatted text. */
SIG_API void sig_buf_append(sig_buf *b, const char *s, size_t len);
SIG_API void sig_buf_puts(sig_buf *b, const char *s);
SIG_API void sig_buf_putc(sig_buf *b, char c);
SIG_API void sig_buf_printf(sig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SIG_API void sig_buf_vprintf(sig_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* sig_buf_putc() is also a macro, as stdio's putc(3) is, so that appending
 * one character where the buffer has room costs no call (generated text is
 * escaped character by character); its arguments are evaluated once.
 * (sig_buf_putc)(b, c) calls the function. */
static inline void sig_buf_putc_inline(sig_buf *b, char c)
{
    if (b->len + 2 <= b->cap) { /* room for c and the NUL */
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    (sig_buf_putc)(b, c);
}
#define sig_buf_putc(b, c) sig_buf_putc_inline((b), (c))

/* The contents as a string ("" when empty). Owned by the arena. */
SIG_API const char *sig_buf_str(sig_buf *b);

typedef struct sig_output_file {
    const char *path;    /* relative, '/'-separated, no "..", no leading '/' */
    const char *data;
    size_t len;
} sig_output_file;

/* An input of the compilation, which a one-file output must never replace
 * (compared by device and inode, so any path to it counts). */
typedef struct sig_output_input {
    dev_t dev;
    ino_t ino;
} sig_output_input;

typedef struct sig_output {
    sig_arena *arena;
    sig_output_file *files;  /* kept sorted by path */
    size_t nfiles;
    size_t cap;
    /* true: the output is a single file (written to the -o path itself);
     * then exactly one file is added and its path is ignored. */
    bool single_file;
    sig_output_input *inputs;  /* see sig_output_protect() */
    size_t ninputs, incap;
} sig_output;

/* A new empty output using `arena`. */
SIG_API void sig_output_init(sig_output *out, sig_arena *arena);

/* Adds (or replaces) the file at relative `path` with `len` bytes of `data`
 * (both copied). */
SIG_API void sig_output_add(sig_output *out, const char *path, const char *data, size_t len);
/* The same with the contents of `b` (`path` copied). The buffer's storage
 * moves into the output without a copy when `b` uses the output's arena;
 * either way `b` is left empty (reusable, data NULL). */
SIG_API void sig_output_add_buf(sig_output *out, const char *path, sig_buf *b);

/* The file at `path`, or NULL. */
SIG_API const sig_output_file *sig_output_find(const sig_output *out, const char *path);

/* Records the file at `path` (stat(2), symbolic links followed, as the
 * file was read) as an input of the compilation: sig_output_write() then
 * refuses to write a one-file output over it. A path that cannot be
 * stat'ed is ignored (it cannot be the destination either). Copies nothing
 * of `path`; the record lives in the output's arena. */
SIG_API void sig_output_protect(sig_output *out, const char *path);

/* The marker file of a directory output: its manifest, the list of the
 * files signalsc generated there, one relative path a line after two
 * comment lines starting with "# signalsc output manifest 1". */
#define SIG_OUTPUT_MARKER ".signalsc-output"

/* Writes the output to `dest`, the path the user gave ("-o"); trailing
 * slashes are ignored, missing parent directories are created (mkdir -p).
 * Returns true on success. On failure returns false and sets *errmsg to a
 * message (in the output's arena) naming the user's path, never a temporary
 * name (except for a file that had to be left in one, see below), and the
 * strerror(3) text when a system call failed.
 *
 * Directory mode (single_file false). `dest` must be missing, an empty
 * directory, or a directory holding SIG_OUTPUT_MARKER (an earlier output);
 * anything else (a symbolic link included) is refused. Only the files the
 * previous marker lists are replaced or removed; every other entry (dbt's
 * target/ and logs/, the *.duckdb database, files and folders the user
 * added, also inside generated folders) is kept as it is, and a directory
 * that only held removed generated files is removed. A kept entry that sits
 * where the new output writes a file is an error. A marker without a
 * manifest (written by an older signalsc) counts as listing the files of
 * the new output that exist there as regular files: those are replaced,
 * everything else, stale generated files included, is kept.
 *   How: the new files and the marker are written into a sibling staging
 * directory `.NAME.signalsc-stage.XXXXXX`; every kept entry is hard-linked
 * into it at the same path (link(2); directories are recreated with their
 * mode, times and, as root, owner, not their extended attributes); one
 * syncfs(2) flushes it; renameat2(RENAME_EXCHANGE) swaps it with `dest`;
 * the parent directory is fsync'ed; the previous tree is emptied and
 * removed. Guarantee: whenever the process dies (crash, SIGKILL), `dest`
 * holds either the complete previous or the complete new generated files,
 * and every kept file is in `dest` at its path throughout (the same inode:
 * contents, hard links and open descriptors unaffected). The new tree is on
 * disk before the swap, so after a power loss, too, `dest` is one or the
 * other on a journaling file system. Where
 * the exchange is not supported (EINVAL, ENOSYS: some file systems),
 * `dest` is renamed aside to `.NAME.signalsc-old.XXXXXX` and the new tree
 * renamed in: between the two renames `dest` is missing. A run that dies
 * leaves those sibling names behind; the next write to `dest` first
 * restores a set-aside tree when `dest` is missing and empties the others
 * (removing what their manifest lists and what `dest` also holds, moving
 * anything else into `dest`). Concurrent writes to siblings of one parent
 * are serialised with flock(2) on the parent. A kept entry that cannot be
 * hard-linked (another file system mounted inside, or link(2) refused) is
 * an error and `dest` is left as it was. An entry created inside `dest`
 * while signalsc runs is moved into the new tree after the swap, or kept
 * in the previous one with an error naming it when the new tree already
 * has that path.
 *
 * One-file mode (single_file true). `-` writes the file to standard output
 * (with write(2), after flushing stdout; errors reported). Otherwise `dest` must be missing or a
 * regular file that signalsc wrote: empty, or whose first line is a
 * signalsc header ("-- Generated by signalsc ..." or "# Imported from ...
 * by signalsc import."), and not an input recorded with
 * sig_output_protect(). A symbolic link, directory, device, FIFO or socket
 * is refused and never opened for writing. The file is written to a
 * sibling `.NAME.signalsc-stage.XXXXXX`, fsync'ed, and exchanged with (or,
 * when missing, renamed without replacing onto) `dest`; the parent is
 * fsync'ed (one syncfs(2) instead when mkdir -p created it). Files are written with mode 0644, directories 0755.
 *
 * Either mode: on success nothing but `dest` is left. A failure before the
 * swap leaves `dest` unchanged and removes the staging name. A failure to
 * empty the previous tree after the swap is an error too (the message says
 * the new output is in place); the next write to `dest` finishes it. */
SIG_API bool sig_output_write(const sig_output *out, const char *dest, const char **errmsg);

#endif
