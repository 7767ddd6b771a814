// Files; see files.h.
#include "server/domain/files.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/file_access.h"
#include "server/domain/idempotency.h"
#include "server/domain/validation.h"
#include "server/files/content_type.h"

namespace gigwire {
namespace {

constexpr char kUploadMethod[] = "UploadFile";  // both ways of uploading share the records
constexpr size_t kMaxNameChars = 255;
constexpr size_t kMaxRequestIdChars = 100;
constexpr int kSweepBatch = 500;

// How many bytes at the start of `rest` form a character a file name must
// not carry (0 when none): C0 and C1 controls, DEL, path separators, and the
// bidirectional overrides that make "exe.txt" read as "txt.exe".
size_t ReplacedLength(absl::string_view rest) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(rest[i]); };
  if (byte(0) < 0x20 || byte(0) == 0x7F || rest[0] == '/' || rest[0] == '\\') return 1;
  if (rest.size() >= 2 && byte(0) == 0xC2 && byte(1) >= 0x80 && byte(1) <= 0x9F) return 2;
  if (rest.size() >= 3 && byte(0) == 0xE2 &&
      ((byte(1) == 0x80 && byte(2) >= 0xAA && byte(2) <= 0xAE) ||
       (byte(1) == 0x81 && byte(2) >= 0xA6 && byte(2) <= 0xA9))) {
    return 3;
  }
  return 0;
}

RequestKey UploadKey(const Principal& caller, const UploadSpec& spec) {
  return RequestKey{caller.user_id, kUploadMethod, spec.request_id,
                    absl::StrCat(spec.name.size(), ":", spec.name, "|", spec.size_bytes, "|",
                                 spec.sha256_hex)};
}

bool IsImage(absl::string_view content_type) {
  return content_type == kMimePng || content_type == kMimeJpeg || content_type == kMimeGif ||
         content_type == kMimeWebp;
}

// Reads the stream's chunks into `session` until the stream ends.
absl::Status ReceiveStream(UploadSession& session, ChunkSource next) {
  while (true) {
    GW_ASSIGN_OR_RETURN(std::optional<std::string> chunk, next());
    if (!chunk.has_value()) return absl::OkStatus();
    if (chunk->empty() || static_cast<int64_t>(chunk->size()) > kMaxUploadChunkBytes) {
      return InvalidField("chunk", absl::StrCat("must hold 1..", kMaxUploadChunkBytes, " bytes"));
    }
    GW_RETURN_IF_ERROR(session.Append(*chunk));
  }
}

absl::Status CheckAttachRequest(const std::string& file_id, AttachmentKind kind,
                                const std::string& to_id) {
  Violations violations;
  if (file_id.empty()) violations.Add("file_id", "is required");
  if (kind != AttachmentKind::kGig && kind != AttachmentKind::kPortfolioItem) {
    violations.Add("attached_kind", "must be GIG or PORTFOLIO_ITEM");
  }
  if (to_id.empty()) violations.Add("attached_to_id", "is required");
  return violations.ToStatus();
}

// NOT_FOUND unless the gig or portfolio item is `caller`'s.
absl::Status RequireOwnObject(Tx& tx, const Principal& caller, AttachmentKind kind,
                              const std::string& to_id) {
  absl::StatusOr<std::string> seller_id;
  if (kind == AttachmentKind::kGig) {
    absl::StatusOr<Gig> gig = tx.gigs().FindById(to_id);
    seller_id = gig.ok() ? absl::StatusOr<std::string>(gig->seller_id) : gig.status();
  } else {
    absl::StatusOr<PortfolioItem> item = tx.portfolio().FindById(to_id);
    seller_id = item.ok() ? absl::StatusOr<std::string>(item->seller_id) : item.status();
  }
  if (absl::IsNotFound(seller_id.status()) || (seller_id.ok() && *seller_id != caller.user_id)) {
    return NotFound(absl::StrCat(AttachmentKindName(kind), " ", to_id));
  }
  return seller_id.status();
}

// The caller's own file; NOT_FOUND for anyone else's.
absl::StatusOr<StoredFile> LoadOwnFile(Tx& tx, const Principal& caller, const std::string& id) {
  absl::StatusOr<StoredFile> file = tx.files().FindById(id);
  if (absl::IsNotFound(file.status()) || (file.ok() && file->owner_id != caller.user_id)) {
    return NotFound(absl::StrCat("file ", id));
  }
  return file;
}

}  // namespace

