/* The deprecated CURLOPT_PROTOCOLS is the fallback for libcurl before 7.85. */
#define CURL_DISABLE_DEPRECATION 1

#include "CCurl.h"

#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Option numbers are part of libcurl's ABI; these let the file build against headers older than the option. */
#define CCURL_OPT_PROTOCOLS ((CURLoption)(CURLOPTTYPE_LONG + 181))
#define CCURL_OPT_REDIR_PROTOCOLS ((CURLoption)(CURLOPTTYPE_LONG + 182))
#define CCURL_OPT_PREREQFUNCTION ((CURLoption)(CURLOPTTYPE_FUNCTIONPOINT + 312))
#define CCURL_OPT_PREREQDATA ((CURLoption)(CURLOPTTYPE_OBJECTPOINT + 313))
#define CCURL_OPT_PROTOCOLS_STR ((CURLoption)(CURLOPTTYPE_STRINGPOINT + 318))
#define CCURL_OPT_REDIR_PROTOCOLS_STR ((CURLoption)(CURLOPTTYPE_STRINGPOINT + 319))

/* The one table for the whole process, filled once by load_table(). */
static struct {
    const char *error;
    unsigned int version_number;
    const char *version_string;
    curl_version_info_data *(*version_info)(CURLversion);
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    const char *(*multi_strerror)(CURLMcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api = {.version_string = ""};

static pthread_once_t api_once = PTHREAD_ONCE_INIT;
static char api_error[256];

static void load_table(void) {
    /* Only the versioned soname: an unversioned libcurl.so (from a -dev package, or anything put
     * on the path) may be a different ABI. */
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        api.error = "cannot load libcurl.so.4: install the libcurl4 package (libcurl 7.66.0 or later)";
        return;
    }
    /* Read the version first, so that a missing function can be reported with it. */
    if ((*(void **)&api.version_info = dlsym(library, "curl_version_info")) == NULL) {
        api.error = "the libcurl.so.4 found lacks curl_version_info: it is not a usable libcurl";
        return;
    }
    const curl_version_info_data *info = api.version_info(CURLVERSION_NOW);
    if (info == NULL) {
        api.error = "curl_version_info returned nothing: the libcurl.so.4 found is not usable";
        return;
    }
    api.version_number = info->version_num;
    api.version_string = info->version != NULL ? info->version : "";
#define CCURL_BIND(field, symbol)                                                                              \
    if ((*(void **)&api.field = dlsym(library, symbol)) == NULL) {                                             \
        snprintf(api_error, sizeof api_error, "libcurl %s (libcurl.so.4) lacks " symbol ": libcurl 7.66.0 or later is needed", \
            api.version_string);                                                                               \
        api.error = api_error;                                                                                 \
        return;                                                                                                \
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
}

const char *ccurl_load(void) {
    pthread_once(&api_once, load_table);
    return api.error;
}

unsigned int ccurl_version_number(void) {
    ccurl_load();
    return api.version_number;
}

const char *ccurl_version_string(void) {
    ccurl_load();
    return api.version_string;
}

CURLcode ccurl_global_init_default(void) { return api.global_init(CURL_GLOBAL_DEFAULT); }

CURL *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CURL *handle) { api.easy_cleanup(handle); }
const char *ccurl_easy_strerror(CURLcode code) {
    return ccurl_load() == NULL ? api.easy_strerror(code) : "libcurl is not loaded";
}

CURLM *ccurl_multi_init(void) { return api.multi_init(); }
CURLMcode ccurl_multi_cleanup(CURLM *multi) { return api.multi_cleanup(multi); }
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle) { return api.multi_add_handle(multi, handle); }
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle) { return api.multi_remove_handle(multi, handle); }
CURLMcode ccurl_multi_perform(CURLM *multi, int *running) { return api.multi_perform(multi, running); }
CURLMcode ccurl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout, int *ready) {
    return api.multi_poll(multi, extra, count, timeout, ready);
}
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *remaining) { return api.multi_info_read(multi, remaining); }
const char *ccurl_multi_strerror(CURLMcode code) {
    return ccurl_load() == NULL ? api.multi_strerror(code) : "libcurl is not loaded";
}

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line) { return api.slist_append(list, line); }
void ccurl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) { return api.easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) { return api.easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return api.easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_bytes(CURL *handle, CURLoption option, const void *value) { return api.easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) { return api.easy_setopt(handle, option, list); }
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) { return api.easy_setopt(handle, option, value); }
CURLcode ccurl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback) {
    return api.easy_setopt(handle, option, callback);
}
CURLcode ccurl_easy_setopt_opensocket_function(CURL *handle, curl_opensocket_callback callback) {
    return api.easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

CURLcode ccurl_easy_allow_http_only(CURL *handle, int use_string_options) {
    CURLcode code;
    if (use_string_options) {
        code = api.easy_setopt(handle, CCURL_OPT_PROTOCOLS_STR, "http,https");
        if (code == CURLE_OK) code = api.easy_setopt(handle, CCURL_OPT_REDIR_PROTOCOLS_STR, "http,https");
    } else {
        code = api.easy_setopt(handle, CCURL_OPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
        if (code == CURLE_OK) code = api.easy_setopt(handle, CCURL_OPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    return code;
}

CURLcode ccurl_easy_setopt_prereq(CURL *handle, ccurl_prereq_callback callback, void *context) {
    CURLcode code = api.easy_setopt(handle, CCURL_OPT_PREREQFUNCTION, callback);
    if (code == CURLE_OK) code = api.easy_setopt(handle, CCURL_OPT_PREREQDATA, context);
    return code;
}

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return api.easy_getinfo(handle, info, value); }
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) { return api.easy_getinfo(handle, info, value); }

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) { return api.multi_setopt(multi, option, value); }

int ccurl_message_is_done(const CURLMsg *message) { return message->msg == CURLMSG_DONE; }
CURLcode ccurl_message_result(const CURLMsg *message) { return message->data.result; }

curl_socket_t ccurl_socket_bad(void) { return CURL_SOCKET_BAD; }
int ccurl_error_size(void) { return CURL_ERROR_SIZE; }

int ccurl_sockaddr_ip(const struct curl_sockaddr *address, unsigned char *out) {
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

curl_socket_t ccurl_open_socket(const struct curl_sockaddr *address) {
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}
