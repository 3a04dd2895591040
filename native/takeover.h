// The takeover fast path: what a backup becoming master does between its first advert and its
// first gratuitous ARP, without a process spawn (`ip addr add`) or a thread hop.
//  - netlink.c: one rtnetlink request (RTM_NEWADDR / RTM_DELADDR, encoded in TypeScript by
//    src/vip/netlink-addr.ts), sent and acknowledged synchronously.
//  - packet_socket.c: gratuitous ARP on a long-lived AF_PACKET socket (closing one per send
//    costs an RCU grace period, see src/vip/announce-worker.ts).
// Registered by halb_native.c's init().
#ifndef HALB_TAKEOVER_H
#define HALB_TAKEOVER_H

#include <node_api.h>

// netlinkRouteRequest(msg: Uint8Array): number — 0 or the kernel's negative errno from the ack.
napi_value halb_netlink_route_request(napi_env env, napi_callback_info info);
// openPacketSocket(): fd — AF_PACKET/SOCK_DGRAM, protocol 0 (sends only; receives nothing).
napi_value halb_open_packet_socket(napi_env env, napi_callback_info info);
// sendGratuitousArpOn(fd, ifname, ipv4, count): packets sent.
napi_value halb_send_garp_on(napi_env env, napi_callback_info info);

#endif
