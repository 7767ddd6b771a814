// gRPC handlers of FileService (issue 16; rules in server/domain/files.h and
// file_access.h). The unary calls go through RpcRunner::Run; the two streams
// (UploadFile from the client, DownloadFile to it) are sync streams admitted
// the same way (RpcRunner::AdmitStream: credentials, the per-principal rate
// limit once per stream, counted in flight until they end) and logged as one
// line each. A client that goes away mid-upload cancels its stream: an
// upload without a request_id is dropped with its temporary file, one with a
// request_id stays resumable (until idle for an hour).
//
// Thread safety: handlers run concurrently; the domain objects are
// thread-safe and must outlive the service.
#ifndef GIGWIRE_SERVER_API_FILE_SERVICES_H_
#define GIGWIRE_SERVER_API_FILE_SERVICES_H_

#include "gigwire/v1/file.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/files.h"

namespace gigwire {

class FileServiceImpl final : public v1::FileService::Service {
 public:
  FileServiceImpl(RpcRunner& rpc, Files& files) : rpc_(rpc), files_(files) {}
  grpc::Status UploadFile(grpc::ServerContext*, grpc::ServerReader<v1::UploadFileRequest>*,
                          v1::FileInfo*) override;
  grpc::Status UploadChunk(grpc::ServerContext*, const v1::UploadChunkRequest*,
                           v1::UploadStatus*) override;
  grpc::Status GetUpload(grpc::ServerContext*, const v1::GetUploadRequest*,
                         v1::UploadStatus*) override;
  grpc::Status GetFile(grpc::ServerContext*, const v1::GetFileRequest*, v1::FileInfo*) override;
  grpc::Status ListFiles(grpc::ServerContext*, const v1::ListFilesRequest*,
                         v1::ListFilesResponse*) override;
  grpc::Status DownloadFile(grpc::ServerContext*, const v1::DownloadFileRequest*,
                            grpc::ServerWriter<v1::DownloadFileResponse>*) override;
  grpc::Status AttachFile(grpc::ServerContext*, const v1::AttachFileRequest*,
                          v1::FileInfo*) override;

 private:
  RpcRunner& rpc_;
  Files& files_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_FILE_SERVICES_H_
