// halb_native: the few Linux socket calls Node cannot make itself, for VRRP.
//
//  - raw IP sockets (IPv4/IPv6, protocol 112): VRRP is neither TCP nor UDP, and Node's dgram
//    cannot set IP_PKTINFO / IPV6_RECVHOPLIMIT, which we need to see the TTL / hop limit
//    (RFC 5798 §5.1.1.3 / §5.1.2.3: drop anything not received with 255) and the destination.
//  - readiness through libuv (uv_poll on the loop Node gives us), so receives are event
//    driven on the JS thread: no threads, no polling loops.
//  - gratuitous ARP on an AF_PACKET socket and unsolicited neighbour advertisements on a
//    raw ICMPv6 socket, sent when we become master so neighbours update their caches.
//
// Everything works on plain file descriptors; the TypeScript side (src/native/addon.ts) owns
// their lifecycle. Failures come back as JS errors carrying `code` (errno name, e.g. "EPERM"),
// `errno` (negative, like Node's own errors) and `syscall`; nothing here aborts the process.
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "napi_helpers.h"
#include "takeover.h"
#include "relay.h"
#include "fds.h"

#define RECV_BUF 65536  // largest IP datagram; VRRP fits in far less, truncation is reported

// ---------------------------------------------------------------- argument helpers
// (errors, argument fetching, ints and strings: napi_helpers.h, shared with the takeover files)

static int arg_present(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t != napi_undefined && t != napi_null;
}

static int arg_bool(napi_env env, napi_value v, bool *out) {
  return napi_get_value_bool(env, v, out) == napi_ok;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static int socket_family(int fd, int *family) {
  socklen_t len = sizeof *family;
  return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, family, &len);
}

// Parses an address of the socket's family into a sockaddr (port 0; scope id for link-local v6).
static int fill_sockaddr(int family, const char *text, int ifindex, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    if (inet_pton(AF_INET, text, &sin->sin_addr) != 1) return 0;
    *len = sizeof *sin;
  } else {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, text, &sin6->sin6_addr) != 1) return 0;
    // Link-local and link-scope multicast destinations are ambiguous without an interface.
    if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr))
      sin6->sin6_scope_id = (uint32_t)ifindex;
    *len = sizeof *sin6;
  }
  return 1;
}

static int set_int_opt(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

// ---------------------------------------------------------------- raw IP sockets

// openRaw(family: 4|6, protocol: number): fd
// Non-blocking and close-on-exec; asks the kernel for destination/ifindex (and for IPv6 the
// hop limit) as ancillary data on every receive.
static napi_value open_raw(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fam, proto;
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fam) || !hn_int(env, argv[1], &proto) ||
      (fam != 4 && fam != 6) || proto < 0 || proto > 255)
    return hn_throw_arg(env, "openRaw(family: 4|6, protocol: 0..255)");
  int domain = fam == 4 ? AF_INET : AF_INET6;
  int fd = socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return hn_throw_errno(env, "socket", errno);
  int rc = fam == 4 ? set_int_opt(fd, IPPROTO_IP, IP_PKTINFO, 1)
                    : (set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) ||
                       set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1));
  if (rc != 0) {
    int e = errno;
    close(fd);
    return hn_throw_errno(env, "setsockopt(PKTINFO)", e);
  }
  return hn_int_value(env, fd);
}

// bindToDevice(fd, ifname): receive only what arrives on, and send only out of, this interface.
static napi_value bind_to_device(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  char ifname[IFNAMSIZ];
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fd) || !hn_str(env, argv[1], ifname, sizeof ifname))
    return hn_throw_arg(env, "bindToDevice(fd, ifname)");
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) != 0)
    return hn_throw_errno(env, "setsockopt(SO_BINDTODEVICE)", errno);
  return undefined(env);
}

// joinMulticast / leaveMulticast(fd, group, ifindex)
static napi_value membership(napi_env env, napi_callback_info info, int join) {
  napi_value argv[3];
  int32_t fd, ifindex, family;
  char group[INET6_ADDRSTRLEN];
  if (!hn_args(env, info, 3, argv) || !hn_int(env, argv[0], &fd) || !hn_str(env, argv[1], group, sizeof group) ||
      !hn_int(env, argv[2], &ifindex))
    return hn_throw_arg(env, "joinMulticast(fd, group, ifindex)");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);
  if (family == AF_INET) {
    struct ip_mreqn mr;  // ip_mreqn selects the interface by index, not by address
    memset(&mr, 0, sizeof mr);
    if (inet_pton(AF_INET, group, &mr.imr_multiaddr) != 1) return hn_throw_arg(env, "bad IPv4 group");
    mr.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mr, sizeof mr) != 0)
      return hn_throw_errno(env, join ? "setsockopt(IP_ADD_MEMBERSHIP)" : "setsockopt(IP_DROP_MEMBERSHIP)", errno);
  } else {
    struct ipv6_mreq mr;
    memset(&mr, 0, sizeof mr);
    if (inet_pton(AF_INET6, group, &mr.ipv6mr_multiaddr) != 1) return hn_throw_arg(env, "bad IPv6 group");
    mr.ipv6mr_interface = (unsigned)ifindex;
    if (setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &mr, sizeof mr) != 0)
      return hn_throw_errno(env, join ? "setsockopt(IPV6_ADD_MEMBERSHIP)" : "setsockopt(IPV6_DROP_MEMBERSHIP)", errno);
  }
  return undefined(env);
}
static napi_value join_multicast(napi_env env, napi_callback_info info) { return membership(env, info, 1); }
static napi_value leave_multicast(napi_env env, napi_callback_info info) { return membership(env, info, 0); }

