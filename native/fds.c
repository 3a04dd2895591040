// See fds.h.
#define _GNU_SOURCE
#include "fds.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "napi_helpers.h"

napi_value halb_dup_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!hn_args(env, info, 1, argv) || !hn_int(env, argv[0], &fd) || fd < 0) return hn_throw_arg(env, "dupFd(fd)");
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) return hn_throw_errno(env, "dup", errno);
  return hn_int_value(env, d);
}

static napi_value limit_value(napi_env env, rlim_t v) {
  napi_value out;
  napi_create_double(env, v == RLIM_INFINITY ? -1.0 : (double)v, &out);
  return out;
}

napi_value halb_get_nofile(napi_env env, napi_callback_info info) {
  (void)info;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return hn_throw_errno(env, "getrlimit", errno);
  napi_value arr;
  napi_create_array_with_length(env, 2, &arr);
  napi_set_element(env, arr, 0, limit_value(env, rl.rlim_cur));
  napi_set_element(env, arr, 1, limit_value(env, rl.rlim_max));
  return arr;
}

napi_value halb_set_nofile(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double soft;
  if (!hn_args(env, info, 1, argv) || napi_get_value_double(env, argv[0], &soft) != napi_ok || soft < 0)
    return hn_throw_arg(env, "setNofile(soft)");
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return hn_throw_errno(env, "getrlimit", errno);
  rl.rlim_cur = (rlim_t)soft;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return hn_throw_errno(env, "setrlimit", errno);
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}
