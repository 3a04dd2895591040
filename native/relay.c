// tcp-mode relay inside Node's event loop (see relay.h for the JS interface).
//
// Why: in tcp mode every read through Node costs a C++ -> JS call, a Buffer, and a Writable's
// bookkeeping for the write on the other side; at request/response rates that was ~15% more CPU
// per request than HAProxy's loop of recv()/send() on readiness. Here both sockets are watched
// with uv_poll on the loop Node already runs (no thread, no locking) and a readable socket is
// drained with recv() into one buffer per thread and passed on with send() at once: the kernel
// has the bytes when the callback returns, so an idle relay holds no buffer at all. Only a send
// the destination could not take whole keeps the rest in a buffer of its own, and the source is
// not read again until that is flushed (backpressure). A FIN is passed on with shutdown(SHUT_WR)
// once everything before it was delivered (half-close); a relay ends when both directions have
// passed their FIN, or at the first error on either socket.
//
// Descriptors: relayStart() works on duplicates, so the caller closes its own (Node's socket
// handles) right after; libuv removes those from its epoll set when it closes them, and the
// duplicates keep the connections open. Inactivity timeouts stay in JavaScript (relayIdleMs).
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "napi_helpers.h"
#include "relay.h"

#define RELAY_BUF (64 * 1024)
#define RELAY_ROUNDS 8  // full reads per wakeup and direction, then other sockets get their turn

typedef struct relay relay_t;

typedef struct {
  unsigned char *pending;  // bytes read but not yet taken by the destination
  size_t off, len;
  int eof;   // the source sent its FIN
  int shut;  // ...and it was passed on
} dir_t;

typedef struct {
  uv_poll_t poll;
  relay_t *r;
  int fd;
  int events;  // what the poll handle currently waits for
} end_t;

struct relay {
  end_t end[2];  // 0 = client, 1 = server
  dir_t dir[2];  // dir[i]: from end[i] to end[1 - i]
  double id;
  double bytes[2];  // [0] from the client, [1] from the server
  uint64_t last_ms;
  int open_handles;  // uv handles not yet closed
  int js_alive;      // JS external not yet finalized
  int done;
  int parked;        // relayPark(): watch only, hand both sockets back at the first event
  relay_t *prev, *next;
};

// One Node environment per thread: the state lives per thread.
typedef struct {
  napi_env env;
  uv_loop_t *loop;
  napi_ref on_done;
  napi_async_context async;
  unsigned char *buf;
  relay_t *live;
  int count;
} relay_env_t;
static __thread relay_env_t T;

static void relay_maybe_free(relay_t *r) {
  if (r->open_handles || r->js_alive) return;
  for (int i = 0; i < 2; i++) free(r->dir[i].pending);
  free(r);
}

static void on_handle_closed(uv_handle_t *h) {
  relay_t *r = ((end_t *)h->data)->r;
  r->open_handles--;
  relay_maybe_free(r);
}

static void relay_unlink(relay_t *r) {
  if (r->prev) r->prev->next = r->next;
  else T.live = r->next;
  if (r->next) r->next->prev = r->prev;
  T.count--;
}

