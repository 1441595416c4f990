/* text.c: UTF-8, escaping for terminals, and reading inputs safely
 * (src/text.h; sig_read_input() in include/signals/signals.h). */
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signals/signals.h"

size_t sig_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t min, v;
    if (c < 0x80) { *cp = c; return 1; }
    if ((c & 0xE0) == 0xC0) { n = 1; min = 0x80; v = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; min = 0x800; v = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; min = 0x10000; v = c & 0x07; }
    else return 0;
    if (len <= n) return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n + 1;
}

size_t sig_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Eight ASCII bytes, none NUL, at a time: sources are mostly ASCII. */
        uint64_t w;
        while (len - i >= 8) {
            memcpy(&w, u + i, 8);
            if ((w & 0x8080808080808080ull) ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= len) break;
        uint32_t cp;
        size_t n = sig_utf8_decode(u + i, len - i, &cp);
        if (n == 0 || cp == 0) return i;
        i += n;
    }
    return len;
}

bool sig_cp_needs_escape(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

size_t sig_write_escaped(FILE *out, const char *s, size_t len, bool keep_tab)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t cols = 0, i = 0;
    char esc[16];
    while (i < len) {
        uint32_t cp = 0;
        size_t n = sig_utf8_decode(u + i, len - i, &cp);
        int w;
        if (n == 0) {
            w = snprintf(esc, sizeof esc, "\\x%02x", u[i]);
            n = 1;
        } else if (cp == '\t' && keep_tab) {
            w = 0;
        } else if (cp < 0x80 && sig_cp_needs_escape(cp)) {
            w = snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
        } else if (sig_cp_needs_escape(cp)) {
            w = snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
        } else {
            w = 0;
        }
        if (w > 0) {
            if (out) fputs(esc, out);
            cols += (size_t)w;
        } else {
            if (out) fwrite(s + i, 1, n, out);
            cols++;
        }
        i += n;
    }
    return cols;
}

const char *sig_utf8_repair(sig_arena *arena, const char *s)
{
    if (!s) return NULL;
    size_t len = strlen(s);
    if (sig_utf8_invalid_at(s, len) == len) return s;
    sig_buf b = {.arena = arena};
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = sig_utf8_decode(u + i, len - i, &cp);
        if (n == 0) {
            sig_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
            i++;
        } else {
            sig_buf_append(&b, s + i, n);
            i += n;
        }
    }
    return sig_buf_str(&b);
}

/* ------------------------------------------------------------- input */

static const char *not_regular(mode_t mode)
{
    if (S_ISDIR(mode)) return "it is a directory, not a regular file";
    if (S_ISFIFO(mode)) return "it is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode)) return "it is a character device, not a regular file";
    if (S_ISBLK(mode)) return "it is a block device, not a regular file";
    if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
    return "it is not a regular file";
}

static const char too_large[] = "it is larger than 64 MiB, the limit for an input";

char *sig_read_input(const char *path, size_t *len_out, const char **reason)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = 0;
    struct stat st;
    *reason = NULL;
    if (!is_stdin) {
        /* stat() first so that no device or FIFO is even opened; the
         * fstat() after open() catches a file swapped in between. Opening
         * a FIFO without O_NONBLOCK would wait for a writer. */
        if (stat(path, &st) != 0) { *reason = strerror(errno); return NULL; }
        if (!S_ISREG(st.st_mode)) { *reason = not_regular(st.st_mode); return NULL; }
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) { *reason = strerror(errno); return NULL; }
        if (fstat(fd, &st) != 0) {
            *reason = strerror(errno);
            close(fd);
            return NULL;
        }
        if (!S_ISREG(st.st_mode)) {
            *reason = not_regular(st.st_mode);
            close(fd);
            return NULL;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl != -1) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        if ((uintmax_t)st.st_size > SIG_MAX_INPUT_BYTES) {
            *reason = too_large;
            close(fd);
            return NULL;
        }
    }
    size_t cap = 4096, len = 0;
    if (!is_stdin && (size_t)st.st_size + 2 > cap) cap = (size_t)st.st_size + 2; /* EOF in one read */
    char *buf = malloc(cap);
    int e = 0;
    while (buf) {
        if (len + 1 >= cap) {
            size_t ncap = cap * 2;
            if (ncap > SIG_MAX_INPUT_BYTES + 2) ncap = SIG_MAX_INPUT_BYTES + 2;
            char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) { e = ENOMEM; break; }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            e = errno;
            break;
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len > SIG_MAX_INPUT_BYTES) { /* a growing file, or standard input */
            *reason = too_large;
            break;
        }
    }
    if (!buf) e = ENOMEM;
    if (!is_stdin) close(fd);
    if (e || *reason) {
        free(buf);
        if (!*reason) *reason = strerror(e);
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}
