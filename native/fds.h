// Descriptor plumbing for the data plane's overload handling (src/proxy/listen-gate.ts,
// src/proxy/fd-budget.ts). Registered by halb_native.c's init().
#ifndef HALB_FDS_H
#define HALB_FDS_H

#include <node_api.h>

// dupFd(fd): a close-on-exec duplicate. A paused listener keeps one so the kernel socket stays
// listening (its accept backlog intact) while Node's handle is closed.
napi_value halb_dup_fd(napi_env env, napi_callback_info info);
// getNofile(): [soft, hard] of RLIMIT_NOFILE (-1 for RLIM_INFINITY).
napi_value halb_get_nofile(napi_env env, napi_callback_info info);
// setNofile(soft): raises or lowers the soft RLIMIT_NOFILE (the hard limit is left as is).
napi_value halb_set_nofile(napi_env env, napi_callback_info info);

#endif