// setMulticastInterface(fd, ifindex, srcAddr?): outgoing interface for multicast; for IPv4 the
// optional address also becomes the source of multicast sends.
static napi_value set_multicast_if(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, ifindex, family;
  if (!hn_args(env, info, 3, argv) || !hn_int(env, argv[0], &fd) || !hn_int(env, argv[1], &ifindex))
    return hn_throw_arg(env, "setMulticastInterface(fd, ifindex, srcAddr?)");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);
  if (family == AF_INET) {
    struct ip_mreqn mr;
    memset(&mr, 0, sizeof mr);
    mr.imr_ifindex = ifindex;
    if (arg_present(env, argv[2])) {
      char src[INET_ADDRSTRLEN];
      if (!hn_str(env, argv[2], src, sizeof src) || inet_pton(AF_INET, src, &mr.imr_address) != 1)
        return hn_throw_arg(env, "bad IPv4 source address");
    }
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) != 0)
      return hn_throw_errno(env, "setsockopt(IP_MULTICAST_IF)", errno);
  } else {
    if (set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) != 0)
      return hn_throw_errno(env, "setsockopt(IPV6_MULTICAST_IF)", errno);
  }
  return undefined(env);
}

// setTtl(fd, ttl): unicast and multicast TTL / hop limit (VRRP always sends 255).
static napi_value set_ttl(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, ttl, family;
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fd) || !hn_int(env, argv[1], &ttl) || ttl < 1 || ttl > 255)
    return hn_throw_arg(env, "setTtl(fd, ttl: 1..255)");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);
  if (family == AF_INET) {
    if (set_int_opt(fd, IPPROTO_IP, IP_TTL, ttl) != 0) return hn_throw_errno(env, "setsockopt(IP_TTL)", errno);
    unsigned char mttl = (unsigned char)ttl;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof mttl) != 0)
      return hn_throw_errno(env, "setsockopt(IP_MULTICAST_TTL)", errno);
  } else {
    if (set_int_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl) != 0)
      return hn_throw_errno(env, "setsockopt(IPV6_UNICAST_HOPS)", errno);
    if (set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl) != 0)
      return hn_throw_errno(env, "setsockopt(IPV6_MULTICAST_HOPS)", errno);
  }
  return undefined(env);
}

// setMulticastLoop(fd, on): off, so we do not hear our own adverts.
static napi_value set_multicast_loop(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, family;
  bool on;
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fd) || !arg_bool(env, argv[1], &on))
    return hn_throw_arg(env, "setMulticastLoop(fd, on: boolean)");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);
  if (family == AF_INET) {
    unsigned char v = on ? 1 : 0;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &v, sizeof v) != 0)
      return hn_throw_errno(env, "setsockopt(IP_MULTICAST_LOOP)", errno);
  } else if (set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0) != 0) {
    return hn_throw_errno(env, "setsockopt(IPV6_MULTICAST_LOOP)", errno);
  }
  return undefined(env);
}

