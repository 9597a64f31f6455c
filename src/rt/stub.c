/* stub.c - placeholder until the runtime lands. */
#include "lanes.h"
int lanes_online_cpus(void) { return 1; }
