# Native addon for VRRP I/O (raw IP protocol 112, gratuitous ARP, unsolicited NA) and the tcp-mode
# relay (native/relay.c). Linux only.
# Built by `npm ci` through scripts/build-native.mjs -> node-gyp.
{
  "targets": [
    {
      "target_name": "halb_native",
      "sources": ["native/halb_native.c", "native/netlink.c", "native/packet_socket.c", "native/relay.c", "native/fds.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
