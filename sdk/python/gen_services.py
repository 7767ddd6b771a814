"""Generates gigwire/v1/services.py, the typed service facade of the Python SDK.

Input: a FileDescriptorSet of the protos (protoc --descriptor_set_out
--include_imports --include_source_info). Output: for each service a class
binding its RPCs (sync: Unary / ServerStream / ClientStream; asyncio:
AsyncUnary / AsyncServerStream / AsyncClientStream, each typed with the
request and response messages), and
the classes Services / AsyncServices with one attribute per service, which
gigwire.Client and gigwire.aio.AsyncClient derive from. So an RPC or a service
added to a proto appears, typed, with nothing written by hand.

Attribute names follow one rule: a service with an RPC named after the plural
of its noun (JobService.ListJobs, SellerService.SearchSellers,
EventService.WatchEvents) is a collection and gets the plural (jobs, sellers,
events); any other keeps its noun (AuthService: auth, CatalogService:
catalog). snake_case here, lowerCamelCase in the TypeScript SDK.

Run by gen.sh and setup.py; the output is never committed or edited.
Usage: python3 gen_services.py DESCRIPTOR_SET OUT_FILE
"""
import re
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from google.protobuf import descriptor_pb2

PACKAGE = "gigwire.v1"
SOURCE_SERVICE = 6  # FileDescriptorProto.service field number, in SourceCodeInfo paths


def plural(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def attribute_name(service: descriptor_pb2.ServiceDescriptorProto) -> str:
    """The Client attribute of `service` (see the module comment)."""
    noun = service.name[:-len("Service")] if service.name.endswith("Service") else service.name
    collection = plural(noun)
    if any(method.name.endswith(collection) for method in service.method):
        return snake_case(collection)
    return snake_case(noun)


def module_of(proto_file: str) -> Tuple[str, str]:
    """("gigwire.v1", "job_pb2") for "gigwire/v1/job.proto"."""
    path = Path(proto_file)
    return ".".join(path.parent.parts), path.stem + "_pb2"


def message_types(files: List[descriptor_pb2.FileDescriptorProto]) -> Dict[str, Tuple[str, str]]:
    """Full type name (".gigwire.v1.Job") -> (file, Python name within its module)."""
    types: Dict[str, Tuple[str, str]] = {}

    def walk(file: str, prefix: str, local: str, messages) -> None:
        for message in messages:
            name = f"{local}{message.name}"
            types[f"{prefix}.{message.name}"] = (file, name)
            walk(file, f"{prefix}.{message.name}", f"{name}.", message.nested_type)

    for file in files:
        walk(file.name, f".{file.package}", "", file.message_type)
    return types


def first_paragraph(comment: str) -> str:
    lines = []
    for line in comment.strip().splitlines():
        if not line.strip():
            break
        lines.append(line.strip())
    return " ".join(lines).replace('"""', "'''").replace("\\", "\\\\")


class Generator:
    def __init__(self, descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
        self.files = list(descriptor_set.file)
        self.types = message_types(self.files)
        self.imports: Dict[str, str] = {}  # module alias -> import line

    def python_type(self, full_name: str) -> str:
        file, name = self.types[full_name]
        package, module = module_of(file)
        self.imports.setdefault(module, f"from {package} import {module}")
        return f"{module}.{name}"

    def services(self) -> List[Tuple[descriptor_pb2.FileDescriptorProto, int,
                                     descriptor_pb2.ServiceDescriptorProto]]:
        found = [(file, index, service) for file in self.files if file.package == PACKAGE
                 for index, service in enumerate(file.service)]
        return sorted(found, key=lambda entry: entry[2].name)

    def service_class(self, file, index, service, asynchronous: bool) -> List[str]:
        comments = {tuple(location.path): location.leading_comments
                    for location in file.source_code_info.location}
        summary = first_paragraph(comments.get((SOURCE_SERVICE, index), ""))
        package, module = module_of(file.name)
        grpc_module = module + "_grpc"
        self.imports.setdefault(grpc_module, f"from {package} import {grpc_module}")
        prefix = "Async" if asynchronous else ""
        lines = [f"class {prefix}{service.name}(Service):",
                 f'    """{PACKAGE}.{service.name}{": " + summary if summary else ""}"""', "",
                 f'    _full_name = "{PACKAGE}.{service.name}"',
                 f"    _stub_class = {grpc_module}.{service.name}Stub"]
        for method in service.method:
            if method.client_streaming and method.server_streaming:
                raise SystemExit(f"gen_services: bidirectional streaming {service.name}."
                                 f"{method.name} is not supported by the SDK")
            kind = ("ClientStream" if method.client_streaming
                    else "ServerStream" if method.server_streaming else "Unary")
            request = self.python_type(method.input_type)
            response = self.python_type(method.output_type)
            lines.append(f"    {method.name}: {prefix}{kind}[{request}, {response}]")
        return lines + ["", ""]

    def services_class(self, asynchronous: bool) -> List[str]:
        prefix = "Async" if asynchronous else ""
        client = "gigwire.aio.AsyncClient" if asynchronous else "gigwire.Client"
        lines = [f"class {prefix}Services:",
                 f'    """One attribute per service of {PACKAGE}: the base of {client}."""', ""]
        entries = [(attribute_name(service), service.name) for _, _, service in self.services()]
        names = [name for name, _ in entries]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise SystemExit(f"gen_services: two services map to the attribute(s) {duplicates}")
        for name, service in entries:
            lines.append(f"    {name}: {prefix}{service}")
        lines.append(f"    _service_classes: ClassVar[Dict[str, Type[Service]]] = {{")
        lines += [f'        "{name}": {prefix}{service},' for name, service in entries]
        return lines + ["    }", "", ""]

    def generate(self) -> str:
        body: List[str] = []
        names: List[str] = []
        for file, index, service in self.services():
            for asynchronous in (False, True):
                body += self.service_class(file, index, service, asynchronous)
                names.append(("Async" if asynchronous else "") + service.name)
        body += self.services_class(False) + self.services_class(True)
        header = [
            f"# Generated by sdk/python/gen_services.py from the {PACKAGE} protos. Do not edit.",
            f'"""The typed service facade of {PACKAGE}: one class per service (sync and',
            'asyncio), and Services / AsyncServices, the bases of Client and AsyncClient."""',
            "from __future__ import annotations", "",
            "from typing import TYPE_CHECKING, ClassVar, Dict, Type", "",
            "from gigwire._service import Service",
            *sorted(self.imports.values()), "",
            "if TYPE_CHECKING:",
            "    from gigwire.aio import AsyncClientStream, AsyncServerStream, AsyncUnary",
            "    from gigwire.client import ClientStream, ServerStream, Unary", "",
            "__all__ = [" + ", ".join(f'"{name}"' for name in
                                      sorted(names + ["AsyncServices", "Services"])) + "]",
            "", ""]
        return "\n".join(header + body).rstrip() + "\n"


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(Path(argv[1]).read_bytes())
    Path(argv[2]).write_text(Generator(descriptor_set).generate())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
