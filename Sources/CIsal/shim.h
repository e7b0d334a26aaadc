#ifndef CASCADE_CISAL_SHIM_H
#define CASCADE_CISAL_SHIM_H
// Intel ISA-L's inflate (Debian libisal-dev): isal_inflate streams gzip members.
#include <isa-l/igzip_lib.h>
#endif
