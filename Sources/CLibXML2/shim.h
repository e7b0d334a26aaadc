#ifndef CASCADE_CLIBXML2_SHIM_H
#define CASCADE_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so <libxml/encoding.h> would pull the system ICU headers into this
   module. Foundation carries its own ICU (_FoundationICU) with a different `UErrorCode`, and a Swift
   module that sees both fails to build ("'UErrorCode' has different definitions in different modules")
   whenever one compile job happens to load the two. Cascade never uses libxml2's ICU converters, and the
   only declaration that changes is the tail of `struct _xmlCharEncodingHandler`, which Swift never
   allocates or reads (it only passes pointers to it), so the ICU part is left out here. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
