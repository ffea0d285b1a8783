#!/usr/bin/env python3
"""cfn-lint gate: runs cfn-lint with its own rules and AWS's Serverless Rules (cfn-lint-serverless,
appended as cfn_lint_serverless.rules) over synthesized templates, with zero errors and warnings
allowed. A finding is accepted only by a reviewed acknowledgement (.cfn-lint-gate.yaml) naming the
rule, where (logical-id and stack globs), why, and what in the template makes the reason true:

  requires: [Dotted.Property.Path, ...]   present on the flagged resource
  lacks: [Dotted.Property.Path, ...]      absent from it
  equals: {Dotted.Property.Path: value}   with that value on it
  holds: NAME                             one of HOLDS below, about the resources it is tied to

An acknowledgement whose conditions fail for a resource does not apply to it; one that matches no
finding at all is itself a finding (remove it).

Usage: cfn-lint-gate.py [--acknowledgements FILE] DIR_OR_TEMPLATE...
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
from pathlib import Path

import yaml

SERVERLESS_RULES = "cfn_lint_serverless.rules"
# Property names under which a queue's ARN makes it the dead-letter target of another resource.
DEAD_LETTER_KEYS = {"DeadLetterConfig", "OnFailure", "deadLetterTargetArn", "RedrivePolicy"}


def refers_to(node: object, lid: str) -> bool:
    """Whether a property value is a Ref or Fn::GetAtt of the logical ID."""
    if isinstance(node, dict) and len(node) == 1:
        (fn, arg), = node.items()
        if fn == "Ref":
            return arg == lid
        if fn == "Fn::GetAtt":
            return (arg[0] if isinstance(arg, list) else str(arg).split(".")[0]) == lid
    return False


def references_under(node: object, lid: str, keys: set[str], inside: bool = False) -> bool:
    """Whether the logical ID is referenced somewhere below one of the property names in keys."""
    if refers_to(node, lid):
        return inside
    if isinstance(node, dict):
        return any(references_under(v, lid, keys, inside or k in keys) for k, v in node.items())
    if isinstance(node, list):
        return any(references_under(v, lid, keys, inside) for v in node)
    return False


def lookup(props: dict, path: str) -> object:
    node: object = props
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def dead_letter_target(resources: dict, lid: str) -> bool:
    """The queue is another resource's dead-letter queue or on-failure destination."""
    return any(
        references_under(r.get("Properties", {}), lid, DEAD_LETTER_KEYS) for k, r in resources.items() if k != lid
    )


def target_function(resources: dict, props: dict) -> str | None:
    fn = props.get("FunctionName")
    return next((k for k in resources if refers_to(fn, k)), None)


def function_has_on_failure_destination(resources: dict, lid: str) -> bool:
    """The permission's function has an EventInvokeConfig with an on-failure destination."""
    fn = target_function(resources, resources[lid].get("Properties", {}))
    return fn is not None and any(
        r.get("Type") == "AWS::Lambda::EventInvokeConfig"
        and refers_to(r.get("Properties", {}).get("FunctionName"), fn)
        and lookup(r.get("Properties", {}), "DestinationConfig.OnFailure.Destination") is not None
        for r in resources.values()
    )


def source_queue_has_redrive_policy(resources: dict, lid: str) -> bool:
    """The event source mapping reads an SQS queue that has its own dead-letter queue."""
    source = resources[lid].get("Properties", {}).get("EventSourceArn")
    return any(
        refers_to(source, k) and r.get("Type") == "AWS::SQS::Queue" and "RedrivePolicy" in r.get("Properties", {})
        for k, r in resources.items()
    )


def queue_without_consumer(resources: dict, lid: str) -> bool:
    """No event source mapping reads the queue: messages are put there for operators to inspect."""
    return resources[lid].get("Type") == "AWS::SQS::Queue" and not any(
        r.get("Type") == "AWS::Lambda::EventSourceMapping"
        and refers_to(r.get("Properties", {}).get("EventSourceArn"), lid)
        for r in resources.values()
    )


HOLDS = {
    "dead-letter-target": dead_letter_target,
    "queue-without-consumer": queue_without_consumer,
    "function-has-on-failure-destination": function_has_on_failure_destination,
    "source-queue-has-redrive-policy": source_queue_has_redrive_policy,
}


def load_acknowledgements(path: Path) -> list[dict]:
    if not path.exists():
        return []
    acks = (yaml.safe_load(path.read_text()) or {}).get("acknowledgements", []) or []
    for ack in acks:
        if not ack.get("rule") or not str(ack.get("reason", "")).strip():
            raise SystemExit(f"{path}: every acknowledgement needs a rule and a reason: {ack}")
        if ack.get("holds") and ack["holds"] not in HOLDS:
            raise SystemExit(f"{path}: unknown holds {ack['holds']!r} (known: {', '.join(HOLDS)})")
    return acks


def applies(ack: dict, stack: str, lid: str, resources: dict) -> bool:
    if not (fnmatch.fnmatch(lid, ack.get("logical-id", "*")) and fnmatch.fnmatch(stack, ack.get("stack", "*"))):
        return False
    props = resources.get(lid, {}).get("Properties", {}) or {}
    if any(lookup(props, p) is None for p in ack.get("requires", [])):
        return False
    if any(lookup(props, p) is not None for p in ack.get("lacks", [])):
        return False
    if any(lookup(props, p) != v for p, v in (ack.get("equals") or {}).items()):
        return False
    return not ack.get("holds") or (lid in resources and HOLDS[ack["holds"]](resources, lid))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--acknowledgements", type=Path, default=Path(".cfn-lint-gate.yaml"))
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    acks = load_acknowledgements(args.acknowledgements)
    files = [f for p in args.paths for f in (sorted(p.glob("*.template.json")) if p.is_dir() else [p])]
    if not files:
        print("cfn-lint-gate: no templates given", file=sys.stderr)
        return 1
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    run = subprocess.run(
        [str(cfn_lint), "--append-rules", SERVERLESS_RULES, "--format", "json", "--", *map(str, files)],
        capture_output=True,
        text=True,
    )
    try:
        results = json.loads(run.stdout or "[]")
    except json.JSONDecodeError:
        print(f"cfn-lint-gate: cfn-lint failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}", file=sys.stderr)
        return 1
    templates = {str(f): json.loads(f.read_text()).get("Resources", {}) for f in files}
    findings: list[str] = []
    used: set[int] = set()
    for r in results:
        filename, rule = r["Filename"], r["Rule"]["Id"]
        stack = Path(filename).name.removesuffix(".template.json")
        path = r["Location"].get("Path") or []
        lid = path[1] if len(path) > 1 and path[0] == "Resources" else ""
        resources = templates.get(filename, {})
        hit = next((i for i, a in enumerate(acks) if a["rule"] == rule and applies(a, stack, lid, resources)), None)
        if hit is None:
            line = r["Location"]["Start"]["LineNumber"]
            findings.append(f"{stack} {lid or '-'}: {rule} ({r['Level']}): {r['Message']} [{filename}:{line}]")
        else:
            used.add(hit)
    for i, ack in enumerate(acks):
        if i not in used:
            findings.append(f"{args.acknowledgements}: acknowledgement of {ack['rule']} matches no finding; remove it")
    for line in findings:
        print(line)
    print(
        f"cfn-lint-gate: {len(files)} templates, {len(results)} findings of cfn-lint and serverless rules, "
        f"{len(used)} acknowledgements used, {len(findings)} unacknowledged"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
