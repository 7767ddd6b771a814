// FileService handlers; see file_services.h.
#include <optional>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "server/api/file_convert.h"
#include "server/api/file_services.h"
#include "server/api/status_conversion.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using grpc::ServerContext;
using grpc::Status;

// A sync stream's counterpart of RpcRunner::Run: admission, the body, one
// status conversion, one log line. `messages` counts what the body moved.
Status RunStream(RpcRunner& rpc, ServerContext* context, absl::string_view method,
                 absl::FunctionRef<absl::Status(const CallInfo&, int64_t& messages)> body) {
  const absl::Time start = absl::Now();
  CallInfo call;
  Principal principal;
  int64_t messages = 0;
  absl::Status status = rpc.AdmitStream(context, call, principal);
  if (status.ok()) {
    status = body(call, messages);
    rpc.EndStream();
  }
  RpcRunner::LogStreamEnd(method, status, absl::Now() - start, call, messages);
  return ToGrpcStatus(status);
}

UploadRequest RequestOf(const v1::UploadHeader& header) {
  return UploadRequest{header.name(), header.size_bytes(), header.sha256(), header.request_id()};
}

void ToProto(const UploadProgress& progress, v1::UploadStatus* out) {
  out->set_received_bytes(progress.received_bytes);
  out->set_size_bytes(progress.size_bytes);
  if (progress.file) ToProto(*progress.file, out->mutable_file());
}

absl::Status ClientGone() { return absl::CancelledError("the client went away"); }

}  // namespace

Status FileServiceImpl::UploadFile(ServerContext* ctx,
                                   grpc::ServerReader<v1::UploadFileRequest>* reader,
                                   v1::FileInfo* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/UploadFile";
  return RunStream(rpc_, ctx, kMethod, [&](const CallInfo& call, int64_t& messages) {
    v1::UploadFileRequest message;
    if (!reader->Read(&message)) {
      return ctx->IsCancelled() ? ClientGone() : InvalidField("header", "is required");
    }
    ++messages;
    if (!message.has_header()) return InvalidField("header", "must be the first message");
    const v1::UploadHeader header = message.header();
    auto next = [&]() -> absl::StatusOr<std::optional<std::string>> {
      if (!reader->Read(&message)) {
        if (ctx->IsCancelled()) return ClientGone();
        return std::nullopt;
      }
      ++messages;
      if (message.has_header()) return InvalidField("header", "must be sent once, first");
      if (!message.has_chunk()) return InvalidField("chunk", "is required after the header");
      return std::move(*message.mutable_chunk());
    };
    absl::StatusOr<StoredFile> file =
        files_.UploadStream(*call.principal, RequestOf(header), header.offset(), next);
    if (!file.ok()) return file.status();
    ToProto(*file, resp);
    return absl::OkStatus();
  });
}

Status FileServiceImpl::UploadChunk(ServerContext* ctx, const v1::UploadChunkRequest* req,
                                    v1::UploadStatus* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/UploadChunk";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(UploadProgress progress,
                        files_.UploadChunk(*call.principal, RequestOf(req->header()),
                                           req->offset(), req->data()));
    ToProto(progress, resp);
    return absl::OkStatus();
  });
}

Status FileServiceImpl::GetUpload(ServerContext* ctx, const v1::GetUploadRequest* req,
                                  v1::UploadStatus* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/GetUpload";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(UploadProgress progress,
                        files_.GetUpload(*call.principal, req->request_id()));
    ToProto(progress, resp);
    return absl::OkStatus();
  });
}

Status FileServiceImpl::GetFile(ServerContext* ctx, const v1::GetFileRequest* req,
                                v1::FileInfo* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/GetFile";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(StoredFile file, files_.Get(*call.principal, req->id()));
    ToProto(file, resp);
    return absl::OkStatus();
  });
}

Status FileServiceImpl::ListFiles(ServerContext* ctx, const v1::ListFilesRequest* req,
                                  v1::ListFilesResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/ListFiles";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(AttachmentKind kind,
                        AttachmentKindFromProto(req->attached_kind(), "attached_kind"));
    GW_ASSIGN_OR_RETURN(std::vector<StoredFile> files,
                        files_.List(*call.principal, kind, req->attached_to_id()));
    for (const StoredFile& file : files) ToProto(file, resp->add_files());
    return absl::OkStatus();
  });
}

Status FileServiceImpl::DownloadFile(ServerContext* ctx, const v1::DownloadFileRequest* req,
                                     grpc::ServerWriter<v1::DownloadFileResponse>* writer) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/DownloadFile";
  return RunStream(rpc_, ctx, kMethod, [&](const CallInfo& call, int64_t& messages) {
    absl::StatusOr<FileDownload> download =
        files_.OpenDownload(*call.principal, req->id(), req->offset());
    if (!download.ok()) return download.status();
    v1::DownloadFileResponse response;
    ToProto(download->file, response.mutable_info());
    while (true) {
      if (!writer->Write(response)) return ClientGone();
      ++messages;
      absl::StatusOr<std::string> chunk = download->reader->Read(kDownloadChunkBytes);
      if (!chunk.ok()) return chunk.status();
      if (chunk->empty()) return absl::OkStatus();
      response.set_chunk(*std::move(chunk));
    }
  });
}

Status FileServiceImpl::AttachFile(ServerContext* ctx, const v1::AttachFileRequest* req,
                                   v1::FileInfo* resp) {
  constexpr char kMethod[] = "/gigwire.v1.FileService/AttachFile";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(AttachmentKind kind,
                        AttachmentKindFromProto(req->attached_kind(), "attached_kind"));
    GW_ASSIGN_OR_RETURN(StoredFile file, files_.Attach(*call.principal, req->file_id(), kind,
                                                       req->attached_to_id()));
    ToProto(file, resp);
    return absl::OkStatus();
  });
}

}  // namespace gigwire
