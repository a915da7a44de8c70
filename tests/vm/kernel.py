#!/usr/bin/env python3
"""Helpers for tests/vm/run that shell tools cannot do well on a stock Debian host.

  kernel.py vmlinux VMLINUZ OUT      decompress the kernel inside a bzImage (xz payload) to an ELF
  kernel.py modules MODDIR NAME...   print the .ko files NAME needs, dependencies first, one a line
"""
import lzma
import os
import re
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"
ELF_MAGIC = b"\x7fELF"


def vmlinux(vmlinuz, out):
    data = open(vmlinuz, "rb").read()
    start = data.find(XZ_MAGIC)
    if start < 0:
        sys.exit(f"kernel.py: no xz payload in {vmlinuz} (only xz-compressed kernels are handled)")
    # The stream is followed by other data of the bzImage: a decompressor object stops at its end.
    elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
    if not elf.startswith(ELF_MAGIC):
        sys.exit(f"kernel.py: the xz payload of {vmlinuz} is not an ELF kernel")
    tmp = out + ".part"
    with open(tmp, "wb") as f:
        f.write(elf)
    os.replace(tmp, out)


def modules(moddir, names):
    norm = lambda n: n.replace("-", "_")
    files = {}
    for root, _, entries in os.walk(os.path.join(moddir, "kernel")):
        for e in entries:
            if e.endswith(".ko"):
                files[norm(e[:-3])] = os.path.join(root, e)
    builtin = set()
    try:
        with open(os.path.join(moddir, "modules.builtin")) as f:
            builtin = {norm(os.path.basename(l.strip())[:-3]) for l in f if l.strip()}
    except FileNotFoundError:
        pass
    order, seen = [], set()

    def visit(name, chain):
        name = norm(name)
        if name in seen or name in builtin:
            return
        if name in chain:
            sys.exit("kernel.py: module dependency cycle: " + " -> ".join(chain + [name]))
        path = files.get(name)
        if path is None:
            sys.exit(f"kernel.py: module {name} is neither in {moddir}/kernel nor built in")
        info = open(path, "rb").read()
        m = re.search(rb"(?:^|\0)depends=([^\0]*)", info)
        for dep in (m.group(1).decode().split(",") if m else []):
            if dep:
                visit(dep, chain + [name])
        seen.add(name)
        order.append(path)

    for n in names:
        visit(n, [])
    print("\n".join(order))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "vmlinux":
        vmlinux(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "modules":
        modules(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
