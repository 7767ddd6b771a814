# The generated service facade (gen_services.py): the attribute naming rule, and a
# service or RPC added to the protos appearing, typed, with nothing written by hand
# (the generator run on the real protos plus an extra one, in a temp dir).
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

SDK_DIR = Path(__file__).resolve().parents[1]
PROTO_ROOT = SDK_DIR.parents[1] / "proto"
sys.path.insert(0, str(SDK_DIR))
import gen_services  # noqa: E402

WIDGET_PROTO = '''
syntax = "proto3";
package gigwire.v1;
import "gigwire/v1/job.proto";

// Widgets, a resource added after the SDK was written.
service WidgetService {
  rpc ListWidgets(ListWidgetsRequest) returns (ListWidgetsResponse);
  rpc WatchWidgets(ListWidgetsRequest) returns (stream Widget);
  rpc GetWidgetJob(Widget) returns (Job);
  rpc UploadWidgets(stream Widget) returns (ListWidgetsResponse);
}
// Not a collection: no RPC named after "Statuses".
service StatusService {
  rpc GetStatus(Widget) returns (Widget);
}
message Widget { string id = 1; message Part { string name = 1; } }
message ListWidgetsRequest { Widget.Part part = 1; }
message ListWidgetsResponse { repeated Widget widgets = 1; }
'''


def generate(proto_root: Path, tmp_path: Path) -> str:
    protos = sorted(str(p.relative_to(proto_root)) for p in proto_root.glob("gigwire/v1/*.proto"))
    descriptors = tmp_path / "descriptors.pb"
    subprocess.run(["/usr/bin/protoc", f"-I{proto_root}", "--include_imports",
                    "--include_source_info", f"--descriptor_set_out={descriptors}", *protos],
                   check=True, capture_output=True, timeout=60)
    descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(descriptors.read_bytes())
    return gen_services.Generator(descriptor_set).generate()


@pytest.mark.parametrize("service, rpcs, attribute", [
    ("JobService", ["ListJobs"], "jobs"),
    ("SellerService", ["SearchSellers"], "sellers"),
    ("ApiKeyService", ["CreateApiKey", "ListApiKeys"], "api_keys"),
    ("AuditService", ["ListAuditEntries"], "audit"),
    ("AuthService", ["Login"], "auth"),
    ("CategoryService", ["ListCategories"], "categories"),
    ("InboxService", ["ListInboxes"], "inboxes"),
    ("ProposalService", ["SubmitProposal", "ListProposals"], "proposals"),
    ("PortfolioService", ["CreatePortfolioItem", "ListPortfolioItems"], "portfolio"),
])
def test_attribute_names(service, rpcs, attribute):
    proto = descriptor_pb2.ServiceDescriptorProto(
        name=service, method=[descriptor_pb2.MethodDescriptorProto(name=rpc) for rpc in rpcs])
    assert gen_services.attribute_name(proto) == attribute


def test_a_service_added_to_the_protos_appears_typed(tmp_path):
    proto_root = tmp_path / "proto"
    shutil.copytree(PROTO_ROOT, proto_root)
    (proto_root / "gigwire/v1/widget.proto").write_text(WIDGET_PROTO)
    code = generate(proto_root, tmp_path)
    for line in [
        "class WidgetService(Service):",
        '    """gigwire.v1.WidgetService: Widgets, a resource added after the SDK was written."""',
        "    _stub_class = widget_pb2_grpc.WidgetServiceStub",
        "    ListWidgets: Unary[widget_pb2.ListWidgetsRequest, widget_pb2.ListWidgetsResponse]",
        "    WatchWidgets: ServerStream[widget_pb2.ListWidgetsRequest, widget_pb2.Widget]",
        "    GetWidgetJob: Unary[widget_pb2.Widget, job_pb2.Job]",
        "    UploadWidgets: ClientStream[widget_pb2.Widget, widget_pb2.ListWidgetsResponse]",
        "    UploadWidgets: AsyncClientStream[widget_pb2.Widget, widget_pb2.ListWidgetsResponse]",
        "    ListWidgets: AsyncUnary[widget_pb2.ListWidgetsRequest, widget_pb2.ListWidgetsResponse]",
        "    WatchWidgets: AsyncServerStream[widget_pb2.ListWidgetsRequest, widget_pb2.Widget]",
        "    widgets: WidgetService", "    widgets: AsyncWidgetService",
        "    status: StatusService", "    status: AsyncStatusService",
        "from gigwire.v1 import widget_pb2_grpc",
    ]:
        assert line in code.splitlines(), line
    assert "widget_pb2.ListWidgetsRequest.Part" not in code
    compile(code, "services.py", "exec")


def test_bidirectional_streaming_is_refused(tmp_path):
    proto_root = tmp_path / "proto"
    shutil.copytree(PROTO_ROOT, proto_root)
    (proto_root / "gigwire/v1/widget.proto").write_text(
        WIDGET_PROTO.replace("rpc UploadWidgets(stream Widget) returns (ListWidgetsResponse)",
                             "rpc UploadWidgets(stream Widget) returns (stream ListWidgetsResponse)"))
    with pytest.raises(SystemExit, match="bidirectional streaming WidgetService.UploadWidgets"):
        generate(proto_root, tmp_path)
