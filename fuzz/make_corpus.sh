#!/usr/bin/env bash
# Remakes the seed corpus in fuzz/corpus/TARGET/ from images made by qemu-img (and a few
# scenario files). Run by hand when the readers learn a new layout; the output is
# committed. Needs qemu-img and qemu-io. Images are kept small (4 KiB clusters mostly).
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"/{qcow2,vmdk,raw,probe,chain,scenario}

q() { qemu-img "$@" >/dev/null; }
io() { qemu-io "$@" >/dev/null; }
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 24 & 255)))"; }
# pack NAME FILE...: the chain target's input (fuzz/harness.h), files named as in $work.
pack() {
  local name=$1; shift
  for f in "$@"; do
    local base size
    base=$(basename "$f")
    size=$(stat -c %s "$f")
    printf "\\x$(printf %02x ${#base})%s" "$base"
    le32 "$size"
    cat "$f"
  done >"$out/chain/$name"
}

cd "$work"
# qcow2: one file each, read with -f qcow2.
q create -f qcow2 -o cluster_size=4k v3.qcow2 1M
io -c 'write -P 0x11 0 12k' -c 'write -z 64k 8k' -c 'write -P 0x12 900k 4k' -c 'discard 4k 4k' v3.qcow2
q create -f qcow2 -o compat=0.10,cluster_size=4k v2.qcow2 1M
io -c 'write -P 0x21 4k 8k' v2.qcow2
q create -f qcow2 -o cluster_size=512 tiny.qcow2 256k
io -c 'write -P 0x31 0 2k' -c 'write -z 64k 1k' tiny.qcow2
q create -f qcow2 -o cluster_size=4k snaps.qcow2 1M
io -c 'write -P 0x41 0 8k' snaps.qcow2; q snapshot -c one snaps.qcow2
io -c 'write -P 0x42 4k 8k' snaps.qcow2; q snapshot -c two snaps.qcow2
io -c 'write -z 0 4k' snaps.qcow2
q create -f qcow2 -o extended_l2=on,cluster_size=16k xl2.qcow2 1M
io -c 'write -P 0x51 1k 2k' -c 'write -z 32k 1k' -c 'write -P 0x52 64k 16k' xl2.qcow2
q create -f qcow2 -o cluster_size=4k plain.qcow2 1M
io -c 'write -P 0x61 0 16k' -c 'write -P 0x62 512k 8k' plain.qcow2
q convert -c -O qcow2 -o cluster_size=4k plain.qcow2 zlib.qcow2
q convert -c -O qcow2 -o cluster_size=4k,compression_type=zstd plain.qcow2 zstd.qcow2
q create -f qcow2 default.qcow2 1M
io -c 'write -P 0x71 0 4k' default.qcow2
q create -f qcow2 -o cluster_size=4k,data_file=ext.data ext.qcow2 128k
io -c 'write -P 0x81 8k 8k' ext.qcow2
q create -f qcow2 -o cluster_size=4k -b plain.qcow2 -F qcow2 top.qcow2
io -c 'write -P 0x91 4k 4k' top.qcow2
q create -f qcow2 -o cluster_size=4k -b top.qcow2 -F qcow2 top2.qcow2
io -c 'write -z 0 8k' top2.qcow2
for f in v3 v2 tiny snaps xl2 zlib zstd default ext top; do cp $f.qcow2 "$OLDPWD/$out/qcow2/$f"; done

# vmdk: monolithicSparse is self-contained when named image.vmdk (what the target writes).
q create -f vmdk image.vmdk 1M; io -c 'write -P 0xa1 0 64k' -c 'write -P 0xa2 512k 4k' image.vmdk
cp image.vmdk "$OLDPWD/$out/vmdk/sparse"
q create -f vmdk -o zeroed_grain=on image.vmdk 1M; io -c 'write -P 0xa3 0 64k' -c 'write -z 128k 64k' image.vmdk
cp image.vmdk "$OLDPWD/$out/vmdk/zeroed"
q create -f vmdk -o subformat=streamOptimized image.vmdk 1M
cp image.vmdk "$OLDPWD/$out/vmdk/stream"
printf '# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 2048 FLAT "image.vmdk" 0\nRW 2048 ZERO\n' \
  >"$OLDPWD/$out/vmdk/flat-self"

