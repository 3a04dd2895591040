// One synchronous rtnetlink request: the message bytes come from TypeScript (src/vip/netlink-addr.ts,
// a pure codec with byte-level tests), this file only moves them. Why netlink instead of `ip addr
// add`: a process (or even a line to an `ip -batch` coprocess) costs a fork or a pipe round trip and
// two scheduler hops before the gratuitous ARP may leave; the kernel handles RTM_NEWADDR inside our
// sendmsg() call, so the ack is queued by the time we read it (keepalived adds its VIPs the same way).
//
// Errors: a failed syscall throws like the rest of the addon (`code` = errno name, `syscall`); a
// request the kernel refused throws with `syscall` = "rtnetlink" and the errno of its ack, plus the
// kernel's extended-ack text when it gave one (NETLINK_EXT_ACK, e.g. "Invalid prefix length").
#define _GNU_SOURCE
#include "takeover.h"
#include "napi_helpers.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_MAX_REQUEST 4096
#define NL_RECV_BUF 16384

static napi_value throw_nack(napi_env env, int err, const char *detail) {
  char code[32];
  const char *name = strerrorname_np(err);
  if (name) snprintf(code, sizeof code, "%s", name); else snprintf(code, sizeof code, "E%d", err);
  char msg[512];
  if (detail && *detail) snprintf(msg, sizeof msg, "rtnetlink: %s (%s): %s", strerror(err), code, detail);
  else snprintf(msg, sizeof msg, "rtnetlink: %s (%s)", strerror(err), code);
  napi_value jcode, jmsg, error, jerrno, jsys;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &jcode);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &jmsg);
  napi_create_error(env, jcode, jmsg, &error);
  napi_create_int32(env, -err, &jerrno);
  napi_create_string_utf8(env, "rtnetlink", NAPI_AUTO_LENGTH, &jsys);
  napi_set_named_property(env, error, "errno", jerrno);
  napi_set_named_property(env, error, "syscall", jsys);
  if (detail && *detail) {
    napi_value jdetail;
    napi_create_string_utf8(env, detail, NAPI_AUTO_LENGTH, &jdetail);
    napi_set_named_property(env, error, "detail", jdetail);
  }
  napi_throw(env, error);
  return NULL;
}

// The extended ack's NLMSGERR_ATTR_MSG, if any (attributes follow the capped original header).
static void ext_ack_msg(const struct nlmsghdr *h, char *out, size_t size) {
  out[0] = 0;
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return;
  size_t off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
    const struct nlmsgerr *e = (const struct nlmsgerr *)NLMSG_DATA(h);
    off = NLMSG_HDRLEN + sizeof(int) + NLMSG_ALIGN(e->msg.nlmsg_len);
  }
  while (off + NLA_HDRLEN <= h->nlmsg_len) {
    const struct nlattr *a = (const struct nlattr *)((const char *)h + off);
    if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len) return;
    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      size_t n = a->nla_len - NLA_HDRLEN;
      if (n >= size) n = size - 1;
      memcpy(out, (const char *)a + NLA_HDRLEN, n);
      out[n] = 0;
      return;
    }
    off += NLA_ALIGN(a->nla_len);
  }
}

napi_value halb_netlink_route_request(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  bool is_typed;
  void *data = NULL;
  size_t len = 0;
  napi_typedarray_type tt;
  napi_value ab;
  size_t off;
  if (!hn_args(env, info, 1, argv) || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &tt, &len, &data, &ab, &off) != napi_ok || tt != napi_uint8_array)
    return hn_throw_arg(env, "netlinkRouteRequest(msg: Uint8Array)");
  if (len < NLMSG_HDRLEN || len > NL_MAX_REQUEST) return hn_throw_arg(env, "netlinkRouteRequest: message length out of range");
  struct nlmsghdr req;
  memcpy(&req, data, sizeof req);
  if (req.nlmsg_len != len || !(req.nlmsg_flags & NLM_F_REQUEST) || !(req.nlmsg_flags & NLM_F_ACK))
    return hn_throw_arg(env, "netlinkRouteRequest: nlmsg_len must equal the byte length, flags must hold NLM_F_REQUEST|NLM_F_ACK");

  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return hn_throw_errno(env, "socket(AF_NETLINK)", errno);
  int one = 1;
  // Best effort: older kernels without extended acks still answer with a plain errno.
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  // The kernel answers within our own sendmsg(); the timeout only bounds a wedged rtnl lock.
  struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, data, len, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)len) {
    int e = errno;
    close(fd);
    return hn_throw_errno(env, "sendto(NETLINK_ROUTE)", e);
  }
  static __thread char buf[NL_RECV_BUF] __attribute__((aligned(4)));
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      int e = errno;
      if (e == EINTR) continue;
      close(fd);
      return hn_throw_errno(env, "recv(NETLINK_ROUTE)", e);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != req.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int))) continue;
      int err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
      char detail[256];
      ext_ack_msg(h, detail, sizeof detail);
      close(fd);
      if (err == 0) {
        napi_value u;
        napi_get_undefined(env, &u);
        return u;
      }
      return throw_nack(env, -err, detail);
    }
  }
}
