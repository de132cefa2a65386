"""The SAM template points at code that exists and agrees with what the code does."""

import importlib
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from trust_coach.store.base import (
    ACCOUNT_ATTRIBUTE,
    ACCOUNT_INDEX,
    DYNAMODB_ACTIONS,
    DYNAMODB_INDEX_ACTIONS,
    EXPIRY_ATTRIBUTE,
    KEY_ATTRIBUTE,
)

ROOT = Path(__file__).resolve().parents[1]


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !GetAtt, ...) as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def template():
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506


def resources_of(kind):
    return {k: r for k, r in template()["Resources"].items() if r["Type"] == kind}


def function_name():
    (name,) = resources_of("AWS::Serverless::Function")
    return name


def function():
    return template()["Resources"][function_name()]


def table_name():
    (name,) = resources_of("AWS::DynamoDB::Table")
    return name


def table():
    return template()["Resources"][table_name()]


def test_handler_imports_through_code_uri_and_handler(monkeypatch):
    props = function()["Properties"]
    code_dir = ROOT / props["CodeUri"]
    module_name, _, attribute = props["Handler"].rpartition(".")
    monkeypatch.setattr(sys, "path", [str(code_dir), *sys.path])
    for name in [m for m in sys.modules if m == "trust_coach" or m.startswith("trust_coach.")]:
        monkeypatch.delitem(sys.modules, name)
    module = importlib.import_module(module_name)
    assert Path(module.__file__).resolve().is_relative_to(code_dir.resolve())
    assert callable(getattr(module, attribute))


def test_timeout_is_under_alexas_eight_seconds():
    props = function()["Properties"]
    timeout = props.get("Timeout") or template().get("Globals", {}).get("Function", {}).get(
        "Timeout"
    )
    assert timeout is not None and timeout < 8


