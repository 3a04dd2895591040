// Small N-API helpers shared by halb_native.c and the takeover-path files (netlink.c,
// packet_socket.c). Errors have one shape:
// JS Error with `code` = errno name, negative `errno`, `syscall`; bad arguments are TypeErrors
// with code ERR_INVALID_ARG.
#ifndef HALB_NAPI_HELPERS_H
#define HALB_NAPI_HELPERS_H

#include <node_api.h>
#include <stdio.h>
#include <string.h>

static inline napi_value hn_throw_errno(napi_env env, const char *syscall, int err) {
  char code[32];
  const char *name = strerrorname_np(err);  // glibc >= 2.32
  if (name) snprintf(code, sizeof code, "%s", name); else snprintf(code, sizeof code, "E%d", err);
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s (%s)", syscall, strerror(err), code);
  napi_value jcode, jmsg, error, jerrno, jsys;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &jcode);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &jmsg);
  napi_create_error(env, jcode, jmsg, &error);
  napi_create_int32(env, -err, &jerrno);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &jsys);
  napi_set_named_property(env, error, "errno", jerrno);
  napi_set_named_property(env, error, "syscall", jsys);
  napi_throw(env, error);
  return NULL;
}

static inline napi_value hn_throw_arg(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG", msg);
  return NULL;
}

static inline int hn_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  napi_value undef;
  napi_get_undefined(env, &undef);
  for (size_t i = argc; i < n; i++) argv[i] = undef;
  return 1;
}

static inline int hn_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

// Copies a JS string into buf (NUL terminated); fails rather than truncating.
static inline int hn_str(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len >= size) return 0;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok;
}

static inline napi_value hn_int_value(napi_env env, int32_t n) {
  napi_value v;
  napi_create_int32(env, n, &v);
  return v;
}

#endif