// sendTo(fd, dest, payload, src?, ifindex?): bytes sent, or -1 when the socket buffer is full
// (EAGAIN: an advert is dropped rather than queued; the next interval sends a fresh one).
// The source address is set per packet with IP_PKTINFO / IPV6_PKTINFO rather than bind():
// a raw IPv4 socket bound to an address only receives packets addressed to it, which would
// hide the multicast adverts.
static napi_value send_to(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, family, ifindex = 0;
  char dest[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
  void *data;
  size_t len;
  bool is_typed = false;
  if (!hn_args(env, info, 5, argv) || !hn_int(env, argv[0], &fd) || !hn_str(env, argv[1], dest, sizeof dest))
    return hn_throw_arg(env, "sendTo(fd, dest, payload, src?, ifindex?)");
  napi_is_typedarray(env, argv[2], &is_typed);
  if (!is_typed) return hn_throw_arg(env, "payload must be a Uint8Array");
  napi_typedarray_type tt;
  size_t elems, off;
  napi_value ab;
  if (napi_get_typedarray_info(env, argv[2], &tt, &elems, &data, &ab, &off) != napi_ok || tt != napi_uint8_array)
    return hn_throw_arg(env, "payload must be a Uint8Array");
  len = elems;
  if (arg_present(env, argv[4]) && !hn_int(env, argv[4], &ifindex)) return hn_throw_arg(env, "bad ifindex");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);

  struct sockaddr_storage to;
  socklen_t tolen;
  if (!fill_sockaddr(family, dest, ifindex, &to, &tolen)) return hn_throw_arg(env, "bad destination address");

  struct iovec iov = {.iov_base = data, .iov_len = len};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &to;
  msg.msg_namelen = tolen;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  union {  // aligned control buffer
    char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  if (arg_present(env, argv[3])) {
    if (!hn_str(env, argv[3], src, sizeof src)) return hn_throw_arg(env, "bad source address");
    msg.msg_control = ctl.buf;
    struct cmsghdr *cm = (struct cmsghdr *)ctl.buf;
    if (family == AF_INET) {
      struct in_pktinfo pi;
      memset(&pi, 0, sizeof pi);
      if (inet_pton(AF_INET, src, &pi.ipi_spec_dst) != 1) return hn_throw_arg(env, "bad IPv4 source address");
      pi.ipi_ifindex = 0;  // routing / SO_BINDTODEVICE decide the interface
      cm->cmsg_level = IPPROTO_IP;
      cm->cmsg_type = IP_PKTINFO;
      cm->cmsg_len = CMSG_LEN(sizeof pi);
      memcpy(CMSG_DATA(cm), &pi, sizeof pi);
      msg.msg_controllen = CMSG_SPACE(sizeof pi);
    } else {
      struct in6_pktinfo pi;
      memset(&pi, 0, sizeof pi);
      if (inet_pton(AF_INET6, src, &pi.ipi6_addr) != 1) return hn_throw_arg(env, "bad IPv6 source address");
      pi.ipi6_ifindex = (unsigned)ifindex;
      cm->cmsg_level = IPPROTO_IPV6;
      cm->cmsg_type = IPV6_PKTINFO;
      cm->cmsg_len = CMSG_LEN(sizeof pi);
      memcpy(CMSG_DATA(cm), &pi, sizeof pi);
      msg.msg_controllen = CMSG_SPACE(sizeof pi);
    }
  }
  ssize_t n = sendmsg(fd, &msg, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return hn_int_value(env, -1);
    return hn_throw_errno(env, "sendmsg", errno);
  }
  return hn_int_value(env, (int32_t)n);
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *val) {
  napi_value v;
  napi_create_string_utf8(env, val, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}
static void set_int(napi_env env, napi_value obj, const char *key, int32_t val) {
  napi_set_named_property(env, obj, key, hn_int_value(env, val));
}

// Ancillary space for IP_PKTINFO / IPV6_PKTINFO and IPV6_HOPLIMIT, aligned for cmsghdr.
typedef union {
  char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) + 64];
  struct cmsghdr align;
} recv_ctl_t;

// One datagram into buf, with its source address and ancillary data (recv_from and the
// repeat fast path's peek read packets the same way).
static void recv_msghdr_init(struct msghdr *msg, struct iovec *iov, void *buf, size_t len, struct sockaddr_storage *from, recv_ctl_t *ctl) {
  iov->iov_base = buf;
  iov->iov_len = len;
  memset(msg, 0, sizeof *msg);
  msg->msg_name = from;
  msg->msg_namelen = sizeof *from;
  msg->msg_iov = iov;
  msg->msg_iovlen = 1;
  msg->msg_control = ctl->buf;
  msg->msg_controllen = sizeof ctl->buf;
}

// recvFrom(fd): {src, dst, ttl, ifindex, payload, truncated} or null when nothing is queued.
// IPv4 raw sockets deliver the IP header: TTL and addresses are read from it and it is stripped.
// IPv6 raw sockets never deliver the header: hop limit and destination come as ancillary data.
static napi_value recv_from(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd, family;
  if (!hn_args(env, info, 1, argv) || !hn_int(env, argv[0], &fd)) return hn_throw_arg(env, "recvFrom(fd)");
  if (socket_family(fd, &family) != 0) return hn_throw_errno(env, "getsockopt(SO_DOMAIN)", errno);

  unsigned char buf[RECV_BUF];
  struct sockaddr_storage from;
  recv_ctl_t ctl;
  struct iovec iov;
  struct msghdr msg;
  recv_msghdr_init(&msg, &iov, buf, sizeof buf, &from, &ctl);

  ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return hn_throw_errno(env, "recvmsg", errno);
  }

  char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";
  int ttl = -1, ifindex = 0;
  const unsigned char *payload = buf;
  size_t plen = (size_t)n;

  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(cm), sizeof pi);
      ifindex = pi.ipi_ifindex;
      inet_ntop(AF_INET, &pi.ipi_addr, dst, sizeof dst);
    } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo pi;
      memcpy(&pi, CMSG_DATA(cm), sizeof pi);
      ifindex = (int)pi.ipi6_ifindex;
      inet_ntop(AF_INET6, &pi.ipi6_addr, dst, sizeof dst);
    } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) {
      memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
    }
  }

  if (family == AF_INET) {
    // The kernel hands us at least a complete IP header; check anyway, a bad length is dropped
    // by the caller as a malformed packet rather than read out of bounds here.
    size_t ihl = plen >= 1 ? (size_t)(buf[0] & 0x0f) * 4 : 0;
    if (plen < 20 || ihl < 20 || ihl > plen) {
      ihl = plen;  // empty payload signals "malformed"
    } else {
      struct ip hdr;
      memcpy(&hdr, buf, sizeof hdr);
      ttl = hdr.ip_ttl;
      inet_ntop(AF_INET, &hdr.ip_src, src, sizeof src);
      inet_ntop(AF_INET, &hdr.ip_dst, dst, sizeof dst);
    }
    payload = buf + ihl;
    plen -= ihl;
  } else {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&from;
    inet_ntop(AF_INET6, &sin6->sin6_addr, src, sizeof src);
  }

  napi_value obj, pbuf, trunc;
  napi_create_object(env, &obj);
  set_str(env, obj, "src", src);
  set_str(env, obj, "dst", dst);
  set_int(env, obj, "ttl", ttl);
  set_int(env, obj, "ifindex", ifindex);
  void *copy;
  napi_create_buffer_copy(env, plen, payload, &copy, &pbuf);
  napi_set_named_property(env, obj, "payload", pbuf);
  napi_get_boolean(env, (msg.msg_flags & MSG_TRUNC) != 0, &trunc);
  napi_set_named_property(env, obj, "truncated", trunc);
  return obj;
}