std::string SanitizeFileName(absl::string_view name) {
  absl::string_view rest = absl::StripAsciiWhitespace(name);
  std::string out;
  out.reserve(rest.size());
  while (!rest.empty()) {
    const size_t replaced = ReplacedLength(rest);
    out.push_back(replaced > 0 ? '_' : rest[0]);
    rest.remove_prefix(replaced > 0 ? replaced : 1);
  }
  if (out == "." || out == "..") out = "_";
  return out;
}

Files::Files(Store& store, BlobStore& blobs, const Clock& clock, FileLimits limits)
    : store_(store),
      blobs_(blobs),
      clock_(clock),
      limits_(limits),
      sessions_(blobs, clock,
                UploadSessionsOptions{limits.max_uploads_in_progress, limits.upload_idle_expiry,
                                      static_cast<uint64_t>(limits.max_upload_bytes)}) {}

absl::StatusOr<UploadSpec> Files::SpecOf(const UploadRequest& request) const {
  Violations violations;
  UploadSpec spec;
  spec.name = SanitizeFileName(request.name);
  const long chars = Utf8Length(spec.name);
  if (spec.name.empty()) {
    violations.Add("header.name", "is required");
  } else if (chars < 0) {
    violations.Add("header.name", "must be valid UTF-8");
  } else if (static_cast<size_t>(chars) > kMaxNameChars) {
    violations.Add("header.name", absl::StrCat("must be at most ", kMaxNameChars, " characters"));
  }
  if (request.size_bytes <= 0) {
    violations.Add("header.size_bytes", absl::StrCat("must be 1..", limits_.max_upload_bytes));
  }
  spec.sha256_hex = absl::AsciiStrToLower(request.sha256);
  if (!IsSha256Hex(spec.sha256_hex)) {
    violations.Add("header.sha256", "must be the file's SHA-256 as 64 hex digits");
  }
  if (request.request_id.size() > kMaxRequestIdChars) {
    violations.Add("header.request_id", "must be at most 100 characters");
  }
  GW_RETURN_IF_ERROR(violations.ToStatus());
  if (request.size_bytes > limits_.max_upload_bytes) return FileTooLarge(limits_.max_upload_bytes);
  spec.size_bytes = request.size_bytes;
  spec.request_id = request.request_id;
  return spec;
}

absl::StatusOr<std::optional<StoredFile>> Files::FindFinished(const Principal& caller,
                                                              const UploadSpec& spec) {
  if (spec.request_id.empty()) return std::nullopt;
  std::optional<StoredFile> found;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    absl::StatusOr<std::optional<std::string>> replayed = FindReplay(tx, UploadKey(caller, spec));
    if (absl::IsInvalidArgument(replayed.status())) {
      return InvalidField("header.request_id", "was already used with another name, size or "
                                               "sha256");
    }
    GW_RETURN_IF_ERROR(replayed.status());
    if (!replayed->has_value()) return absl::OkStatus();
    absl::StatusOr<StoredFile> file = tx.files().FindById(**replayed);
    if (absl::IsNotFound(file.status())) {
      return NotFound(absl::StrCat("file ", **replayed, " (uploaded with this request_id, "
                                   "removed since: never attached)"));
    }
    GW_RETURN_IF_ERROR(file.status());
    found = *std::move(file);
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<UploadSessions::Lease> Files::OpenSession(const Principal& caller,
                                                         const UploadSpec& spec,
                                                         int64_t offset) {
  int64_t stored = 0;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(stored, tx.files().TotalBytesOf(caller.user_id));
    return absl::OkStatus();
  }));
  const int64_t quota = limits_.storage_quota_bytes;
  return sessions_.Open(caller.user_id, spec, offset, [&](int64_t reserved) -> absl::Status {
    if (stored + reserved + spec.size_bytes > quota) {
      return StorageQuotaExceeded(quota, stored + reserved);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<StoredFile> Files::Finish(const Principal& caller, UploadSessions::Lease& lease) {
  GW_ASSIGN_OR_RETURN(const CommittedUpload blob, lease->Commit());
  StoredFile file;
  file.id = NewId("fil");
  file.owner_id = caller.user_id;
  file.sha256_hex = blob.sha256_hex;
  file.size_bytes = blob.size_bytes;
  file.content_type = blob.content_type;
  file.name = lease->spec().name;
  file.create_time = clock_.Now();
  const RequestKey key = UploadKey(caller, lease->spec());
  // The blob is durable now; a failure below leaves it to the orphan sweep.
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(const int64_t used, tx.files().TotalBytesOf(caller.user_id));
    if (used + file.size_bytes > limits_.storage_quota_bytes) {
      return StorageQuotaExceeded(limits_.storage_quota_bytes, used);
    }
    GW_RETURN_IF_ERROR(tx.files().Insert(file));
    GW_RETURN_IF_ERROR(RememberRequest(tx, key, file.id, file.create_time));
    GW_ASSIGN_OR_RETURN(file, tx.files().FindById(file.id));  // as stored (time precision)
    return absl::OkStatus();
  }));
  return file;
}