// onDone(id, a, b, code, errnoName|null) in JavaScript.
static void relay_notify(relay_t *r, double a, double b, int code, int err) {
  napi_env env = T.env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, result, argv[5];
  napi_get_reference_value(env, T.on_done, &cb);
  napi_get_global(env, &global);
  napi_create_double(env, r->id, &argv[0]);
  napi_create_double(env, a, &argv[1]);
  napi_create_double(env, b, &argv[2]);
  napi_create_int32(env, code, &argv[3]);
  if (err) {
    const char *name = strerrorname_np(err);
    napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &argv[4]);
  } else {
    napi_get_null(env, &argv[4]);
  }
  if (napi_make_callback(env, T.async, global, cb, 5, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

// Closes both sockets; the JS callback runs unless the caller asked for silence (abort).
static void relay_finish(relay_t *r, int code, int err, int notify) {
  if (r->done) return;
  r->done = 1;
  for (int i = 0; i < 2; i++) {
    uv_close((uv_handle_t *)&r->end[i].poll, on_handle_closed);  // removes the fd from epoll now
    close(r->end[i].fd);
  }
  relay_unlink(r);
  if (notify && T.on_done) relay_notify(r, r->bytes[0], r->bytes[1], code, err);
}

static void on_poll(uv_poll_t *h, int status, int events);

// A parked session saw its first event (bytes, FIN, reset on either side): stop watching and
// give both descriptors back to JavaScript, which wraps them in sockets again and carries on as
// if it had never let go (nothing was read here). onDone(id, clientFd, serverFd, 3, null).
static void relay_wake(relay_t *r) {
  r->done = 1;
  for (int i = 0; i < 2; i++) uv_close((uv_handle_t *)&r->end[i].poll, on_handle_closed);
  relay_unlink(r);
  if (T.on_done) relay_notify(r, r->end[0].fd, r->end[1].fd, 3, 0);
  else
    for (int i = 0; i < 2; i++) close(r->end[i].fd);
}

// Polls each socket for exactly what its two directions need now.
static void relay_update(relay_t *r) {
  for (int i = 0; i < 2; i++) {
    end_t *e = &r->end[i];
    const dir_t *from = &r->dir[i], *to = &r->dir[1 - i];
    int ev = 0;
    if (r->parked) ev = UV_READABLE | UV_DISCONNECT;
    else if (!from->eof && from->len == 0) ev |= UV_READABLE;
    if (to->len > 0) ev |= UV_WRITABLE;
    if (ev == e->events) continue;
    e->events = ev;
    if (ev) uv_poll_start(&e->poll, ev, on_poll);
    else uv_poll_stop(&e->poll);
  }
}

// Sends what dir i still holds. 0 = all delivered, 1 = the destination is full, -errno.
static int relay_flush(relay_t *r, int i) {
  dir_t *d = &r->dir[i];
  while (d->len) {
    ssize_t w = send(r->end[1 - i].fd, d->pending + d->off, d->len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR) continue;
      return (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : -errno;
    }
    d->off += (size_t)w;
    d->len -= (size_t)w;
  }
  free(d->pending);
  d->pending = NULL;
  d->off = 0;
  if (d->eof && !d->shut) {
    d->shut = 1;
    shutdown(r->end[1 - i].fd, SHUT_WR);  // a peer already gone shows up as an error on its next read
  }
  return 0;
}

// Reads end[i] and forwards to end[1 - i]. Returns 0, or the failing side (1 client, 2 server)
// with *err set.
static int relay_pump(relay_t *r, int i, int *err) {
  dir_t *d = &r->dir[i];
  int src = r->end[i].fd, dst = r->end[1 - i].fd;
  for (int round = 0; round < RELAY_ROUNDS && !d->eof && d->len == 0; round++) {
    ssize_t n = recv(src, T.buf, RELAY_BUF, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      *err = errno;
      return i + 1;
    }
    if (n == 0) {
      d->eof = 1;
      relay_flush(r, i);  // nothing pending here: passes the FIN on
      return 0;
    }
    r->bytes[i] += (double)n;
    r->last_ms = uv_now(T.loop);
    ssize_t w;
    do w = send(dst, T.buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (w < 0 && errno == EINTR);
    if (w < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        *err = errno;
        return 2 - i;
      }
      w = 0;
    }
    if (w < n) {
      d->pending = malloc((size_t)(n - w));
      if (!d->pending) {
        *err = ENOMEM;
        return i + 1;
      }
      memcpy(d->pending, T.buf + w, (size_t)(n - w));
      d->off = 0;
      d->len = (size_t)(n - w);
      return 0;
    }
    if (n < RELAY_BUF) return 0;  // a short read emptied the receive queue
  }
  return 0;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  end_t *e = (end_t *)h->data;
  relay_t *r = e->r;
  int i = (int)(e - r->end);
  if (r->done) return;
  if (r->parked) {
    relay_wake(r);  // errors included: JavaScript's sockets will report them
    return;
  }
  if (status < 0) {
    // libuv reports EPOLLERR as UV_EBADF (and stops the handle): the socket has the real error.
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr == 0) soerr = -status;
    relay_finish(r, i + 1, soerr, 1);
    return;
  }
  int err = 0, side = 0;
  if (events & UV_WRITABLE) {
    int rc = relay_flush(r, 1 - i);
    if (rc < 0) {
      err = -rc;
      side = i + 1;
    } else if (rc == 0) {
      r->last_ms = uv_now(T.loop);
    }
  }
  if (!side && (events & (UV_READABLE | UV_DISCONNECT))) side = relay_pump(r, i, &err);
  if (side) relay_finish(r, side, err, 1);
  else if (r->dir[0].shut && r->dir[1].shut) relay_finish(r, 0, 0, 1);
  else relay_update(r);
}

static void on_relay_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  relay_t *r = (relay_t *)data;
  r->js_alive = 0;
  relay_maybe_free(r);
}

// The environment is going away (process exit, worker end): close what still runs.
static void on_env_cleanup(void *arg) {
  (void)arg;
  while (T.live) relay_finish(T.live, 0, 0, 0);
  if (T.on_done) napi_delete_reference(T.env, T.on_done);
  napi_async_destroy(T.env, T.async);
  free(T.buf);
  memset(&T, 0, sizeof T);
}

static relay_t *arg_relay(napi_env env, napi_value v) {
  void *data;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (relay_t *)data;
}