// close(fd)
static napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!hn_args(env, info, 1, argv) || !hn_int(env, argv[0], &fd)) return hn_throw_arg(env, "close(fd)");
  if (close(fd) != 0) return hn_throw_errno(env, "close", errno);
  return undefined(env);
}

// ifNameToIndex(name): 0 when there is no such interface.
static napi_value if_name_to_index(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char name[IFNAMSIZ];
  if (!hn_args(env, info, 1, argv) || !hn_str(env, argv[0], name, sizeof name)) return hn_throw_arg(env, "ifNameToIndex(name)");
  return hn_int_value(env, (int32_t)if_nametoindex(name));
}

// ---------------------------------------------------------------- readiness (uv_poll)

// Repeat-advert fast path. A VRRP backup receives the same advert from its master every
// interval (50 instances at 0.1 s: 500 packets/s), and all each one does is push the
// Master_Down deadline out (RFC 5798 §6.4.2). Calling into JS for each cost ~40-70 us of CPU, 10x
// keepalived's idle cost. So the JS side, after it has accepted an advert that changed nothing
// but that deadline, arms a filter for the VRID with the exact packet (source, destination,
// TTL / hop limit, VRRP bytes); a later packet byte-identical to it is consumed here, counted and
// time-stamped without waking JS. Anything else (another priority, priority 0, another source,
// another checksum, another VRID) goes to JS as before. JS collects the counts and stamps
// (repeatTake) before it acts on a deadline and replays them through the state machine at the
// time they arrived, so the protocol behaves as if it had seen every packet.
typedef struct {
  unsigned char src[16], dst[16];  // 4 bytes used for IPv4
  int ttl;
  size_t len;
  unsigned char *payload;
  uint32_t count;     // absorbed since the last repeatTake
  uint64_t last_ns;   // uv_hrtime() of the latest absorbed packet
} repeat_t;

#define REPEAT_PEEK_BUF 4608   // a full VRRP message (<= 4104 bytes with 255 IPv6 addresses) + IP header
#define REPEAT_MAX_PER_WAKEUP 256  // then yield to the loop; uv_poll is level-triggered

// One watcher per socket. The struct is freed when both the uv handle has finished closing and
// the JS handle object has been collected, whichever comes last.
typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  int active;     // uv handle not yet closed
  int js_alive;   // JS external not yet finalized
  int fd;
  int family;     // AF_INET / AF_INET6
  int armed;      // number of non-NULL entries in repeats
  repeat_t *repeats[256];  // by VRID
} watcher_t;

static void repeat_free(watcher_t *w, int vrid) {
  repeat_t *r = w->repeats[vrid];
  if (!r) return;
  free(r->payload);
  free(r);
  w->repeats[vrid] = NULL;
  w->armed--;
}

static void watcher_maybe_free(watcher_t *w) {
  if (w->active || w->js_alive) return;
  for (int v = 0; v < 256; v++) repeat_free(w, v);
  free(w);
}

// Looks at the packet at the head of the queue (MSG_PEEK). Returns 0 when the queue is empty,
// 1 when the head was a repeat of an armed packet (consumed and counted), 2 when the head must
// go to JS (or the socket reported an error, which JS reads through recvFrom).
static int repeat_absorb_one(watcher_t *w) {
  unsigned char buf[REPEAT_PEEK_BUF];
  struct sockaddr_storage from;
  recv_ctl_t ctl;
  struct iovec iov;
  struct msghdr msg;
  recv_msghdr_init(&msg, &iov, buf, sizeof buf, &from, &ctl);
  ssize_t n = recvmsg(w->fd, &msg, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : 2;
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) return 2;
  const unsigned char *payload, *src, *dst = NULL;
  size_t plen, alen;
  int ttl = -1;
  if (w->family == AF_INET) {
    size_t ihl = n >= 1 ? (size_t)(buf[0] & 0x0f) * 4 : 0;
    if (n < 20 || ihl < 20 || ihl > (size_t)n) return 2;
    ttl = buf[8];
    src = buf + 12;
    dst = buf + 16;
    alen = 4;
    payload = buf + ihl;
    plen = (size_t)n - ihl;
  } else {
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level != IPPROTO_IPV6) continue;
      if (cm->cmsg_type == IPV6_PKTINFO) dst = ((struct in6_pktinfo *)CMSG_DATA(cm))->ipi6_addr.s6_addr;
      else if (cm->cmsg_type == IPV6_HOPLIMIT) memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
    }
    if (!dst || msg.msg_namelen < sizeof(struct sockaddr_in6)) return 2;
    src = ((struct sockaddr_in6 *)&from)->sin6_addr.s6_addr;
    alen = 16;
    payload = buf;
    plen = (size_t)n;
  }
  if (plen < 2) return 2;
  repeat_t *r = w->repeats[payload[1]];
  if (!r || r->ttl != ttl || r->len != plen || memcmp(r->src, src, alen) != 0 || memcmp(r->dst, dst, alen) != 0 ||
      memcmp(r->payload, payload, plen) != 0)
    return 2;
  // Consume the datagram we peeked at (a short read discards the rest of a datagram).
  unsigned char one;
  if (recv(w->fd, &one, 1, MSG_DONTWAIT) < 0) return 2;
  r->count++;
  r->last_ns = uv_hrtime();
  return 1;
}

static void on_uv_closed(uv_handle_t *h) {
  watcher_t *w = (watcher_t *)h->data;
  w->active = 0;
  watcher_maybe_free(w);
}

static void on_env_cleanup(void *arg);

// Stops and closes the watcher; the struct is freed once the close completes and the JS handle is gone.
static void watcher_stop(watcher_t *w) {
  if (!w->active || uv_is_closing((uv_handle_t *)&w->poll)) return;
  napi_remove_env_cleanup_hook(w->env, on_env_cleanup, w);
  uv_poll_stop(&w->poll);
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->async);
  uv_close((uv_handle_t *)&w->poll, on_uv_closed);
}

// The environment is going away (a worker thread exiting) with the watcher still running: stop
// it so the loop can close. If the JS finalizer never runs the struct leaks (a few bytes), which
// is safer than guessing the order of teardown and freeing it twice.
static void on_env_cleanup(void *arg) {
  watcher_stop((watcher_t *)arg);
}

// Runs on the JS thread when the socket is readable (or errored): call cb(err|null) through
// napi_make_callback so promise jobs queued by the callback run as for any Node I/O callback.
static void on_uv_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  watcher_t *w = (watcher_t *)h->data;
  if (status >= 0 && w->armed > 0) {
    int r = 1;
    for (int i = 0; i < REPEAT_MAX_PER_WAKEUP && r == 1; i++) r = repeat_absorb_one(w);
    if (r != 2) return;  // drained (or yielding after a long run of repeats): JS has nothing to do
  }
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, arg, result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &global);
  if (status < 0) {
    napi_value code, msg;
    napi_create_string_utf8(env, uv_err_name(status), NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, uv_strerror(status), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, code, msg, &arg);
  } else {
    napi_get_null(env, &arg);
  }
  if (napi_make_callback(env, w->async, global, cb, 1, &arg, &result) == napi_pending_exception) {
    // A throwing listener is the application's bug: surface it as an uncaught exception.
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static void on_watcher_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  watcher_t *w = (watcher_t *)data;
  w->js_alive = 0;
  watcher_maybe_free(w);
}

// pollStart(fd, cb): handle. cb(err) runs whenever fd is readable; the caller drains it with
// recvFrom until null. The watcher keeps the event loop alive until pollStop(handle).
static napi_value poll_start(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  napi_valuetype t;
  if (!hn_args(env, info, 2, argv) || !hn_int(env, argv[0], &fd)) return hn_throw_arg(env, "pollStart(fd, cb)");
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) return hn_throw_arg(env, "pollStart: cb must be a function");
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return hn_throw_arg(env, "no event loop");
  watcher_t *w = calloc(1, sizeof *w);
  if (!w) return hn_throw_errno(env, "calloc", ENOMEM);
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc != 0) {
    free(w);
    return hn_throw_errno(env, "uv_poll_init", -rc);
  }
  w->poll.data = w;
  w->env = env;
  w->active = 1;
  w->js_alive = 1;
  w->fd = fd;
  if (socket_family(fd, &w->family) != 0) w->family = AF_INET;
  napi_value name, handle;
  napi_create_string_utf8(env, "halb.rawsocket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->async);
  napi_create_reference(env, argv[1], 1, &w->callback);
  rc = uv_poll_start(&w->poll, UV_READABLE, on_uv_readable);
  if (rc != 0) {
    napi_delete_reference(env, w->callback);
    napi_async_destroy(env, w->async);
    w->js_alive = 0;
    uv_close((uv_handle_t *)&w->poll, on_uv_closed);
    return hn_throw_errno(env, "uv_poll_start", -rc);
  }
  napi_add_env_cleanup_hook(env, on_env_cleanup, w);
  napi_create_external(env, w, on_watcher_finalize, NULL, &handle);
  return handle;
}

// pollStop(handle): idempotent. Call before close(fd).
static napi_value poll_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  void *data;
  if (!hn_args(env, info, 1, argv) || napi_get_value_external(env, argv[0], &data) != napi_ok)
    return hn_throw_arg(env, "pollStop(handle)");
  watcher_stop((watcher_t *)data);
  return undefined(env);
}

static watcher_t *arg_watcher(napi_env env, napi_value v) {
  void *data;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (watcher_t *)data;
}

// repeatArm(handle, vrid, src, dst, ttl, payload): from now on, packets for `vrid` identical to
// this one (source, destination, TTL / hop limit, VRRP bytes) are counted instead of delivered.
// Replaces an earlier packet armed for the VRID.
static napi_value repeat_arm(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t vrid, ttl;
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
  if (!hn_args(env, info, 6, argv)) return hn_throw_arg(env, "repeatArm(handle, vrid, src, dst, ttl, payload)");
  watcher_t *w = arg_watcher(env, argv[0]);
  if (!w || !hn_int(env, argv[1], &vrid) || vrid < 0 || vrid > 255 || !hn_str(env, argv[2], src, sizeof src) ||
      !hn_str(env, argv[3], dst, sizeof dst) || !hn_int(env, argv[4], &ttl))
    return hn_throw_arg(env, "repeatArm(handle, vrid, src, dst, ttl, payload)");
  bool is_ta;
  napi_is_typedarray(env, argv[5], &is_ta);
  if (!is_ta) return hn_throw_arg(env, "repeatArm: payload must be a Uint8Array");
  napi_typedarray_type type;
  size_t len, offset;
  void *data;
  napi_value ab;
  napi_get_typedarray_info(env, argv[5], &type, &len, &data, &ab, &offset);
  if (type != napi_uint8_array || len < 2 || len > REPEAT_PEEK_BUF || ((unsigned char *)data)[1] != vrid)
    return hn_throw_arg(env, "repeatArm: payload must be a VRRP message of that VRID");
  repeat_t *r = calloc(1, sizeof *r);
  if (!r) return hn_throw_errno(env, "calloc", ENOMEM);
  int af = w->family;
  if (inet_pton(af, src, r->src) != 1 || inet_pton(af, dst, r->dst) != 1) {
    free(r);
    return hn_throw_arg(env, "repeatArm: src/dst are not addresses of the socket's family");
  }
  r->payload = malloc(len);
  if (!r->payload) {
    free(r);
    return hn_throw_errno(env, "malloc", ENOMEM);
  }
  memcpy(r->payload, data, len);
  r->len = len;
  r->ttl = ttl;
  repeat_free(w, vrid);
  w->repeats[vrid] = r;
  w->armed++;
  return undefined(env);
}

// repeatDisarm(handle, vrid): packets for the VRID go to JS again. Counts not yet taken are lost,
// so take them first.
static napi_value repeat_disarm(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t vrid;
  watcher_t *w;
  if (!hn_args(env, info, 2, argv) || !(w = arg_watcher(env, argv[0])) || !hn_int(env, argv[1], &vrid) || vrid < 0 || vrid > 255)
    return hn_throw_arg(env, "repeatDisarm(handle, vrid)");
  repeat_free(w, vrid);
  return undefined(env);
}

// repeatTake(handle, out: Float64Array(512)): for every VRID with packets absorbed since the last
// call, out[2*vrid] = count and out[2*vrid+1] = ms since the latest one; other slots are set to 0.
// Resets the counts. Returns the number of VRIDs with a count. One call covers the whole socket.
static napi_value repeat_take(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  watcher_t *w;
  if (!hn_args(env, info, 2, argv) || !(w = arg_watcher(env, argv[0]))) return hn_throw_arg(env, "repeatTake(handle, out)");
  bool is_ta;
  napi_is_typedarray(env, argv[1], &is_ta);
  if (!is_ta) return hn_throw_arg(env, "repeatTake: out must be a Float64Array(512)");
  napi_typedarray_type type;
  size_t len, offset;
  void *data;
  napi_value ab;
  napi_get_typedarray_info(env, argv[1], &type, &len, &data, &ab, &offset);
  if (type != napi_float64_array || len < 512) return hn_throw_arg(env, "repeatTake: out must be a Float64Array(512)");
  double *out = (double *)data;
  memset(out, 0, 512 * sizeof(double));
  uint64_t now = uv_hrtime();
  int n = 0;
  for (int v = 0; v < 256; v++) {
    repeat_t *r = w->repeats[v];
    if (!r || r->count == 0) continue;
    out[2 * v] = r->count;
    out[2 * v + 1] = (double)(now - r->last_ns) / 1e6;
    r->count = 0;
    n++;
  }
  return hn_int_value(env, n);
}

// ---------------------------------------------------------------- gratuitous ARP / unsolicited NA

static int iface_hwaddr(int fd, const char *ifname, unsigned char mac[6]) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) return -1;
  memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
  return 0;
}

// sendGratuitousArp(ifname, ipv4, count): packets sent.
// An ARP request with sender IP = target IP = the VIP, broadcast, from the interface's MAC: the
// form keepalived sends, which every host's ARP code treats as an update for an existing entry.
static napi_value send_garp(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char ifname[IFNAMSIZ], ipstr[INET_ADDRSTRLEN];
  int32_t count;
  struct in_addr ip;
  if (!hn_args(env, info, 3, argv) || !hn_str(env, argv[0], ifname, sizeof ifname) ||
      !hn_str(env, argv[1], ipstr, sizeof ipstr) || inet_pton(AF_INET, ipstr, &ip) != 1 ||
      !hn_int(env, argv[2], &count) || count < 1 || count > 100)
    return hn_throw_arg(env, "sendGratuitousArp(ifname, ipv4, count: 1..100)");
  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return hn_throw_errno(env, "if_nametoindex", errno);
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
  if (fd < 0) return hn_throw_errno(env, "socket(AF_PACKET)", errno);
  unsigned char mac[6];
  if (iface_hwaddr(fd, ifname, mac) != 0) {
    int e = errno;
    close(fd);
    return hn_throw_errno(env, "ioctl(SIOCGIFHWADDR)", e);
  }
  // ARP for Ethernet/IPv4 (RFC 826), built byte by byte: 28 bytes, no padding needed here
  // (the driver pads the frame to the Ethernet minimum).
  unsigned char arp[28];
  arp[0] = 0; arp[1] = 1;          // htype Ethernet
  arp[2] = 0x08; arp[3] = 0x00;    // ptype IPv4
  arp[4] = 6; arp[5] = 4;          // hlen, plen
  arp[6] = 0; arp[7] = 1;          // op request
  memcpy(arp + 8, mac, 6);         // sender MAC
  memcpy(arp + 14, &ip, 4);        // sender IP = VIP
  memset(arp + 18, 0xff, 6);       // target MAC: broadcast, as keepalived
  memcpy(arp + 24, &ip, 4);        // target IP = VIP
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_ifindex = (int)ifindex;
  to.sll_halen = 6;
  memset(to.sll_addr, 0xff, 6);
  int sent = 0;
  for (int i = 0; i < count; i++) {
    if (sendto(fd, arp, sizeof arp, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof arp) {
      int e = errno;
      close(fd);
      return hn_throw_errno(env, "sendto(ARP)", e);
    }
    sent++;
  }
  close(fd);
  return hn_int_value(env, sent);
}

// sendUnsolicitedNa(ifname, ipv6, count, router): packets sent.
// Neighbour Advertisement (RFC 4861 §4.4, §7.2.6) to all-nodes ff02::1, hop limit 255 (receivers
// drop anything else), Override set so caches replace the old link-layer address, with the
// Target Link-Layer Address option. The kernel fills in the ICMPv6 checksum on raw ICMPv6
// sockets (RFC 3542 §3.1). Source = the VIP itself, as keepalived sends it (hosts with
// accept_untracked_na=2 only learn from a source in the target's subnet); if the VIP is not
// usable as a source (not assigned yet), the kernel's choice (the link-local address) is used.
static napi_value send_na(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char ifname[IFNAMSIZ], ipstr[INET6_ADDRSTRLEN];
  int32_t count;
  bool router = false;
  struct in6_addr target;
  if (!hn_args(env, info, 4, argv) || !hn_str(env, argv[0], ifname, sizeof ifname) ||
      !hn_str(env, argv[1], ipstr, sizeof ipstr) || inet_pton(AF_INET6, ipstr, &target) != 1 ||
      !hn_int(env, argv[2], &count) || count < 1 || count > 100 ||
      (arg_present(env, argv[3]) && !arg_bool(env, argv[3], &router)))
    return hn_throw_arg(env, "sendUnsolicitedNa(ifname, ipv6, count: 1..100, router?: boolean)");
  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return hn_throw_errno(env, "if_nametoindex", errno);
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return hn_throw_errno(env, "socket(ICMPV6)", errno);
  unsigned char mac[6];
  const char *fail = NULL;
  if (iface_hwaddr(fd, ifname, mac) != 0) fail = "ioctl(SIOCGIFHWADDR)";
  else if (set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) != 0) fail = "setsockopt(IPV6_MULTICAST_HOPS)";
  else if (set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)ifindex) != 0) fail = "setsockopt(IPV6_MULTICAST_IF)";
  if (fail) {
    int e = errno;
    close(fd);
    return hn_throw_errno(env, fail, e);
  }
  unsigned char na[32];
  memset(na, 0, sizeof na);
  na[0] = ND_NEIGHBOR_ADVERT;        // type 136, code 0, checksum left 0 for the kernel
  na[4] = (unsigned char)(0x20 | (router ? 0x80 : 0));  // O flag (+ R); S must be 0 (unsolicited)
  memcpy(na + 8, &target, 16);
  na[24] = ND_OPT_TARGET_LINKADDR;   // option type 2
  na[25] = 1;                        // length in units of 8 bytes
  memcpy(na + 26, mac, 6);
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
  to.sin6_scope_id = ifindex;
  struct iovec iov = {.iov_base = na, .iov_len = sizeof na};
  union {
    char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct in6_pktinfo pi = {.ipi6_addr = target, .ipi6_ifindex = ifindex};
  struct cmsghdr *cm = (struct cmsghdr *)ctl.buf;
  cm->cmsg_level = IPPROTO_IPV6;
  cm->cmsg_type = IPV6_PKTINFO;
  cm->cmsg_len = CMSG_LEN(sizeof pi);
  memcpy(CMSG_DATA(cm), &pi, sizeof pi);
  struct msghdr msg = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
  int sent = 0;
  for (int i = 0; i < count; i++) {
    ssize_t n = sendmsg(fd, &msg, 0);
    if (n < 0 && errno == EINVAL && msg.msg_control) {  // VIP not a usable source: let the kernel pick
      msg.msg_control = NULL;
      msg.msg_controllen = 0;
      n = sendmsg(fd, &msg, 0);
    }
    if (n != (ssize_t)sizeof na) {
      int e = errno;
      close(fd);
      return hn_throw_errno(env, "sendmsg(NA)", e);
    }
    sent++;
  }
  close(fd);
  return hn_int_value(env, sent);
}

// ---------------------------------------------------------------- allocator

// The proxy reads sockets into fresh 64 KiB buffers that V8 frees in bursts. glibc gives the top
// of its heap back to the kernel once more than M_TRIM_THRESHOLD (128 KiB) is free there, so the
// next reads fault in new zeroed pages: measured 160k minor faults per GiB relayed and twice the
// CPU per byte. A higher threshold keeps that memory for reuse. Returns false without glibc.
static napi_value set_malloc_trim_threshold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t bytes = 0;
  if (argc < 1 || napi_get_value_int64(env, argv[0], &bytes) != napi_ok || bytes < 0 || bytes > INT32_MAX) {
    napi_throw_range_error(env, NULL, "setMallocTrimThreshold(bytes): 0 <= bytes <= 2^31-1");
    return NULL;
  }
  bool ok = false;
#ifdef __GLIBC__
  ok = mallopt(M_TRIM_THRESHOLD, (int)bytes) == 1;
#endif
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

// After a connection storm the freed socket memory stays in glibc's arenas (up to the raised trim
// threshold at the heap top, and any amount in the middle): malloc_trim(0) gives free pages of
// every arena back to the kernel. Called rarely (memory-relief.ts), never on the hot path.
// Returns whether memory was released; false without glibc.
static napi_value malloc_trim_now(napi_env env, napi_callback_info info) {
  (void)info;
  bool released = false;
#ifdef __GLIBC__
  released = malloc_trim(0) == 1;
#endif
  napi_value out;
  napi_get_boolean(env, released, &out);
  return out;
}

// ---------------------------------------------------------------- module

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openRaw", NULL, open_raw, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindToDevice", NULL, bind_to_device, NULL, NULL, NULL, napi_enumerable, NULL},
      {"joinMulticast", NULL, join_multicast, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leaveMulticast", NULL, leave_multicast, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMulticastInterface", NULL, set_multicast_if, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setTtl", NULL, set_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMulticastLoop", NULL, set_multicast_loop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendTo", NULL, send_to, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvFrom", NULL, recv_from, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifNameToIndex", NULL, if_name_to_index, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pollStart", NULL, poll_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pollStop", NULL, poll_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"repeatArm", NULL, repeat_arm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"repeatDisarm", NULL, repeat_disarm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"repeatTake", NULL, repeat_take, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendGratuitousArp", NULL, send_garp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendUnsolicitedNa", NULL, send_na, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMallocTrimThreshold", NULL, set_malloc_trim_threshold, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mallocTrim", NULL, malloc_trim_now, NULL, NULL, NULL, napi_enumerable, NULL},
      // takeover.h: netlink.c, packet_socket.c
      {"netlinkRouteRequest", NULL, halb_netlink_route_request, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openPacketSocket", NULL, halb_open_packet_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendGratuitousArpOn", NULL, halb_send_garp_on, NULL, NULL, NULL, napi_enumerable, NULL},
      // relay.h: the tcp-mode relay
      {"relayInit", NULL, halb_relay_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relayStart", NULL, halb_relay_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relayPark", NULL, halb_relay_park, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relayIdleMs", NULL, halb_relay_idle_ms, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relayAbort", NULL, halb_relay_abort, NULL, NULL, NULL, napi_enumerable, NULL},
      {"relayCount", NULL, halb_relay_count, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendNow", NULL, halb_send_now, NULL, NULL, NULL, napi_enumerable, NULL},
      // fds.h: paused listeners, the descriptor budget
      {"dupFd", NULL, halb_dup_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getNofile", NULL, halb_get_nofile, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNofile", NULL, halb_set_nofile, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
