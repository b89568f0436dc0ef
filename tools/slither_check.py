"""Runs Slither (from its own environment, .venv-slither) over contracts/ through the project's
compiler and checks its findings against slither-triage.toml: high or medium findings fail; low and
informational ones must be triaged.

    .venv/bin/python tools/slither_check.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BLOCKING = {"High", "Medium"}


def compiler() -> str:
    version = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]["solc"]["version"]
    return str(Path.home() / ".solcx" / f"solc-v{version}")


def remaps() -> str:
    items = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]["solc"]["remappings"]
    return " ".join(f"{k.rstrip('/')}/={v.rstrip('/')}/" for k, v in (item.split("=", 1) for item in items))


def run_slither() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "slither.json"
        slither = ROOT / ".venv-slither" / "bin" / "slither"
        cmd = [str(slither), "contracts", "--solc-standard-json", "--solc", compiler(), "--solc-remaps", remaps(),
               "--solc-args", f"--allow-paths {ROOT},{ROOT / 'node_modules'}",
               "--filter-paths", "node_modules|contracts/test", "--exclude-dependencies", "--json", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if not out.exists():
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit("slither produced no report")
        report = json.loads(out.read_text())
    if not report.get("success"):
        raise SystemExit(f"slither failed: {report.get('error')}")
    return report["results"].get("detectors", [])


def location(finding: dict) -> str:
    element = finding["elements"][0]
    parent = element.get("type_specific_fields", {}).get("parent", {}).get("name", "")
    return f"{parent}.{element['name']}" if parent else element["name"]


def main() -> int:
    triage = tomllib.loads((ROOT / "slither-triage.toml").read_text()).get("finding", [])
    accepted = {(item["check"], item["location"]) for item in triage}
    findings = run_slither()
    problems, seen = [], set()
    for finding in findings:
        key = (finding["check"], location(finding))
        seen.add(key)
        summary = f"[{finding['impact']}] {finding['check']} at {key[1]}: {finding['description'].splitlines()[0]}"
        if finding["impact"] in BLOCKING:
            problems.append(summary)
        elif key not in accepted:
            problems.append(summary + " (not in slither-triage.toml)")
        else:
            print(f"triaged: {summary}")
    for stale in sorted(accepted - seen):
        print(f"note: triage entry no longer reported, remove it: {stale}")
    counts = {impact: sum(f["impact"] == impact for f in findings)
              for impact in ("High", "Medium", "Low", "Informational")}
    print("slither findings: " + ", ".join(f"{k.lower()} {v}" for k, v in counts.items()))
    if problems:
        print("slither check FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("slither check passed: no high or medium finding; every low/informational finding triaged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
