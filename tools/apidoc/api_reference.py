#!/usr/bin/env python3
"""Writes the Gigwire API reference (Markdown) from the proto comments.

Reads a FileDescriptorSet made with `protoc --include_source_info
--descriptor_set_out` (tools/apidoc/build.sh does both steps) and writes one
page: every service with its methods, then every message with its fields, then
every enum with its values, each with its leading comment, linked by type.

Usage: api_reference.py DESCRIPTOR_SET OUTPUT.md
"""
import sys
from typing import Dict, List, Sequence

from google.protobuf import descriptor_pb2

PACKAGE = "gigwire.v1"
# Field numbers of FileDescriptorProto / DescriptorProto / ... in SourceCodeInfo paths.
FILE_MESSAGE, FILE_ENUM, FILE_SERVICE = 4, 5, 6
MESSAGE_FIELD, MESSAGE_NESTED, MESSAGE_ENUM = 2, 3, 4
SERVICE_METHOD, ENUM_VALUE = 2, 2
SCALARS = {v: k[len("TYPE_"):].lower() for k, v in
           descriptor_pb2.FieldDescriptorProto.Type.items()}


def comments_of(file: descriptor_pb2.FileDescriptorProto) -> Dict[tuple, str]:
    """Leading comment of each element, by its SourceCodeInfo path."""
    return {tuple(loc.path): " ".join(line.strip() for line in loc.leading_comments.splitlines()
                                      if line.strip())
            for loc in file.source_code_info.location if loc.leading_comments}


def cell(text: str) -> str:
    return text.replace("|", "\\|") or " "


def anchor(full_name: str) -> str:
    return full_name.lower().replace(".", "")


def type_link(full_name: str) -> str:
    name = full_name.lstrip(".")
    if name.startswith(PACKAGE + "."):
        short = name[len(PACKAGE) + 1:]
        return f"[{short}](#{anchor(short)})"
    return f"`{name}`"


class Page:
    def __init__(self) -> None:
        self.services: List[str] = []
        self.messages: List[str] = []
        self.enums: List[str] = []
        self.maps: Dict[str, descriptor_pb2.DescriptorProto] = {}

    def add_file(self, file: descriptor_pb2.FileDescriptorProto) -> None:
        comments = comments_of(file)
        for i, service in enumerate(file.service):
            self.add_service(service, comments, (FILE_SERVICE, i), file.name)
        for i, message in enumerate(file.message_type):
            self.add_message(message, "", comments, (FILE_MESSAGE, i))
        for i, enum in enumerate(file.enum_type):
            self.add_enum(enum, "", comments, (FILE_ENUM, i))

    def add_service(self, service, comments, path, file_name) -> None:
        lines = [f"### {service.name}", "", f"`{PACKAGE}.{service.name}` ({file_name}). "
                 + comments.get(path, ""), "",
                 "| Method | Request | Response | Description |", "|---|---|---|---|"]
        for i, method in enumerate(service.method):
            stream = "stream " if method.server_streaming else ""
            lines.append(f"| {method.name} | {type_link(method.input_type)} | "
                         f"{stream}{type_link(method.output_type)} | "
                         f"{cell(comments.get(path + (SERVICE_METHOD, i), ''))} |")
        self.services.append("\n".join(lines))

    def add_message(self, message, prefix, comments, path) -> None:
        name = prefix + message.name
        if message.options.map_entry:
            self.maps[f".{PACKAGE}.{name}"] = message
            return
        for i, nested in enumerate(message.nested_type):
            self.add_message(nested, name + ".", comments, path + (MESSAGE_NESTED, i))
        for i, enum in enumerate(message.enum_type):
            self.add_enum(enum, name + ".", comments, path + (MESSAGE_ENUM, i))
        lines = [f"### {name}", "", comments.get(path, ""), ""]
        if message.field:
            lines += ["| Field | Type | Description |", "|---|---|---|"]
            for i, field in enumerate(message.field):
                lines.append(f"| `{field.json_name}` ({field.name}) | {self.field_type(field)} | "
                             f"{cell(comments.get(path + (MESSAGE_FIELD, i), ''))} |")
        self.messages.append("\n".join(lines))

    def field_type(self, field: descriptor_pb2.FieldDescriptorProto) -> str:
        if field.type_name in self.maps:
            key, value = self.maps[field.type_name].field
            return f"map<{self.field_type(key)}, {self.field_type(value)}>"
        base = type_link(field.type_name) if field.type_name else SCALARS[field.type]
        return f"repeated {base}" if field.label == field.LABEL_REPEATED else base

    def add_enum(self, enum, prefix, comments, path) -> None:
        lines = [f"### {prefix}{enum.name}", "", comments.get(path, ""), "",
                 "| Value | Number | Description |", "|---|---|---|"]
        for i, value in enumerate(enum.value):
            lines.append(f"| `{value.name}` | {value.number} | "
                         f"{cell(comments.get(path + (ENUM_VALUE, i), ''))} |")
        self.enums.append("\n".join(lines))

    def render(self) -> str:
        head = ["# Gigwire API reference", "",
                f"Package `{PACKAGE}`, generated from the comments in `proto/gigwire/v1` by "
                "`tools/apidoc/api_reference.py`. Do not edit: change the proto comments.", ""]
        sections = [("Services", self.services), ("Messages", self.messages),
                    ("Enums", self.enums)]
        body = [f"## {title}\n\n" + "\n\n".join(items) for title, items in sections]
        return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    files = descriptor_pb2.FileDescriptorSet()
    with open(argv[1], "rb") as f:
        files.ParseFromString(f.read())
    page = Page()
    for file in files.file:
        if file.package == PACKAGE:
            page.add_file(file)
    with open(argv[2], "w") as out:
        out.write(page.render())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
