/* ast.c: tables of the syntax tree (src/ast.h). The parser itself is
 * grammar/signals.y (+ grammar/signals.l). */
#include "ast.h"

/* Settings are the keywords of src/keywords.def with role SET or DECL_SET. */
#define KW_SETTING_DECL(tok, text)
#define KW_SETTING_DECL_SET(tok, text) [SIG_SET_##tok] = text,
#define KW_SETTING_SET(tok, text) [SIG_SET_##tok] = text,
#define KW_SETTING_WORD(tok, text)
const char *const sig_setting_keywords[SIG_SET__COUNT] = {
#define SIG_KEYWORD(tok, text, role) KW_SETTING_##role(tok, text)
#include "keywords.def"
};
