# Tests of the API reference generator on the real protos: the page documents
# every RPC, message and enum value of gigwire.v1, each with its comment.
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sdk" / "python"))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    subprocess.run([str(ROOT / "tools/apidoc/build.sh"), str(out)], check=True,
                   capture_output=True)
    return (out / "api-reference.md").read_text()


def services():
    """(service, method) of every RPC, read from the proto sources."""
    for proto in sorted((ROOT / "proto/gigwire/v1").glob("*.proto")):
        text = proto.read_text()
        for service, body in re.findall(r"^service (\w+) \{(.*?)^\}", text, re.M | re.S):
            for method in re.findall(r"^\s*rpc (\w+)\(", body, re.M):
                yield service, method


def test_every_rpc_has_a_documented_row(page):
    rpcs = list(services())
    assert len(rpcs) > 40
    for service, method in rpcs:
        assert f"### {service}\n" in page
        row = re.search(rf"^\| {method} \| .*\| (.*) \|$", page, re.M)
        assert row and row.group(1).strip(), f"{service}.{method} has no description"


def test_fields_link_to_their_types_and_maps_are_named(page):
    assert "| `budget` (budget) | [MoneyRange](#moneyrange) |" in page
    assert "map<string, string>" in page  # ErrorDetails.metadata
    assert "### ErrorReason" in page and "| `EMAIL_TAKEN` | 11 |" in page
