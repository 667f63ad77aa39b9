#ifndef OPSCADENCE_CCURL_SHIM_H
#define OPSCADENCE_CCURL_SHIM_H

#include <curl/curl.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

/*
 * libcurl is loaded with dlopen when the first delivery is made, not linked: linking it makes
 * the dynamic loader map and relocate libcurl and its thirty-odd dependencies (TLS, Kerberos,
 * LDAP, IDN...) at every start, about 8 ms, and the idle `tick` that cron runs every minute
 * needs none of it. The headers still come from libcurl4-openssl-dev; at run time the library
 * is libcurl.so.4 (the libcurl4 package).
 *
 * Every wrapper goes through ccurl_api(), which loads the library once per copy of this header's
 * statics (pthread_once): Swift code calls ccurl_load() first and reports its error.
 */

typedef struct {
    const char *_Nullable error;
    CURLcode (*_Nullable global_init)(long);
    CURL *_Nullable (*_Nullable easy_init)(void);
    void (*_Nullable easy_cleanup)(CURL *_Nonnull);
    CURLcode (*_Nullable easy_setopt)(CURL *_Nonnull, CURLoption, ...);
    CURLcode (*_Nullable easy_getinfo)(CURL *_Nonnull, CURLINFO, ...);
    const char *_Nonnull (*_Nullable easy_strerror)(CURLcode);
    CURLM *_Nullable (*_Nullable multi_init)(void);
    CURLMcode (*_Nullable multi_cleanup)(CURLM *_Nonnull);
    CURLMcode (*_Nullable multi_setopt)(CURLM *_Nonnull, CURLMoption, ...);
    CURLMcode (*_Nullable multi_add_handle)(CURLM *_Nonnull, CURL *_Nonnull);
    CURLMcode (*_Nullable multi_remove_handle)(CURLM *_Nonnull, CURL *_Nonnull);
    CURLMcode (*_Nullable multi_perform)(CURLM *_Nonnull, int *_Nonnull);
    CURLMcode (*_Nullable multi_poll)(CURLM *_Nonnull, struct curl_waitfd *_Nullable, unsigned int, int, int *_Nullable);
    CURLMsg *_Nullable (*_Nullable multi_info_read)(CURLM *_Nonnull, int *_Nonnull);
    const char *_Nonnull (*_Nullable multi_strerror)(CURLMcode);
    struct curl_slist *_Nullable (*_Nullable slist_append)(struct curl_slist *_Nullable, const char *_Nonnull);
    void (*_Nullable slist_free_all)(struct curl_slist *_Nullable);
} ccurl_functions;

/* Function-local statics: Swift emits the code of static inline functions, not file-level statics. */
static inline ccurl_functions *_Nonnull ccurl_table_storage(void) {
    static ccurl_functions table;
    return &table;
}

static inline pthread_once_t *_Nonnull ccurl_table_once(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    return &once;
}

static inline void ccurl_load_table(void) {
    ccurl_functions *table = ccurl_table_storage();
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        table->error = "cannot load libcurl (libcurl.so.4): install the libcurl4 package";
        return;
    }
    ccurl_functions t = {0};
#define CCURL_BIND(field, symbol) \
    if ((*(void **)&t.field = dlsym(library, symbol)) == NULL) { \
        table->error = "the libcurl found lacks " symbol " (libcurl 7.66 or later is needed)"; \
        return; \
    }
    CCURL_BIND(global_init, "curl_global_init")
    CCURL_BIND(easy_init, "curl_easy_init")
    CCURL_BIND(easy_cleanup, "curl_easy_cleanup")
    CCURL_BIND(easy_setopt, "curl_easy_setopt")
    CCURL_BIND(easy_getinfo, "curl_easy_getinfo")
    CCURL_BIND(easy_strerror, "curl_easy_strerror")
    CCURL_BIND(multi_init, "curl_multi_init")
    CCURL_BIND(multi_cleanup, "curl_multi_cleanup")
    CCURL_BIND(multi_setopt, "curl_multi_setopt")
    CCURL_BIND(multi_add_handle, "curl_multi_add_handle")
    CCURL_BIND(multi_remove_handle, "curl_multi_remove_handle")
    CCURL_BIND(multi_perform, "curl_multi_perform")
    CCURL_BIND(multi_poll, "curl_multi_poll")
    CCURL_BIND(multi_info_read, "curl_multi_info_read")
    CCURL_BIND(multi_strerror, "curl_multi_strerror")
    CCURL_BIND(slist_append, "curl_slist_append")
    CCURL_BIND(slist_free_all, "curl_slist_free_all")