absl::StatusOr<StoredFile> Files::UploadStream(const Principal& caller,
                                               const UploadRequest& request, int64_t offset,
                                               ChunkSource next) {
  GW_ASSIGN_OR_RETURN(const UploadSpec spec, SpecOf(request));
  if (offset < 0) return InvalidField("header.offset", "must not be negative");
  GW_ASSIGN_OR_RETURN(std::optional<StoredFile> finished, FindFinished(caller, spec));
  if (finished.has_value()) return *std::move(finished);
  GW_ASSIGN_OR_RETURN(UploadSessions::Lease lease, OpenSession(caller, spec, offset));
  absl::Status received = ReceiveStream(*lease, next);
  if (!received.ok()) {
    // A client that went away may resume; one that sent a bad message starts again.
    if (!absl::IsCancelled(received)) lease.Discard();
    return received;
  }
  return Finish(caller, lease);
}

absl::StatusOr<UploadProgress> Files::UploadChunk(const Principal& caller,
                                                  const UploadRequest& request, int64_t offset,
                                                  absl::string_view data) {
  GW_ASSIGN_OR_RETURN(const UploadSpec spec, SpecOf(request));
  Violations violations;
  if (offset < 0) violations.Add("offset", "must not be negative");
  if (static_cast<int64_t>(data.size()) > kMaxUploadChunkBytes) {
    violations.Add("data", absl::StrCat("must hold at most ", kMaxUploadChunkBytes, " bytes"));
  }
  GW_RETURN_IF_ERROR(violations.ToStatus());
  const int64_t size = spec.size_bytes;
  if (spec.request_id.empty() && (offset != 0 || static_cast<int64_t>(data.size()) != size)) {
    return InvalidField("header.request_id", "is required to upload a file in more than one call");
  }
  GW_ASSIGN_OR_RETURN(std::optional<StoredFile> finished, FindFinished(caller, spec));
  if (finished.has_value()) {
    if (!data.empty() && offset + static_cast<int64_t>(data.size()) > size) {
      return UploadSizeMismatch(absl::StrCat("the upload is complete at ", size,
                                             " bytes; no bytes go past its end"));
    }
    return UploadProgress{size, size, *std::move(finished)};
  }
  GW_ASSIGN_OR_RETURN(UploadSessions::Lease lease, OpenSession(caller, spec, offset));
  if (!data.empty()) GW_RETURN_IF_ERROR(lease->Append(data));
  UploadProgress progress{lease->received(), size, std::nullopt};
  if (progress.received_bytes == size) {
    GW_ASSIGN_OR_RETURN(progress.file, Finish(caller, lease));
  }
  return progress;
}

absl::StatusOr<UploadProgress> Files::GetUpload(const Principal& caller,
                                                const std::string& request_id) {
  if (request_id.empty()) return InvalidField("request_id", "is required");
  if (request_id.size() > kMaxRequestIdChars) {
    return InvalidField("request_id", "must be at most 100 characters");
  }
  if (auto held = sessions_.Peek(caller.user_id, request_id)) {
    return UploadProgress{held->first, held->second, std::nullopt};
  }
  UploadProgress progress;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    absl::StatusOr<RequestRecord> record =
        tx.request_ids().Find(caller.user_id, kUploadMethod, request_id);
    absl::StatusOr<StoredFile> file =
        record.ok() ? tx.files().FindById(record->resource_id) : record.status();
    if (absl::IsNotFound(file.status())) return NotFound(absl::StrCat("upload ", request_id));
    GW_RETURN_IF_ERROR(file.status());
    progress = UploadProgress{file->size_bytes, file->size_bytes, *std::move(file)};
    return absl::OkStatus();
  }));
  return progress;
}

absl::StatusOr<StoredFile> Files::Get(const Principal& caller, const std::string& id) {
  if (id.empty()) return InvalidField("id", "is required");
  StoredFile file;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(file, LoadVisibleFile(tx, caller, id));
    return absl::OkStatus();
  }));
  return file;
}

