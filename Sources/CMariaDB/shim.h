#include <mysql.h>

/* mysql_options() takes a `const void *` whose pointee type depends on the option;
   this wrapper fixes the type for the one option Swift needs, so the call is checked. */
static inline int mysql_optionsv_timeout(MYSQL *mysql, const unsigned int *seconds) {
    return mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, seconds);
}

/* The connection's character set, sent in the handshake (no `SET NAMES` round trip of its
   own), so that the client library escapes for the same character set the server reads. */
static inline int mysql_options_charset(MYSQL *mysql, const char *charset) {
    return mysql_options(mysql, MYSQL_SET_CHARSET_NAME, charset);
}