#undef CCURL_BIND
    *table = t;
}

static inline const ccurl_functions *_Nonnull ccurl_api(void) {
    pthread_once(ccurl_table_once(), ccurl_load_table);
    return ccurl_table_storage();
}

/* Loads libcurl if needed; NULL when it is usable, otherwise why not. Call before anything else. */
static inline const char *_Nullable ccurl_load(void) {
    return ccurl_api()->error;
}

static inline CURL *_Nullable ccurl_easy_init(void) { return ccurl_api()->easy_init(); }
static inline void ccurl_easy_cleanup(CURL *_Nonnull handle) { ccurl_api()->easy_cleanup(handle); }
static inline const char *_Nonnull ccurl_easy_strerror(CURLcode code) {
    const ccurl_functions *api = ccurl_api();
    return api->easy_strerror != NULL ? api->easy_strerror(code) : "libcurl is not loaded";
}
static inline CURLM *_Nullable ccurl_multi_init(void) { return ccurl_api()->multi_init(); }
static inline CURLMcode ccurl_multi_cleanup(CURLM *_Nonnull multi) { return ccurl_api()->multi_cleanup(multi); }
static inline CURLMcode ccurl_multi_add_handle(CURLM *_Nonnull multi, CURL *_Nonnull handle) {
    return ccurl_api()->multi_add_handle(multi, handle);
}
static inline CURLMcode ccurl_multi_remove_handle(CURLM *_Nonnull multi, CURL *_Nonnull handle) {
    return ccurl_api()->multi_remove_handle(multi, handle);
}
static inline CURLMcode ccurl_multi_perform(CURLM *_Nonnull multi, int *_Nonnull running) {
    return ccurl_api()->multi_perform(multi, running);
}
static inline CURLMcode ccurl_multi_poll(
    CURLM *_Nonnull multi, struct curl_waitfd *_Nullable extra, unsigned int count, int timeout, int *_Nullable ready) {
    return ccurl_api()->multi_poll(multi, extra, count, timeout, ready);
}
static inline CURLMsg *_Nullable ccurl_multi_info_read(CURLM *_Nonnull multi, int *_Nonnull remaining) {
    return ccurl_api()->multi_info_read(multi, remaining);
}
static inline const char *_Nonnull ccurl_multi_strerror(CURLMcode code) {
    const ccurl_functions *api = ccurl_api();
    return api->multi_strerror != NULL ? api->multi_strerror(code) : "libcurl is not loaded";
}
static inline struct curl_slist *_Nullable ccurl_slist_append(struct curl_slist *_Nullable list, const char *_Nonnull line) {
    return ccurl_api()->slist_append(list, line);
}
static inline void ccurl_slist_free_all(struct curl_slist *_Nullable list) { ccurl_api()->slist_free_all(list); }

/*
 * Typed wrappers around libcurl's variadic calls (curl_easy_setopt, curl_easy_getinfo,
 * curl_multi_setopt), which Swift cannot call directly. One wrapper per argument kind, so the
 * C compiler checks what each option receives.
 */