absl::StatusOr<std::vector<StoredFile>> Files::List(const Principal& caller, AttachmentKind kind,
                                                    const std::string& to_id) {
  Violations violations;
  if (kind == AttachmentKind::kNone) violations.Add("attached_kind", "is required");
  if (to_id.empty()) violations.Add("attached_to_id", "is required");
  GW_RETURN_IF_ERROR(violations.ToStatus());
  std::vector<StoredFile> files;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(RequireVisibleObject(tx, caller, kind, to_id));
    GW_ASSIGN_OR_RETURN(files, tx.files().ListAttached(kind, to_id));
    return absl::OkStatus();
  }));
  return files;
}

absl::StatusOr<FileDownload> Files::OpenDownload(const Principal& caller, const std::string& id,
                                                 int64_t offset) {
  if (offset < 0) return InvalidField("offset", "must not be negative");
  GW_ASSIGN_OR_RETURN(StoredFile file, Get(caller, id));
  if (offset > file.size_bytes) {
    return OutOfRangeField("offset", absl::StrCat("must be 0..", file.size_bytes,
                                                  " (the file's size)"));
  }
  absl::StatusOr<std::unique_ptr<BlobReader>> reader =
      blobs_.OpenReader(file.sha256_hex, static_cast<uint64_t>(offset));
  if (absl::IsNotFound(reader.status())) {
    return Internal(absl::StrCat("the bytes of file ", id, " are missing from the files directory"));
  }
  GW_RETURN_IF_ERROR(reader.status());
  return FileDownload{std::move(file), *std::move(reader)};
}

absl::StatusOr<StoredFile> Files::Attach(const Principal& caller, const std::string& file_id,
                                         AttachmentKind kind, const std::string& to_id) {
  GW_RETURN_IF_ERROR(CheckAttachRequest(file_id, kind, to_id));
  StoredFile result;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(result, LoadOwnFile(tx, caller, file_id));
    if (result.attached_kind == kind && result.attached_to_id == to_id) return absl::OkStatus();
    GW_RETURN_IF_ERROR(RequireOwnObject(tx, caller, kind, to_id));
    if (!IsImage(result.content_type)) {
      return FileTypeNotAllowed(result.content_type, "only images (PNG, JPEG, GIF or WebP) "
                                                     "attach to gigs and portfolio items");
    }
    GW_RETURN_IF_ERROR(AttachOwnFiles(tx, caller.user_id, {file_id}, kind, to_id, clock_.Now()));
    GW_ASSIGN_OR_RETURN(result, tx.files().FindById(file_id));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<int> Files::DeleteUnattached(absl::Time cutoff) {
  int total = 0;
  while (true) {
    int deleted = 0;
    GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(const std::vector<StoredFile> old,
                          tx.files().ListUnattachedBefore(cutoff, kSweepBatch));
      for (const StoredFile& file : old) GW_RETURN_IF_ERROR(tx.files().Delete(file.id));
      deleted = static_cast<int>(old.size());
      return absl::OkStatus();
    }));
    total += deleted;
    if (deleted < kSweepBatch) return total;
  }
}

absl::StatusOr<bool> Files::IsReferenced(absl::string_view sha256_hex) {
  int64_t references = 0;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(references, tx.files().CountReferences(std::string(sha256_hex)));
    return absl::OkStatus();
  }));
  return references > 0;
}

absl::Status Files::RemoveLeftovers(absl::Duration older_than, FileSweepCounts& counts) {
  GW_ASSIGN_OR_RETURN(counts.orphan_blobs,
                      blobs_.RemoveOrphans(
                          [this](absl::string_view sha256_hex) { return IsReferenced(sha256_hex); },
                          older_than));
  GW_ASSIGN_OR_RETURN(counts.stale_temporaries, blobs_.RemoveStaleTemporaries(older_than));
  return absl::OkStatus();
}

absl::StatusOr<FileSweepCounts> Files::Sweep(absl::Time now) {
  FileSweepCounts counts;
  counts.expired_uploads = sessions_.ExpireIdle(now);
  GW_ASSIGN_OR_RETURN(counts.unattached_files,
                      DeleteUnattached(now - limits_.unattached_retention));
  GW_RETURN_IF_ERROR(RemoveLeftovers(limits_.orphan_blob_age, counts));
  return counts;
}

absl::StatusOr<FileSweepCounts> Files::RecoverAfterRestart() {
  FileSweepCounts counts;
  GW_RETURN_IF_ERROR(RemoveLeftovers(absl::ZeroDuration(), counts));
  return counts;
}

}  // namespace gigwire
