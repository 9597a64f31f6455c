/* stub.c - placeholder until the scenario language lands: it loads nothing. */
#include <stdlib.h>
#include <string.h>
#include "scn/scn.h"

scn_result scn_parse(const char *filename, const char *buf, size_t len)
{
    scn_result r = {0};
    (void)buf; (void)len;
    r.errors = 1;
    r.messages = strdup(filename);
    return r;
}

scn_result scn_load(const char *name_or_path)
{
    return scn_parse(name_or_path, "", 0);
}

void scn_result_free(scn_result *res) { free(res->messages); res->messages = NULL; }
const char *scn_builtin_name(int i) { (void)i; return NULL; }
const char *scn_builtin_title(int i) { (void)i; return NULL; }
