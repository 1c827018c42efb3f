// glibc's malloc tuning (mallopt), which the Swift Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif
