// Gratuitous ARP on a long-lived packet socket. The older sendGratuitousArp (halb_native.c) opens
// and closes an AF_PACKET socket per call, and the close waits for an RCU grace period
// (synchronize_net, ~10-15 ms here), which is why it runs on a worker thread; the thread hop put
// the first GARP ~15-25 ms behind the takeover advert in the failover lab (bench/failover-timeline.ts).
// A socket opened once with protocol 0 receives nothing (no packet hook is registered), so it
// costs no wakeups while idle, and a send is one sendto() on the calling thread.
#define _GNU_SOURCE
#include "takeover.h"
#include "napi_helpers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

napi_value halb_open_packet_socket(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return hn_throw_errno(env, "socket(AF_PACKET)", errno);
  return hn_int_value(env, fd);
}

// sendGratuitousArpOn(fd, ifname, ipv4, count): the same frame as sendGratuitousArp (keepalived's
// form: ARP request, sender IP = target IP = VIP, broadcast, sender MAC = the interface's MAC).
napi_value halb_send_garp_on(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, count;
  char ifname[IFNAMSIZ], ipstr[INET_ADDRSTRLEN];
  struct in_addr ip;
  if (!hn_args(env, info, 4, argv) || !hn_int(env, argv[0], &fd) || fd < 0 || !hn_str(env, argv[1], ifname, sizeof ifname) ||
      !hn_str(env, argv[2], ipstr, sizeof ipstr) || inet_pton(AF_INET, ipstr, &ip) != 1 || !hn_int(env, argv[3], &count) ||
      count < 1 || count > 100)
    return hn_throw_arg(env, "sendGratuitousArpOn(fd, ifname, ipv4, count: 1..100)");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) return hn_throw_errno(env, "ioctl(SIOCGIFINDEX)", errno);
  int ifindex = ifr.ifr_ifindex;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) return hn_throw_errno(env, "ioctl(SIOCGIFHWADDR)", errno);
  unsigned char arp[28];
  arp[0] = 0; arp[1] = 1;          // htype Ethernet
  arp[2] = 0x08; arp[3] = 0x00;    // ptype IPv4
  arp[4] = 6; arp[5] = 4;          // hlen, plen
  arp[6] = 0; arp[7] = 1;          // op request
  memcpy(arp + 8, ifr.ifr_hwaddr.sa_data, 6);
  memcpy(arp + 14, &ip, 4);
  memset(arp + 18, 0xff, 6);
  memcpy(arp + 24, &ip, 4);
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  memset(to.sll_addr, 0xff, 6);
  int sent = 0;
  for (int i = 0; i < count; i++) {
    if (sendto(fd, arp, sizeof arp, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof arp) {
      if (errno == EAGAIN || errno == ENOBUFS) break;  // queue full: report what went out
      return hn_throw_errno(env, "sendto(ARP)", errno);
    }
    sent++;
  }
  return hn_int_value(env, sent);
}
