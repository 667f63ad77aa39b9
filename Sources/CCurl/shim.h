#ifndef OPSCADENCE_CCURL_SHIM_H
#define OPSCADENCE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