# raw and probe.
head -c 8192 /dev/urandom >r.raw; truncate -s 64k r.raw
cp r.raw "$OLDPWD/$out/raw/data"; cp r.raw "$OLDPWD/$out/probe/raw"
for f in v3 zlib xl2; do cp $f.qcow2 "$OLDPWD/$out/probe/$f.qcow2"; done
cp "$OLDPWD/$out/vmdk/sparse" "$OLDPWD/$out/probe/sparse.vmdk"
# Their magic is all a probe reads: the first 4 KiB are kept.
for fmt in vdi vpc vhdx qed qcow parallels; do q create -f $fmt x.$fmt 1M; head -c 4096 x.$fmt >"$OLDPWD/$out/probe/$fmt"; done
q create -f vpc -o subformat=fixed fixed.vpc 64k; cp fixed.vpc "$OLDPWD/$out/probe/vpc-fixed"
printf 'just some text\nnot an image\n' >"$OLDPWD/$out/probe/text"
sed 1d "$OLDPWD/$out/vmdk/flat-self" >"$OLDPWD/$out/probe/bare-descriptor"

# chain: several files, the first opened.
cd "$OLDPWD"
pack qcow2-over-qcow2 "$work/top.qcow2" "$work/plain.qcow2"
pack qcow2-three "$work/top2.qcow2" "$work/top.qcow2" "$work/plain.qcow2"
pack qcow2-data-file "$work/ext.qcow2" "$work/ext.data"
pack qcow2-over-compressed "$work/top.qcow2" "$work/zlib.qcow2"
cd "$work"
q create -f raw base.raw 64k; io -f raw -c 'write -P 0xb1 0 4k' base.raw
q create -f qcow2 -o cluster_size=4k -b base.raw -F raw onraw.qcow2 128k; io -c 'write -P 0xb2 8k 4k' onraw.qcow2
q create -f vmdk base.vmdk 1M; io -c 'write -P 0xc1 0 64k' base.vmdk
q create -f vmdk -b base.vmdk -F vmdk child.vmdk; io -c 'write -P 0xc2 64k 64k' child.vmdk
q create -f vmdk -o subformat=monolithicFlat flat.vmdk 64k; io -c 'write -P 0xc3 0 4k' flat.vmdk
q create -f vmdk -o subformat=twoGbMaxExtentFlat split.vmdk 64k
q create -f vmdk -o subformat=twoGbMaxExtentSparse sparse2g.vmdk 1M; io -c 'write -P 0xc4 0 64k' sparse2g.vmdk
cd "$OLDPWD"
pack qcow2-over-raw "$work/onraw.qcow2" "$work/base.raw"
pack vmdk-child "$work/child.vmdk" "$work/base.vmdk"
pack vmdk-flat "$work/flat.vmdk" "$work/flat-flat.vmdk"
pack vmdk-2gb-flat "$work/split.vmdk" "$work"/split-f001.vmdk
pack vmdk-2gb-sparse "$work/sparse2g.vmdk" "$work"/sparse2g-s001.vmdk

# scenario: a few of the corpus, short ones.
for f in scenarios/vbox/duplicate_names_resolve_breadth_first.yaml \
         scenarios/vbox/delete_with_children_removes_leaves_first.yaml \
         scenarios/qemu/quiesce_asks_the_guest_agent_only_on_a_running_domain.yaml; do
  cp "$f" "$out/scenario/$(basename "$f" .yaml)"
done
for f in $(find scenarios/esx scenarios/test -name '*.yaml' -size -4k | sort | head -4); do
  cp "$f" "$out/scenario/$(basename "$f" .yaml)"
done
du -sh "$out"; find "$out" -type f | wc -l
