#include <mysql.h>

/* mysql_options() takes a `const void *` whose pointee type depends on the option;
   this wrapper fixes the type for the one option Swift needs, so the call is checked. */
static inline int mysql_optionsv_timeout(MYSQL *mysql, const unsigned int *seconds) {
    return mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, seconds);
}
