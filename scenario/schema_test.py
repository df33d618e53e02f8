#!/usr/bin/env python3
"""The editor schema against the loader.

Usage: schema_test.py SNAPSIM REPOSITORY

1. `snapsim schema` prints exactly docs/scenario.schema.json (the shipped file is current).
2. The schema is a valid draft 2020-12 schema, and every corpus file (scenarios/**) and
   every valid test file is valid against it.
3. Every malformed test file (scenario/testdata/malformed, rejected by the loader) is
   rejected by the schema too, or by the YAML reader an editor uses, except the files of
   LOADER_ONLY: mistakes a schema cannot see. Those must still pass the schema, so the
   list stays true.

Needs python3-jsonschema and python3-yaml (scripts/bootstrap); exits 77 (skipped) without.
"""
import glob
import json
import os
import subprocess
import sys

SKIP = 77

# Malformed files whose mistake only the loader sees, by class.
LOADER_ONLY = {
    # Needs the domain's declared disks: which disks exist, and their sizes.
    "undeclared_disk.yaml": "disk names are checked against domain.disks",
    "expect_undeclared_disk.yaml": "disk names are checked against domain.disks",
    "duplicate_disk.yaml": "disk names must be unique within domain.disks",
    "write_past_end.yaml": "a range must lie inside its disk's size",
    "write_starts_past_end.yaml": "a range must lie inside its disk's size",
    "expect_range_past_end.yaml": "a range must lie inside its disk's size",
    # Arithmetic on sizes.
    "unaligned_write.yaml": "offsets and lengths must be multiples of 512",
    "unaligned_length.yaml": "offsets and lengths must be multiples of 512",
    "expect_range_unaligned.yaml": "offsets and lengths must be multiples of 512",
    "zero_length_write.yaml": "a length must not be zero (64KiB and 0 look alike to a pattern)",
    "disk_size_zero.yaml": "a disk size must be positive",
    "size_overflow.yaml": "a size must fit in 64 bits",
    # Rules of one profile.
    "qemu_external_with_memory.yaml": "a qemu-only rule on create's flags",
    "qemu_disk_only_internal.yaml": "a qemu-only rule on create's flags",
    "set_current_on_vbox.yaml": "a vbox-only rule: set-current is not modelled there",
    "no_metadata_on_vbox.yaml": "a vbox-only rule on create's flags",
    # Names within one tree, a key spelled twice (YAML readers keep the last one).
    "tree_duplicate_name.yaml": "a snapshot name appears once in a tree",
    "duplicate_top_key.yaml": "Python's YAML reader keeps the last of two equal keys",
    # What YAML readers resolve before a schema sees the document.
    "alias.yaml": "YAML readers expand aliases; the loader refuses them",
    "bad_memory_mode.yaml": "a YAML 1.1 reader reads `memory: true` as `memory: yes`",
}


def main():
    snapsim, repo = sys.argv[1], sys.argv[2]
    try:
        import jsonschema  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as e:
        print(f"skipped: {e.name} is not installed (python3-jsonschema, python3-yaml)")
        return SKIP
    import jsonschema
    import yaml

    # A tree of 33 nested snapshots (esx's chain limit) is deep for the validator.
    sys.setrecursionlimit(20000)
    failures = []
    printed = subprocess.run([snapsim, "schema"], check=True, capture_output=True).stdout
    with open(os.path.join(repo, "docs", "scenario.schema.json"), "rb") as f:
        if f.read() != printed:
            failures.append("docs/scenario.schema.json differs from `snapsim schema`: "
                            "run `build/snapsim schema > docs/scenario.schema.json`")
    schema = json.loads(printed)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def read(path):
        """The document, or None when the YAML reader refuses the text."""
        try:
            with open(path, "rb") as f:
                return True, yaml.safe_load(f.read().decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError):
            return False, None

    valid = sorted(glob.glob(os.path.join(repo, "scenarios", "**", "*.yaml"), recursive=True) +
                   glob.glob(os.path.join(repo, "scenarios", "**", "*.yml"), recursive=True) +
                   glob.glob(os.path.join(repo, "scenario", "testdata", "valid", "*.yaml")))
    for path in valid:
        ok, document = read(path)
        errors = list(validator.iter_errors(document)) if ok else ["not YAML"]
        for error in errors[:3]:
            where = "/".join(str(p) for p in getattr(error, "absolute_path", []))
            failures.append(f"{path}: valid file rejected by the schema at {where}: "
                            f"{getattr(error, 'message', error)}")
    malformed = sorted(glob.glob(os.path.join(repo, "scenario", "testdata", "malformed", "*.yaml")))
    caught = 0
    for path in malformed:
        name = os.path.basename(path)
        ok, document = read(path)
        rejected = not ok or not validator.is_valid(document)
        caught += rejected
        if name in LOADER_ONLY and rejected:
            failures.append(f"{name}: listed as loader-only ({LOADER_ONLY[name]}) but the schema "
                            "rejects it too: remove it from LOADER_ONLY")
        if name not in LOADER_ONLY and not rejected:
            failures.append(f"{name}: the loader rejects it, the schema accepts it")
    for name in LOADER_ONLY:
        if not os.path.exists(os.path.join(repo, "scenario", "testdata", "malformed", name)):
            failures.append(f"LOADER_ONLY names {name}, which is not a malformed test file")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(valid)} valid files checked; schema rejects {caught} of {len(malformed)} "
          f"malformed files, {len(LOADER_ONLY)} are loader-only")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