def test_runtime_is_the_python_the_package_requires():
    props = function()["Properties"]
    match = re.fullmatch(r"python(\d+\.\d+)", props["Runtime"])
    assert match, props["Runtime"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Version(match.group(1)) in SpecifierSet(requires)
    assert props["Architectures"] == ["arm64"]


def test_table_key_is_the_stores_key_attribute_as_a_string_hash_key():
    props = table()["Properties"]
    assert props["KeySchema"] == [{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [
        {"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"},
        {"AttributeName": ACCOUNT_ATTRIBUTE, "AttributeType": "S"},
    ]


def test_the_account_index_is_the_stores_keeping_keys_only():
    (index,) = table()["Properties"]["GlobalSecondaryIndexes"]
    assert index == {
        "IndexName": ACCOUNT_INDEX,
        "KeySchema": [{"AttributeName": ACCOUNT_ATTRIBUTE, "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }


def test_table_expires_records_on_the_stores_expiry_attribute():
    ttl = table()["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": EXPIRY_ATTRIBUTE, "Enabled": True}


def test_table_is_on_demand_recoverable_encrypted_and_never_dropped():
    resource = table()
    props = resource["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert "TableName" not in props  # a fixed name would stop a second stage in one account


def test_policy_allows_exactly_the_stores_actions_on_its_own_table():
    policies = function()["Properties"]["Policies"]
    assert len(policies) == 1, "no SAM policy templates: they grant scans and table admin"
    items, index = policies[0]["Statement"]
    assert items["Effect"] == index["Effect"] == "Allow"
    assert sorted(items["Action"]) == sorted(DYNAMODB_ACTIONS)
    assert items["Resource"] == {"Fn::GetAtt": [table_name(), "Arn"]}
    assert sorted(index["Action"]) == sorted(DYNAMODB_INDEX_ACTIONS)
    assert index["Resource"] == {"Fn::Sub": f"${{{table_name()}.Arn}}/index/{ACCOUNT_INDEX}"}


def test_environment_names_the_table_skill_and_telemetry():
    variables = function()["Properties"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": table_name()}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["POWERTOOLS_SERVICE_NAME"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"]
    assert variables["POWERTOOLS_LOG_LEVEL"] in {"DEBUG", "INFO", "WARNING", "ERROR"}


def test_only_the_skill_can_invoke_the_function():
    events = function()["Properties"]["Events"]
    (event,) = events.values()
    assert event == {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    parameter = template()["Parameters"]["SkillId"]
    assert "Default" not in parameter  # required: deploying without it must fail
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.match("amzn1.ask.skill.0a1b2c3d-0000-4e5f-9a8b-1234567890ab")
    assert not pattern.match("arn:aws:lambda:us-east-1:123456789012:function:x")


def test_parameters_for_stage_and_log_retention():
    parameters = template()["Parameters"]
    assert parameters["Stage"]["Default"]
    assert (
        parameters["LogRetentionDays"]["Default"] in parameters["LogRetentionDays"]["AllowedValues"]
    )


def test_logs_go_to_a_log_group_with_retention():
    (name, group) = next(iter(resources_of("AWS::Logs::LogGroup").items()))
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert function()["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": name}


def _alarm_targets(alarm):
    props = alarm["Properties"]
    stats = [props] + [
        m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m
    ]
    return {(s.get("Namespace"), s.get("MetricName"), str(s.get("Dimensions"))) for s in stats}


def test_alarms_watch_function_errors_throttles_and_table_throttles():
    targets = set()
    for alarm in resources_of("AWS::CloudWatch::Alarm").values():
        targets |= _alarm_targets(alarm)
    on_function = str([{"Name": "FunctionName", "Value": {"Ref": function_name()}}])
    on_table = str([{"Name": "TableName", "Value": {"Ref": table_name()}}])
    assert ("AWS/Lambda", "Errors", on_function) in targets
    assert ("AWS/Lambda", "Throttles", on_function) in targets
    assert ("AWS/DynamoDB", "ReadThrottleEvents", on_table) in targets
    assert ("AWS/DynamoDB", "WriteThrottleEvents", on_table) in targets


def test_store_error_alarm_watches_the_metric_the_skill_emits():
    from trust_coach.telemetry import STORE_ERRORS

    variables = function()["Properties"]["Environment"]["Variables"]
    service = [{"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}]
    expected = (variables["POWERTOOLS_METRICS_NAMESPACE"], STORE_ERRORS, str(service))
    alarms = resources_of("AWS::CloudWatch::Alarm").values()
    assert any(expected in _alarm_targets(alarm) for alarm in alarms)


def test_outputs_give_the_alias_arn_for_the_skill_and_the_table_name():
    outputs = template()["Outputs"]
    assert outputs["FunctionAliasArn"]["Value"] == {"Ref": f"{function_name()}.Alias"}
    assert "Condition" not in outputs["FunctionAliasArn"]  # the endpoint, SnapStart or not
    assert outputs["FunctionArn"]["Value"] == {"Fn::GetAtt": [function_name(), "Arn"]}
    assert outputs["TableName"]["Value"] == {"Ref": table_name()}


def test_snapstart_is_a_switch_for_the_published_versions_behind_the_alias():
    parameter = template()["Parameters"]["SnapStart"]
    assert parameter["Default"] == "Disabled"
    assert set(parameter["AllowedValues"]) == {"Enabled", "Disabled"}
    assert template()["Conditions"]["UseSnapStart"] == {
        "Fn::Equals": [{"Ref": "SnapStart"}, "Enabled"]
    }
    props = function()["Properties"]
    assert props["SnapStart"] == {
        "Fn::If": ["UseSnapStart", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
    }
    # SnapStart applies only to published versions: the alias is what the skill calls
    assert props["AutoPublishAlias"] == "live"
    assert props["VersionDeletionPolicy"] == "Delete"  # left versions and snapshots go
    assert "Rules" not in template()  # nothing refuses SnapStart any more


def test_snapstart_runs_on_a_runtime_that_has_it():
    match = re.fullmatch(r"python3\.(\d+)", function()["Properties"]["Runtime"])
    assert match and int(match.group(1)) >= 12  # Python SnapStart needs python3.12 or later


def test_the_runtime_is_the_one_make_builds_with():
    makefile = (ROOT / "Makefile").read_text()
    (version,) = re.findall(r"^RUNTIME_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert function()["Properties"]["Runtime"] == f"python{version}"


def _requirement_names(lines):
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0].lower())
    return names


def test_lambda_requirements_are_the_packages_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {line for line in project["dependencies"] if not line.startswith("boto3")}
    shipped = (ROOT / "lambda" / "requirements.txt").read_text().splitlines()
    assert _requirement_names(shipped) == _requirement_names(wanted)
    pinned = {line.strip() for line in shipped if line.strip() and not line.startswith("#")}
    assert pinned == wanted  # the same pins, so Lambda runs what the tests ran


@pytest.mark.parametrize("section", ["build", "deploy"])
def test_samconfig_has_defaults_for_build_and_deploy(section):
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    assert config["default"]["global"]["parameters"]["stack_name"]
    assert config["default"][section]["parameters"]


def test_samconfig_deploy_asks_for_confirmation_and_iam_capability():
    deploy = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]["deploy"]["parameters"]
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["confirm_changeset"] is True
    assert "SkillId" not in deploy.get("parameter_overrides", "")  # each builder's own
