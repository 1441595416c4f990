/* keywords.c: the reserved words as public data, for editors and language
 * servers (completion) that see only the public headers. */
#include "signals/signals.h"

const char *const sig_keywords[] = {
#define SIG_KEYWORD(tok, text, role) text,
#include "keywords.def"
    NULL,
};
