#!/usr/bin/env python3
"""The CI and cluster files that run campaigns as shards, checked: each parses as YAML,
its shard count is one number everywhere (matrix or `parallel:` or `completions:`, the
`--shard` of the command, the merge's list of reports), the merge job comes after the
shards and runs whatever their outcome, and the snapsim commands are ones snapsim takes
(run with --list, or the Kubernetes fuzz shard with a few sequences on the model).
Usage: deploy_files_test.py SNAPSIM   (run from the repository root)"""
import os
import re
import shlex
import subprocess
import sys

import yaml

snapsim = sys.argv[1]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
    return condition


def load(path):
    with open(path, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def snapsim_command(text):
    """The words of the snapsim command in a shell line, build/snapsim first."""
    words = shlex.split(text.replace(";", " ; "))
    start = next(i for i, w in enumerate(words) if w.endswith("build/snapsim"))
    end = next((i for i in range(start, len(words)) if words[i] == ";"), len(words))
    return words[start:end]


backends_listing = subprocess.run([snapsim, "backends"], capture_output=True, text=True).stdout
available = {line.split()[0] for line in backends_listing.splitlines()
             if len(line.split()) > 1 and line.split()[1] == "available"}


def accepted(words, env, what):
    words = [snapsim] + words[1:]
    if "--backend" in words:  # a build without some backend family runs the model instead
        i = words.index("--backend") + 1
        if not all(b in available for b in words[i].split(",")):
            words[i] = "model"
    result = subprocess.run(words, env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=120)
    check(result.returncode == 0,
          f"{what}: `{' '.join(words)}` exits {result.returncode}: {result.stderr[-300:]}")
    return result


def report_list(words):
    """The FILE... operands of `report merge` (up to the first option)."""
    i = words.index("merge") + 1
    files = []
    while i < len(words) and not words[i].startswith("--"):
        files.append(words[i])
        i += 1
    return files


# GitHub Actions.
github = load(".github/workflows/conformance.yml")[0]
jobs = github["jobs"]
shards = jobs["shard"]["strategy"]["matrix"]["shard"]
n = len(shards)
check(shards == list(range(n)) and n > 1, f"github: the matrix is 0..N-1: {shards}")
check(jobs["shard"]["strategy"].get("fail-fast") is False, "github: fail-fast is off")
run_step = next(s for s in jobs["shard"]["steps"] if "snapsim run" in s.get("name", ""))
run_words = snapsim_command(run_step["run"].replace("${{ matrix.shard }}", "MATRIX_SHARD"))
check(f"MATRIX_SHARD/{n}" in run_words, f"github: the run says --shard K/{n}")
merge = jobs["merge"]
check(merge.get("needs") in ("shard", ["shard"]), "github: merge needs the shard jobs")
check(merge.get("if") == "always()", "github: merge runs whatever the shards' outcome")
merge_step = next(s for s in merge["steps"] if "report merge" in s.get("name", ""))
check(report_list(snapsim_command(merge_step["run"])) == [f"shard-{k}.json" for k in range(n)],
      f"github: the merge names shard-0.json .. shard-{n - 1}.json")
download = next(s for s in merge["steps"] if "download-artifact" in s.get("uses", ""))
check(download["with"].get("pattern") == "shard-*", "github: merge downloads every shard")
listed = [w.replace("MATRIX_SHARD", "1") for w in run_words] + ["--list"]
accepted(listed, {}, "github: the shard's run")

# GitLab CI.
gitlab = load(".gitlab-ci.yml")[0]
shard_job, merge_job = gitlab["conformance"], gitlab["merge"]
n = shard_job["parallel"]
check(isinstance(n, int) and n > 1, f"gitlab: parallel is a count: {n}")
stages = gitlab["stages"]
check(stages.index(shard_job["stage"]) < stages.index(merge_job["stage"]),
      "gitlab: the merge stage comes after the shards'")
check(any(need == "conformance" or (isinstance(need, dict) and need.get("job") == "conformance")
          for need in merge_job["needs"]), "gitlab: merge needs the shard jobs")
check(merge_job.get("when") == "always", "gitlab: merge runs whatever the shards' outcome")
run_words = snapsim_command(shard_job["script"][0])
check("auto" in run_words and run_words[run_words.index("auto") - 1] == "--shard",
      "gitlab: the run says --shard auto (CI_NODE_INDEX, CI_NODE_TOTAL)")
check(report_list(snapsim_command(merge_job["script"][0])) ==
      [f"shard-{k}.json" for k in range(1, n + 1)],
      f"gitlab: the merge names shard-1.json .. shard-{n}.json (CI_NODE_INDEX is 1-based)")
check(merge_job["artifacts"]["reports"]["junit"] == "merged.xml", "gitlab: JUnit report")
accepted([w.replace("$CI_NODE_INDEX", "2") for w in run_words] + ["--list"],
         {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": str(n)}, "gitlab: the shard's run")

# Kubernetes.
fuzz_job, merge_k8s = load("deploy/k8s/fuzz-indexed-job.yaml")
spec = fuzz_job["spec"]
n = spec["completions"]
check(fuzz_job["kind"] == "Job" and spec.get("completionMode") == "Indexed",
      "k8s: an Indexed Job")
check(spec.get("parallelism") == n, "k8s: parallelism is completions")
container = spec["template"]["spec"]["containers"][0]
shell = container["command"][-1]
fuzz_words = snapsim_command(shell)
check(f"auto:{n}" in fuzz_words, f"k8s: the shard says --shard auto:{n} (completions)")
check("/reports/shard-$JOB_COMPLETION_INDEX.json" in fuzz_words, "k8s: one report per index")
merge_spec = merge_k8s["spec"]["template"]["spec"]
merge_container = merge_spec["containers"][0]
shards_env = {e["name"]: e["value"] for e in merge_container.get("env", [])}
check(shards_env.get("SHARDS") == str(n), f"k8s: the merge waits for {n} shards")
check("report merge" in merge_container["command"][-1], "k8s: the merge job merges")
claims = {v["persistentVolumeClaim"]["claimName"]
          for job in (spec["template"]["spec"], merge_spec) for v in job["volumes"]}
check(len(claims) == 1, f"k8s: shards and merge share one volume: {claims}")
# The shard's command on the model, a few sequences, index 3.
words = [w.replace("$JOB_COMPLETION_INDEX", "3") for w in fuzz_words]
tmp = os.environ.get("TMPDIR", "/tmp")
words = [re.sub(r"^/reports/", f"{tmp}/snapsim-k8s-{os.getpid()}-", w) for w in words]
words[words.index("--backend") + 1] = "model"
words[words.index("--runs") + 1] = "3"
result = accepted(words, {"JOB_COMPLETION_INDEX": "3"}, "k8s: the shard's fuzz")
check(f"shard 3/{n} (Kubernetes: JOB_COMPLETION_INDEX=3)" in result.stdout,
      f"k8s: the shard is 3/{n} from JOB_COMPLETION_INDEX: {result.stdout[:300]}")
for w in words:
    if w.startswith(f"{tmp}/snapsim-k8s-"):
        subprocess.run(["rm", "-rf", w])

for failure in failures:
    print("FAIL:", failure)
if not failures:
    print("ok: the GitHub, GitLab and Kubernetes files shard and merge consistently")
sys.exit(1 if failures else 0)
