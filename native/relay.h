// tcp-mode relay in the event loop (relay.c): once a tcp session is established and its first
// response byte has gone through, src/proxy/native-relay.ts hands both sockets here and the bytes
// flow between them without a call into JavaScript per read. Registered by halb_native.c's init().
#ifndef HALB_RELAY_H
#define HALB_RELAY_H

#include <node_api.h>

// relayInit(onDone): onDone(id, bytesIn, bytesOut, code, errnoName) for every relay that ends by
// itself; code 0 = both directions closed cleanly, 1 = client-side error, 2 = server-side error.
napi_value halb_relay_init(napi_env env, napi_callback_info info);
// relayStart(clientFd, serverFd, id): handle. Duplicates both descriptors (the caller then
// closes its own) and starts relaying.
napi_value halb_relay_start(napi_env env, napi_callback_info info);
// relayPark(clientFd, serverFd, id): handle. Like relayStart, but nothing is read: both sockets
// are only watched, and at the first event on either the relay ends with code 3 and hands the
// duplicated descriptors to JavaScript: onDone(id, clientFd, serverFd, 3, null). An idle session
// thus costs ~0.5 KB here instead of two Node sockets; relayAbort closes both as for a relay.
napi_value halb_relay_park(napi_env env, napi_callback_info info);
// relayIdleMs(handle): milliseconds since the last byte moved (either way).
napi_value halb_relay_idle_ms(napi_env env, napi_callback_info info);
// relayAbort(handle): closes both sockets at once; returns [bytesIn, bytesOut]; onDone is not called.
napi_value halb_relay_abort(napi_env env, napi_callback_info info);
// relayCount(): relays running in this thread, parked sessions included (for tests).
napi_value halb_relay_count(napi_env env, napi_callback_info info);
// sendNow(fd, bytes): bytes the kernel took at once (0 if none), or -errno.
napi_value halb_send_now(napi_env env, napi_callback_info info);

#endif