static inline CURLcode ccurl_global_init_default(void) {
    return ccurl_api()->global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode ccurl_easy_setopt_long(CURL *_Nonnull handle, CURLoption option, long value) {
    return ccurl_api()->easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *_Nonnull handle, CURLoption option, curl_off_t value) {
    return ccurl_api()->easy_setopt(handle, option, value);
}

/* libcurl copies string options (except CURLOPT_POSTFIELDS, which this shim never sets). */
static inline CURLcode ccurl_easy_setopt_string(CURL *_Nonnull handle, CURLoption option, const char *_Nullable value) {
    return ccurl_api()->easy_setopt(handle, option, value);
}

/* For CURLOPT_COPYPOSTFIELDS: libcurl copies CURLOPT_POSTFIELDSIZE(_LARGE) bytes, so set the size first. */
static inline CURLcode ccurl_easy_setopt_bytes(CURL *_Nonnull handle, CURLoption option, const void *_Nullable value) {
    return ccurl_api()->easy_setopt(handle, option, value);
}

/* The caller keeps the list alive until the handle is cleaned up. */
static inline CURLcode ccurl_easy_setopt_slist(CURL *_Nonnull handle, CURLoption option, struct curl_slist *_Nullable list) {
    return ccurl_api()->easy_setopt(handle, option, list);
}

/* For *DATA options and CURLOPT_ERRORBUFFER: the pointer must stay valid for the handle's life. */
static inline CURLcode ccurl_easy_setopt_pointer(CURL *_Nonnull handle, CURLoption option, void *_Nullable value) {
    return ccurl_api()->easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_write_function(CURL *_Nonnull handle, CURLoption option, curl_write_callback _Nullable callback) {
    return ccurl_api()->easy_setopt(handle, option, callback);
}

static inline CURLcode ccurl_easy_setopt_opensocket_function(CURL *_Nonnull handle, curl_opensocket_callback _Nullable callback) {
    return ccurl_api()->easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_prereq_function(CURL *_Nonnull handle, curl_prereq_callback _Nullable callback) {
    return ccurl_api()->easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
}

static inline CURLcode ccurl_easy_getinfo_long(CURL *_Nonnull handle, CURLINFO info, long *_Nonnull value) {
    return ccurl_api()->easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *_Nonnull handle, CURLINFO info, curl_off_t *_Nonnull value) {
    return ccurl_api()->easy_getinfo(handle, info, value);
}

static inline CURLMcode ccurl_multi_setopt_long(CURLM *_Nonnull multi, CURLMoption option, long value) {
    return ccurl_api()->multi_setopt(multi, option, value);
}

/* CURLMsg keeps the transfer's result in a union; read it here rather than through Swift's view of the union. */
static inline int ccurl_message_is_done(const CURLMsg *_Nonnull message) {
    return message->msg == CURLMSG_DONE;
}

static inline CURLcode ccurl_message_result(const CURLMsg *_Nonnull message) {
    return message->data.result;
}

static inline curl_socket_t ccurl_socket_bad(void) {
    return CURL_SOCKET_BAD;
}

static inline int ccurl_error_size(void) {
    return CURL_ERROR_SIZE;
}

/*
 * The address libcurl is about to connect to, for the connect-time address policy. Copies the
 * 4 (IPv4) or 16 (IPv6) address bytes in network order into `out` and returns 4 or 16; returns 0
 * for any other family. `address->addr` is declared as a plain `struct sockaddr`, but libcurl
 * allocates room for the whole family-specific structure, so the IPv6 bytes are read by offset.
 */
static inline int ccurl_sockaddr_ip(const struct curl_sockaddr *_Nonnull address, unsigned char *_Nonnull out) {
    const unsigned char *base = (const unsigned char *)&address->addr;
    if (address->family == AF_INET) {
        memcpy(out, base + offsetof(struct sockaddr_in, sin_addr), 4);
        return 4;
    }
    if (address->family == AF_INET6) {
        memcpy(out, base + offsetof(struct sockaddr_in6, sin6_addr), 16);
        return 16;
    }
    return 0;
}

/* What libcurl's own open-socket step does, plus close-on-exec so child processes never inherit it. */
static inline curl_socket_t ccurl_open_socket(const struct curl_sockaddr *_Nonnull address) {
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

#endif