napi_value halb_relay_init(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  napi_valuetype t;
  if (!hn_args(env, info, 1, argv) || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function)
    return hn_throw_arg(env, "relayInit(onDone)");
  if (!T.env) {
    uv_loop_t *loop;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) return hn_throw_arg(env, "no event loop");
    unsigned char *buf = malloc(RELAY_BUF);
    if (!buf) return hn_throw_errno(env, "malloc", ENOMEM);
    T.env = env;
    T.loop = loop;
    T.buf = buf;
    napi_value name;
    napi_create_string_utf8(env, "halb.relay", NAPI_AUTO_LENGTH, &name);
    napi_async_init(env, NULL, name, &T.async);
    napi_add_env_cleanup_hook(env, on_env_cleanup, NULL);
  }
  if (T.on_done) napi_delete_reference(env, T.on_done);
  napi_create_reference(env, argv[0], 1, &T.on_done);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value relay_start(napi_env env, napi_callback_info info, int parked) {
  napi_value argv[3];
  int32_t fds[2];
  double id;
  if (!hn_args(env, info, 3, argv) || !hn_int(env, argv[0], &fds[0]) || !hn_int(env, argv[1], &fds[1]) ||
      napi_get_value_double(env, argv[2], &id) != napi_ok || fds[0] < 0 || fds[1] < 0)
    return hn_throw_arg(env, parked ? "relayPark(clientFd, serverFd, id)" : "relayStart(clientFd, serverFd, id)");
  if (!T.env || T.env != env) return hn_throw_arg(env, "relayStart: relayInit(onDone) first, in this thread");
  relay_t *r = calloc(1, sizeof *r);
  if (!r) return hn_throw_errno(env, "calloc", ENOMEM);
  for (int i = 0; i < 2; i++) {
    int fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
    int rc = fd < 0 ? -errno : uv_poll_init(T.loop, &r->end[i].poll, fd);
    if (rc != 0) {
      if (fd >= 0) close(fd);
      for (int j = 0; j < i; j++) {
        r->open_handles++;
        uv_close((uv_handle_t *)&r->end[j].poll, on_handle_closed);  // frees r when done
        close(r->end[j].fd);
      }
      if (i == 0) free(r);
      return hn_throw_errno(env, fd < 0 ? "fcntl(F_DUPFD_CLOEXEC)" : "uv_poll_init", -rc);
    }
    r->end[i].r = r;
    r->end[i].fd = fd;
    r->end[i].poll.data = &r->end[i];
  }
  r->open_handles = 2;
  r->js_alive = 1;
  r->parked = parked;
  r->id = id;
  r->last_ms = uv_now(T.loop);
  r->next = T.live;
  if (T.live) T.live->prev = r;
  T.live = r;
  T.count++;
  relay_update(r);
  napi_value handle;
  napi_create_external(env, r, on_relay_finalize, NULL, &handle);
  return handle;
}

napi_value halb_relay_start(napi_env env, napi_callback_info info) {
  return relay_start(env, info, 0);
}

napi_value halb_relay_park(napi_env env, napi_callback_info info) {
  return relay_start(env, info, 1);
}

napi_value halb_relay_idle_ms(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  relay_t *r;
  if (!hn_args(env, info, 1, argv) || !(r = arg_relay(env, argv[0]))) return hn_throw_arg(env, "relayIdleMs(handle)");
  napi_create_double(env, r->done ? 0 : (double)(uv_now(T.loop) - r->last_ms), &out);
  return out;
}

napi_value halb_relay_abort(napi_env env, napi_callback_info info) {
  napi_value argv[1], out, v;
  relay_t *r;
  if (!hn_args(env, info, 1, argv) || !(r = arg_relay(env, argv[0]))) return hn_throw_arg(env, "relayAbort(handle)");
  relay_finish(r, 0, 0, 0);
  napi_create_array_with_length(env, 2, &out);
  for (uint32_t i = 0; i < 2; i++) {
    napi_create_double(env, r->bytes[i], &v);
    napi_set_element(env, out, i, v);
  }
  return out;
}

napi_value halb_relay_count(napi_env env, napi_callback_info info) {
  (void)info;
  return hn_int_value(env, T.count);
}

// sendNow(fd, bytes): one send() that does not wait: the number of bytes the kernel took (0 when
// the socket buffer is full) or -errno. For a Node socket with nothing queued in Node
// (src/proxy/direct-write.ts); errors are left for Node's own write to find and report.
napi_value halb_send_now(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  void *data;
  size_t len;
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok)
    return hn_throw_arg(env, "sendNow(fd, bytes)");
  ssize_t n;
  do n = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0) n = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
  return hn_int_value(env, (int32_t)n);
}
