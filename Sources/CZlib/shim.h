#ifndef CASCADE_CZLIB_SHIM_H
#define CASCADE_CZLIB_SHIM_H
#include <zlib.h>
#endif
