/* text.h: UTF-8 decoding, terminal-safe escaping and the one input reader
 * (internal to libsignals; sig_read_input() is public, in signals.h). */
#ifndef SIGNALS_TEXT_H
#define SIGNALS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "signals/arena.h"
#include "signals/output.h"

/* Decodes the UTF-8 sequence at the start of s[0..len) (len >= 1) into
 * *cp and returns its length (1 to 4). Returns 0, *cp untouched, when the
 * bytes are not a valid sequence: a stray continuation byte, a truncated
 * sequence, an overlong form, a surrogate or a value above U+10FFFF (the
 * rules of RFC 3629, section 3). NUL decodes as U+0000. */
size_t sig_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* The offset of the first byte of s[0..len) that starts no valid UTF-8
 * sequence, or of the first NUL; `len` when there is none. */
size_t sig_utf8_invalid_at(const char *s, size_t len);

/* Whether code point `cp` is shown escaped in text diagnostics: C0
 * controls (tab too), DEL, C1 controls, and the bidirectional controls and
 * separators that reorder or break what a terminal shows (U+061C, U+200E,
 * U+200F, U+2028, U+2029, U+202A..U+202E, U+2066..U+2069; see Unicode
 * UAX #9 and "Trojan Source", CVE-2021-42574). */
bool sig_cp_needs_escape(uint32_t cp);

/* Writes s[0..len) to `out` (when non-NULL) with what a terminal must not
 * receive raw escaped: C0 controls and DEL as `\xNN`, C1 and the
 * bidirectional controls as `\uNNNN`, each byte of invalid UTF-8 as `\xNN`.
 * A tab is written as is when `keep_tab`. Returns the number of terminal
 * columns written, counting one per code point (a tab counts as one). */
size_t sig_write_escaped(FILE *out, const char *s, size_t len, bool keep_tab);

/* An arena copy of the NUL-terminated `s` in which every byte that is not
 * part of valid UTF-8 is replaced by U+FFFD, for JSON output. Returns `s`
 * itself when it is valid UTF-8 already; NULL for NULL. */
const char *sig_utf8_repair(sig_arena *arena, const char *s);

#endif
