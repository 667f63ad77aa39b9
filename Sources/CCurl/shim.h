#ifndef OPSCADENCE_CCURL_SHIM_H
#define OPSCADENCE_CCURL_SHIM_H

#include <curl/curl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Typed wrappers around libcurl's variadic calls (curl_easy_setopt, curl_easy_getinfo,
 * curl_multi_setopt), which Swift cannot call directly. One wrapper per argument kind, so the
 * C compiler checks what each option receives.
 */

static inline CURLcode ccurl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode ccurl_easy_setopt_long(CURL *_Nonnull handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *_Nonnull handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/* libcurl copies string options (except CURLOPT_POSTFIELDS, which this shim never sets). */
static inline CURLcode ccurl_easy_setopt_string(CURL *_Nonnull handle, CURLoption option, const char *_Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

/* For CURLOPT_COPYPOSTFIELDS: libcurl copies CURLOPT_POSTFIELDSIZE(_LARGE) bytes, so set the size first. */
static inline CURLcode ccurl_easy_setopt_bytes(CURL *_Nonnull handle, CURLoption option, const void *_Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

/* The caller keeps the list alive until the handle is cleaned up. */
static inline CURLcode ccurl_easy_setopt_slist(CURL *_Nonnull handle, CURLoption option, struct curl_slist *_Nullable list) {
    return curl_easy_setopt(handle, option, list);
}

/* For *DATA options and CURLOPT_ERRORBUFFER: the pointer must stay valid for the handle's life. */
static inline CURLcode ccurl_easy_setopt_pointer(CURL *_Nonnull handle, CURLoption option, void *_Nullable value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_write_function(CURL *_Nonnull handle, CURLoption option, curl_write_callback _Nullable callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode ccurl_easy_setopt_opensocket_function(CURL *_Nonnull handle, curl_opensocket_callback _Nullable callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

static inline CURLcode ccurl_easy_getinfo_long(CURL *_Nonnull handle, CURLINFO info, long *_Nonnull value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *_Nonnull handle, CURLINFO info, curl_off_t *_Nonnull value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode ccurl_multi_setopt_long(CURLM *_Nonnull multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
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
