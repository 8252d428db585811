#!/usr/bin/env bash
# Runs `zonewarden discover` and `tshark -T fields` extracting the same identity fields on
# the same capture, side by side, and prints packets per second, peak memory and the
# ratio. Without a capture argument it builds a corpus of $SIZE (default 1G) from the
# public captures with scripts/mkcorpus (a long capture of the same plant: see there),
# until the simulator's attack-scenario corpus is available.
#
# Usage: scripts/bench-discover.sh [CAPTURE]    (needs tshark and GNU time; ZONEWARDEN_CAPTURES
#                                               for the default corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the toolchain go.mod names (earlier ones carry standard-library vulnerabilities)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

corpus=${1:-}
if [ -z "$corpus" ]; then
  : "${ZONEWARDEN_CAPTURES:?set ZONEWARDEN_CAPTURES to the public captures, or give a capture}"
  corpus="$tmp/corpus.pcap"
  go run ./scripts/mkcorpus -size "${SIZE:-1G}" -o "$corpus" "$ZONEWARDEN_CAPTURES"/*/*.pcap*
fi
go build -o "$tmp/zonewarden" ./cmd/zonewarden

# The identity fields zonewarden reports, as tshark names them.
fields=(frame.number eth.src ip.src ipv6.src
  enip.lir.vendor enip.lir.devtype enip.lir.prodcode enip.lir.revision enip.lir.serial enip.lir.name
  cip.id.vendor_id cip.id.device_type cip.id.product_code cip.id.serial_number cip.id.product_name
  modbus.object_id modbus.object_str_value
  s7comm.szl.xy11.0001.index s7comm.szl.xy11.0001.anz s7comm.szl.xy11.0001.ausbg s7comm.szl.xy11.0001.ausbe
  s7comm.szl.001c.0001.name s7comm.szl.001c.0002.name s7comm.szl.001c.0005.serialn s7comm.szl.001c.0007.cputypname
  bacapp.instance_number bacapp.vendor_identifier bacapp.object_name
  opcua.transport.endpoint opcua.security.spu opcua.ApplicationUri opcua.ProductUri
  pn_dcp.suboption_device_nameofstation pn_dcp.suboption_device_devicevendorvalue pn_dcp.suboption_vendor_id
  pn_dcp.suboption_device_id pn_dcp.suboption_device_role dnp3.src dnp3.dst iec60870_asdu.addr
  mms.vendorName mms.modelName mms.revision goose.gocbRef
  lldp.tlv.system.name lldp.tlv.system.desc cdp.deviceid cdp.platform dhcp.option.hostname dhcp.option.vendor_class_id
  http.server http.user_agent tls.handshake.extensions_server_name ssh.protocol snmp.value.octets)
tshark_args=(-n -r "$corpus" -T fields -E separator=/t -E occurrence=a -E aggregator=,)
for f in "${fields[@]}"; do tshark_args+=(-e "$f"); done

packets=$(capinfos -M -c "$corpus" | awk -F': *' '/Number of packets/ {gsub(/ /, "", $2); print $2}')
size=$(stat -c %s "$corpus")
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3), $(tshark --version | head -1)"
echo "# capture: $corpus, $size bytes, $packets packets"
printf '%-44s %10s %14s %12s %8s\n' "run" "seconds" "packets/s" "peak RSS MB" "CPU"

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M %P" -o "$tmp/time" "$@" > /dev/null
  read -r secs rss cpu < "$tmp/time"
  printf '%-44s %10s %14.0f %12.0f %8s\n' "$name" "$secs" "$(echo "$packets / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$cpu"
  echo "$secs" > "$tmp/$name.secs"
}

measure one_core taskset -c 0 "$tmp/zonewarden" discover --workers 1 -f json -o "$tmp/one.json" "$corpus"
measure all_cores "$tmp/zonewarden" discover -f json -o "$tmp/all.json" "$corpus"
measure tshark_fields tshark "${tshark_args[@]}"

one=$(cat "$tmp/one_core.secs"); all=$(cat "$tmp/all_cores.secs"); ts=$(cat "$tmp/tshark_fields.secs")
printf '# tshark -T fields / zonewarden on one core: %.1fx; on all cores: %.1fx\n' "$(echo "$ts / $one" | bc -l)" "$(echo "$ts / $all" | bc -l)"
if ! cmp -s "$tmp/one.json" "$tmp/all.json"; then
  echo "# warning: one-core and all-core inventories differ" >&2
fi
