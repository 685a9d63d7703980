#!/usr/bin/env bash
# Records the kernel's own TCP for each scenario in scenario.py, each in a fresh private network
# namespace (loopback only), as root. Timestamps and window scaling are turned off in the
# namespace so segments carry what the engine's defaults carry (MSS, SACK-permitted); the MSS
# is 1000 (TCP_MAXSEG) so sizes read well, and segmentation offload is off so that a large write
# is captured as the segments the receiver gets. Writes NAME.pcap and NAME.tsv (tshark fields)
# and, where the scenario prints one, NAME.out (what the application saw).
# Not run by the tests; the tests read the files it made.
set -euo pipefail
cd "$(dirname "$0")"
port=5100
[ $# -gt 0 ] && port=5200
for name in ${*:-delack-fin delack-stream pingpong rack tlp syn-lost syn-lost-classic backlog syn-data-lost}; do
  ns="hs-cap-$$"
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ethtool -K lo tso off gso off gro off >/dev/null
  ip netns exec "$ns" sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0
  scenario="$name"
  case "$name" in
    syn-lost) ip netns exec "$ns" sysctl -q net.ipv4.tcp_syn_retries=3 ;;
    syn-lost-classic)
      scenario=syn-lost
      ip netns exec "$ns" sysctl -q net.ipv4.tcp_syn_retries=3 net.ipv4.tcp_syn_linear_timeouts=0 ;;
  esac
  ip netns exec "$ns" sh -c "tcpdump -U -s 128 -i lo -w '$name.pcap' 'tcp port $port' 2>/dev/null & \
    sleep 1; python3 scenario.py '$scenario' $port > '$name.out'; sleep 1; kill \$!; wait" || true
  ip netns del "$ns"
  tshark -r "$name.pcap" -T fields -e frame.number -e frame.time_relative -e ip.src \
    -e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len \
    -e tcp.window_size_value -e tcp.options.mss_val -e tcp.options.sack_le -e tcp.options.sack_re \
    > "$name.tsv"
  [ -s "$name.out" ] || rm -f "$name.out"
  port=$((port + 1))
done
