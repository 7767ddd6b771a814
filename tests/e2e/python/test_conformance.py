# The SDK conformance scenario (tests/conformance/scenario.json; its step format in
# tests/conformance/README.md), run through the Python SDK against a real gigwired.
import datetime
import importlib
import io
import json
import os
import queue
import re
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from google.protobuf import descriptor_pool, json_format

import gigwire
from gigwire import Client, GigwireError, Watch
from gigwire.v1 import job_pb2, offer_pb2

from conftest import RELAXED_AUTH_LIMITS

SCENARIO = Path(__file__).resolve().parents[2] / "conformance" / "scenario.json"
SDK_SOURCE = Path(__file__).resolve().parents[3] / "sdk" / "python"
AWAIT_TIMEOUT_S = 10.0
TOKEN = re.compile(r"\$\{([^}]+)\}")


def lookup(value: Any, path: str) -> Any:
    """The value at a dotted `path` of decoded JSON (numbers index lists)."""
    for part in path.split("."):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise AssertionError(f"no {path!r} in {value!r}") from None
    return value


def matches(actual_json: Dict[str, Any], expect: Dict[str, Any]) -> List[str]:
    """The mismatches of `expect` (already substituted) in `actual_json`; an expected ""
    also matches a missing path (proto3 JSON leaves out empty fields)."""
    problems = []
    for path, expected in expect.items():
        try:
            actual = lookup(actual_json, path)
        except AssertionError as missing:
            if expected != "":
                problems.append(str(missing))
            continue
        if isinstance(expected, bool):
            same = actual is expected
        elif isinstance(expected, (int, float)):
            same = float(actual) == expected
        else:
            same = str(actual) == expected
        if not same:
            problems.append(f"{path}: expected {expected!r}, got {actual!r}")
    return problems


