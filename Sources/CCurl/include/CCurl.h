#ifndef OPSCADENCE_CCURL_H
#define OPSCADENCE_CCURL_H

#include <curl/curl.h>
#include <sys/socket.h>

/*
 * libcurl, loaded with dlopen when the first delivery is made, not linked: linking it makes the
 * dynamic loader map and relocate libcurl and its thirty-odd dependencies (TLS, Kerberos, LDAP,
 * IDN...) at every start (docs/PERFORMANCE.md has the cost), and the idle `tick` that cron runs every minute needs none
 * of it. The headers come from libcurl4-openssl-dev; at run time the library is libcurl.so.4
 * (the libcurl4 package), whatever version is installed there.
 *
 * ccurl.c holds the one function table of the process, filled once (pthread_once) by
 * ccurl_load(). Call ccurl_load() first and report its error: every other function here needs
 * it to have succeeded, except the version and strerror functions, which load it themselves.
 *
 * Options newer than the oldest supported libcurl (7.66.0) have their own wrappers, which the
 * Swift side calls only when ccurl_version_number() says the running libcurl has them.
 */

/* Loads libcurl.so.4 if needed and binds its functions; NULL when it is usable, otherwise why not. */
const char *_Nullable ccurl_load(void);

/* The running libcurl's version (curl_version_info), read when it was loaded: 0x075801 for 7.88.1. */
unsigned int ccurl_version_number(void);
/* The same as libcurl reports it ("7.88.1"); "" before a successful load. */
const char *_Nonnull ccurl_version_string(void);

CURLcode ccurl_global_init_default(void);

CURL *_Nullable ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *_Nonnull handle);
const char *_Nonnull ccurl_easy_strerror(CURLcode code);

CURLM *_Nullable ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *_Nonnull multi);
CURLMcode ccurl_multi_add_handle(CURLM *_Nonnull multi, CURL *_Nonnull handle);
CURLMcode ccurl_multi_remove_handle(CURLM *_Nonnull multi, CURL *_Nonnull handle);
CURLMcode ccurl_multi_perform(CURLM *_Nonnull multi, int *_Nonnull running);
CURLMcode ccurl_multi_poll(CURLM *_Nonnull multi, struct curl_waitfd *_Nullable extra, unsigned int count, int timeout, int *_Nullable ready);
CURLMsg *_Nullable ccurl_multi_info_read(CURLM *_Nonnull multi, int *_Nonnull remaining);
const char *_Nonnull ccurl_multi_strerror(CURLMcode code);

struct curl_slist *_Nullable ccurl_slist_append(struct curl_slist *_Nullable list, const char *_Nonnull line);
void ccurl_slist_free_all(struct curl_slist *_Nullable list);

/*
 * Typed wrappers around libcurl's variadic calls (curl_easy_setopt, curl_easy_getinfo,
 * curl_multi_setopt), which Swift cannot call directly. One wrapper per argument kind, so the
 * C compiler checks what each option receives.
 */

CURLcode ccurl_easy_setopt_long(CURL *_Nonnull handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *_Nonnull handle, CURLoption option, curl_off_t value);
/* libcurl copies string options (except CURLOPT_POSTFIELDS, which is never set here). */
CURLcode ccurl_easy_setopt_string(CURL *_Nonnull handle, CURLoption option, const char *_Nullable value);
/* For CURLOPT_COPYPOSTFIELDS: libcurl copies CURLOPT_POSTFIELDSIZE(_LARGE) bytes, so set the size first. */
CURLcode ccurl_easy_setopt_bytes(CURL *_Nonnull handle, CURLoption option, const void *_Nullable value);
/* The caller keeps the list alive until the handle is cleaned up. */
CURLcode ccurl_easy_setopt_slist(CURL *_Nonnull handle, CURLoption option, struct curl_slist *_Nullable list);
/* For *DATA options and CURLOPT_ERRORBUFFER: the pointer must stay valid for the handle's life. */
CURLcode ccurl_easy_setopt_pointer(CURL *_Nonnull handle, CURLoption option, void *_Nullable value);
CURLcode ccurl_easy_setopt_write_function(CURL *_Nonnull handle, CURLoption option, curl_write_callback _Nullable callback);
CURLcode ccurl_easy_setopt_opensocket_function(CURL *_Nonnull handle, curl_opensocket_callback _Nullable callback);

/*
 * Only http and https, for the request and for any redirect: CURLOPT_PROTOCOLS_STR and
 * CURLOPT_REDIR_PROTOCOLS_STR "http,https" when `use_string_options` (libcurl 7.85 and later),
 * otherwise the CURLPROTO_HTTP | CURLPROTO_HTTPS bitmask of CURLOPT_PROTOCOLS and
 * CURLOPT_REDIR_PROTOCOLS, which the same libcurl versions deprecate but still honour.
 */
CURLcode ccurl_easy_allow_http_only(CURL *_Nonnull handle, int use_string_options);

/*
 * CURLOPT_PREREQFUNCTION and CURLOPT_PREREQDATA (libcurl 7.80 and later): called each time
 * libcurl is about to send the request. Spelled out here, with its result values, so the code
 * builds against older headers too.
 */
typedef int (*ccurl_prereq_callback)(
    void *_Nullable context, char *_Nullable primary_ip, char *_Nullable local_ip, int primary_port, int local_port);
#define CCURL_PREREQFUNC_OK 0
#define CCURL_PREREQFUNC_ABORT 1
CURLcode ccurl_easy_setopt_prereq(CURL *_Nonnull handle, ccurl_prereq_callback _Nullable callback, void *_Nullable context);

CURLcode ccurl_easy_getinfo_long(CURL *_Nonnull handle, CURLINFO info, long *_Nonnull value);
CURLcode ccurl_easy_getinfo_off_t(CURL *_Nonnull handle, CURLINFO info, curl_off_t *_Nonnull value);

CURLMcode ccurl_multi_setopt_long(CURLM *_Nonnull multi, CURLMoption option, long value);

/* CURLMsg keeps the transfer's result in a union; read it here rather than through Swift's view of the union. */
int ccurl_message_is_done(const CURLMsg *_Nonnull message);
CURLcode ccurl_message_result(const CURLMsg *_Nonnull message);

curl_socket_t ccurl_socket_bad(void);
int ccurl_error_size(void);

/*
 * The address libcurl is about to connect to, for the connect-time address policy. Copies the
 * 4 (IPv4) or 16 (IPv6) address bytes in network order into `out` and returns 4 or 16; returns 0
 * for any other family. `address->addr` is declared as a plain `struct sockaddr`, but libcurl
 * allocates room for the whole family-specific structure, so the IPv6 bytes are read by offset.
 */
int ccurl_sockaddr_ip(const struct curl_sockaddr *_Nonnull address, unsigned char *_Nonnull out);

/* What libcurl's own open-socket step does, plus close-on-exec so child processes never inherit it. */
curl_socket_t ccurl_open_socket(const struct curl_sockaddr *_Nonnull address);

#endif
