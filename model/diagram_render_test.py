#!/usr/bin/env python3
"""snapsim diagram through Graphviz: every profile renders as SVG, and the rendered
figure has exactly the edges of the model's power machine (snapsim's own dot text, which
model/diagram_test.cc checks against the MSM table and the rules).

Usage: diagram_render_test.py SNAPSIM. Exits 77 (skipped) when Graphviz's dot is missing.
"""
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SKIP = 77
SVG = "{http://www.w3.org/2000/svg}"


def main():
    snapsim = sys.argv[1]
    if shutil.which("dot") is None:
        print("skipped: Graphviz's dot is not installed (Debian: graphviz)")
        return SKIP
    failures = []
    for profile in ["esx", "qemu", "vbox", "test"]:
        dot = subprocess.run([snapsim, "diagram", "--hypervisor", profile],
                             check=True, capture_output=True, text=True).stdout
        want = sorted(re.findall(r"^\s+(\w+) -> (\w+) \[", dot, re.M))
        svg = subprocess.run([snapsim, "diagram", "--hypervisor", profile, "--format", "svg"],
                             capture_output=True)
        if svg.returncode != 0:
            failures.append(f"{profile}: --format svg exited {svg.returncode}: "
                            f"{svg.stderr.decode()}")
            continue
        root = ET.fromstring(svg.stdout)
        got = []
        for group in root.iter(SVG + "g"):
            if group.get("class") != "edge":
                continue
            title = group.find(SVG + "title").text
            ends = tuple(end.split(":")[0] for end in title.split("->"))  # "paused:s": a port
            if ends[0] != "begin":
                got.append(ends)
        got.sort()
        if got != want:
            failures.append(f"{profile}: rendered edges {got} != the model's {want}")
        text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        for needed in ["shutoff", "running", "paused", "revert", "delete A {children-only}"]:
            if needed not in text:
                failures.append(f"{profile}: '{needed}' is not in the rendered figure")
        png = subprocess.run([snapsim, "diagram", "--hypervisor", profile, "--format", "png"],
                             capture_output=True)
        if png.returncode != 0 or not png.stdout.startswith(b"\x89PNG"):
            failures.append(f"{profile}: --format png gave no PNG")
        print(f"{profile}: {len(got)} edges rendered")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