class Runner:
    """Runs scenario steps through the SDK: one Client per actor, saved responses as JSON."""

    def __init__(self, address: str):
        self.address = address
        self.clients: Dict[str, Client] = {"anonymous": Client(address)}
        self.saved: Dict[str, Any] = {}
        self.watches: Dict[str, Tuple[Watch, "queue.Queue[Any]"]] = {}
        self.unique = uuid.uuid4().hex[:10]

    def close(self) -> None:
        for watch, _ in self.watches.values():
            watch.close()
        for client in self.clients.values():
            client.close()

    def substitute(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        return TOKEN.sub(lambda m: str(self.resolve(m.group(1))), value) \
            if isinstance(value, str) else value

    def resolve(self, token: str) -> Any:
        if token == "unique":
            return self.unique
        if token.startswith("in_days:"):
            when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            return (when + datetime.timedelta(days=float(token[8:]))).strftime("%Y-%m-%dT%H:%M:%SZ")
        name, _, path = token.partition(".")
        return lookup(self.saved[name], path)

    def run(self, step: Dict[str, Any]) -> None:
        if "login" in step:
            self.login(step)
        elif "watch_offers" in step or "watch_events" in step:
            self.start_watch(step)
        elif "await" in step:
            self.await_event(step)
        elif "upload" in step:
            self.upload(step)
        elif "download" in step:
            self.download(step)
        else:
            self.call(step)

    def login(self, step: Dict[str, Any]) -> None:
        client = Client(self.address)
        tokens = client.login(self.substitute(step["email"]), self.substitute(step["password"]))
        self.clients[step["login"]] = client
        self.saved[step["login"]] = json_format.MessageToDict(tokens)

    def call(self, step: Dict[str, Any]) -> None:
        service_name, method_name = step["rpc"].rsplit("/", 1)
        method = descriptor_pool.Default().FindServiceByName(service_name).FindMethodByName(
            method_name)
        module = importlib.import_module(method.input_type.file.name[:-len(".proto")]
                                         .replace("/", ".") + "_pb2")
        request_class = getattr(module, method.input_type.name)
        request = json_format.ParseDict(self.substitute(step["request"]), request_class())
        client = self.clients[step["as"]]
        service = next(s for s in vars(client).values() if type(s).__name__ ==
                       service_name.rsplit(".", 1)[1])
        try:
            response = getattr(service, method_name)(request)
        except GigwireError as error:
            self.check_error(step, error)
            return
        assert "error" not in step, f"expected {step['error']}, got a response"
        self.check_and_save(step, json_format.MessageToDict(response))

    def upload(self, step: Dict[str, Any]) -> None:
        """upload: the SDK's upload helper sends `text` (UTF-8) named `name`; the
        FileInfo is checked and saved as the step's `upload` name."""
        client = self.clients[step["as"]]
        text = self.substitute(step["text"]).encode()
        try:
            info = client.upload_file(text, self.substitute(step["name"]))
        except GigwireError as error:
            self.check_error(step, error)
            return
        assert "error" not in step, f"expected {step['error']}, got a file"
        self.check_and_save({**step, "save": step["upload"]}, json_format.MessageToDict(info))

    def download(self, step: Dict[str, Any]) -> None:
        """download: the SDK's download helper fetches the file; its bytes must be `text`."""
        client = self.clients[step["as"]]
        sink = io.BytesIO()
        try:
            client.download_file(self.substitute(step["download"]), sink)
        except GigwireError as error:
            self.check_error(step, error)
            return
        assert "error" not in step, f"expected {step['error']}, got the file"
        assert sink.getvalue() == self.substitute(step["text"]).encode(), sink.getvalue()

    def check_error(self, step: Dict[str, Any], error: GigwireError) -> None:
        expected = step.get("error")
        assert expected is not None, f"unexpected error {error}"
        assert error.code.name == expected["code"], f"expected {expected}, got {error}"
        if "reason" in expected:
            assert error.reason == expected["reason"], f"expected {expected}, got {error}"
        violated = {field for field, _ in error.field_violations}
        assert set(expected.get("fields", [])) <= violated, f"expected {expected}, got {error}"

    def check_and_save(self, step: Dict[str, Any], actual: Dict[str, Any]) -> None:
        problems = matches(actual, self.substitute(step.get("expect", {})))
        assert not problems, "; ".join(problems)
        if "save" in step:
            self.saved[step["save"]] = actual

    def start_watch(self, step: Dict[str, Any]) -> None:
        """watch_offers: ListOffers, then the offer watch from its cursor; watch_events:
        ListJobs, then the event watch from its cursor."""
        client = self.clients[step["as"]]
        if "watch_offers" in step:
            name = step["watch_offers"]
            listed = client.offers.ListOffers(offer_pb2.ListOffersRequest())
            watch: Watch[Any] = client.watch_offers(resume_cursor=listed.event_cursor)
        else:
            name = step["watch_events"]
            jobs = client.jobs.ListJobs(job_pb2.ListJobsRequest())
            watch = client.watch_events(resume_cursor=jobs.event_cursor)
        self.watches[name] = (watch, self.collect(watch))

    @staticmethod
    def collect(watch: "Watch[Any]") -> "queue.Queue[Any]":
        """A queue that a background thread fills with the watch's events as JSON."""
        events: "queue.Queue[Any]" = queue.Queue()

        def collect() -> None:
            try:
                for event in watch:
                    events.put(json_format.MessageToDict(event))
            except GigwireError as error:  # closed at the end, or a real failure
                events.put(error)

        threading.Thread(target=collect, daemon=True).start()
        return events

    def await_event(self, step: Dict[str, Any]) -> None:
        _, events = self.watches[step["await"]]
        expect = self.substitute(step["expect"])
        while True:
            try:
                event = events.get(timeout=AWAIT_TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(f"no event matching {expect} within {AWAIT_TIMEOUT_S} s")
            assert not isinstance(event, GigwireError), f"the watch failed: {event}"
            if not matches(event, expect):
                self.check_and_save(step, event)
                return


def test_conformance_scenario(start_server):
    if os.environ.get("GIGWIRE_USE_INSTALLED_SDK"):  # prove which package runs
        assert SDK_SOURCE not in Path(gigwire.__file__).resolve().parents, gigwire.__file__
    scenario = json.loads(SCENARIO.read_text())
    # A server of its own, started with the scenario's flags (e.g. its platform fee).
    server = start_server(*RELAXED_AUTH_LIMITS, *scenario.get("server_flags", []))
    steps = scenario["steps"]
    runner = Runner(server.address)
    try:
        for number, step in enumerate(steps, 1):
            try:
                runner.run(step)
            except AssertionError as failure:
                pytest.fail(f"step {number} ({step['title']}): {failure}")
    finally:
        runner.close()
