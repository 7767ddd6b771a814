// Uploads in progress; see upload_sessions.h.
#include "server/domain/upload_sessions.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

// The retry hint of an owner at max_per_owner uploads.
constexpr absl::Duration kBusyRetryAfter = absl::Seconds(5);

// "executable files (ELF) are not accepted; allowed: ..." -> its first part,
// a short word on what the bytes looked like.
std::string DetectedOf(absl::string_view message) {
  return std::string(message.substr(0, message.find(';')));
}

absl::Status NotUtf8Text() {
  return FileTypeNotAllowed("text that is not UTF-8",
                            "the file started as UTF-8 text but is not valid UTF-8 further on; "
                            "text files must be UTF-8");
}

}  // namespace

UploadSession::UploadSession(std::string owner_id, UploadSpec spec,
                             std::unique_ptr<BlobWriter> writer)
    : owner_id_(std::move(owner_id)), spec_(std::move(spec)), writer_(std::move(writer)) {}

absl::Status UploadSession::Fail(absl::Status status) {
  failed_ = true;
  writer_->Abort();
  return status;
}

absl::Status UploadSession::Sniff(absl::string_view chunk) {
  const size_t want =
      static_cast<size_t>(std::min<int64_t>(spec_.size_bytes, kContentSniffBytes));
  const size_t into_head = content_type_.empty() ? std::min(want - head_.size(), chunk.size()) : 0;
  head_.append(chunk.data(), into_head);
  if (content_type_.empty() && head_.size() == want) {
    absl::StatusOr<std::string> type = DetectContentType(head_, spec_.size_bytes);
    if (!type.ok()) {
      return Fail(FileTypeNotAllowed(DetectedOf(type.status().message()),
                                     type.status().message()));
    }
    content_type_ = *std::move(type);
    if (content_type_ == kMimeText) {
      text_.emplace();
      if (!text_->Update(head_)) return Fail(NotUtf8Text());
    }
    head_.clear();
  }
  if (text_ && into_head < chunk.size() && !text_->Update(chunk.substr(into_head))) {
    return Fail(NotUtf8Text());
  }
  return absl::OkStatus();
}

absl::Status UploadSession::Append(absl::string_view chunk) {
  if (failed_ || committed_) return Internal("an upload was used after it ended");
  const int64_t received = received_.load();
  if (static_cast<int64_t>(chunk.size()) > spec_.size_bytes - received) {
    return Fail(UploadSizeMismatch(
        absl::StrCat("the upload declared ", spec_.size_bytes, " bytes; a chunk of ",
                     chunk.size(), " bytes at offset ", received, " goes past the end")));
  }
  if (content_type_.empty() || text_) GW_RETURN_IF_ERROR(Sniff(chunk));
  absl::Status appended = writer_->Append(chunk);
  if (!appended.ok()) return Fail(appended);
  received_.store(received + static_cast<int64_t>(chunk.size()));
  return absl::OkStatus();
}

absl::StatusOr<CommittedUpload> UploadSession::Commit() {
  if (failed_ || committed_) return Internal("an upload was used after it ended");
  if (received() < spec_.size_bytes) {
    return UploadSizeMismatch(absl::StrCat("the upload ended after ", received(), " of its ",
                                           spec_.size_bytes, " declared bytes"));
  }
  if (text_ && !text_->Finish()) return Fail(NotUtf8Text());
  absl::StatusOr<BlobInfo> blob = writer_->Commit(spec_.sha256_hex);
  if (absl::IsInvalidArgument(blob.status())) {
    return Fail(ChecksumMismatch(absl::StrCat(
        "the bytes received do not hash to the declared sha256 ", spec_.sha256_hex)));
  }
  if (!blob.ok()) return Fail(blob.status());
  committed_ = true;
  return CommittedUpload{blob->sha256_hex, spec_.size_bytes, content_type_};
}

absl::StatusOr<UploadSessions::Lease> UploadSessions::Open(
    const std::string& owner_id, const UploadSpec& spec, int64_t offset,
    absl::FunctionRef<absl::Status(int64_t)> admit) {
  absl::MutexLock lock(&mu_);
  const std::string key = spec.request_id.empty()
                              ? absl::StrCat(owner_id, "\x1e", ++one_shot_counter_)
                              : absl::StrCat(owner_id, "\x1f", spec.request_id);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) {
    if (offset != 0) return UploadOffsetMismatch(0, offset);
    GW_ASSIGN_OR_RETURN(std::shared_ptr<UploadSession> session,
                        CreateLocked(key, owner_id, spec, admit));
    return Lease(this, key, std::move(session));
  }
  Entry& entry = it->second;
  const UploadSpec& held = entry.session->spec();
  if (held.name != spec.name || held.size_bytes != spec.size_bytes ||
      held.sha256_hex != spec.sha256_hex) {
    return InvalidField("header.request_id",
                        "names an upload in progress with another name, size or sha256");
  }
  if (entry.busy || entry.session->received() != offset) {
    return UploadOffsetMismatch(entry.session->received(), offset);
  }
  entry.busy = true;
  return Lease(this, key, entry.session);
}

absl::StatusOr<std::shared_ptr<UploadSession>> UploadSessions::CreateLocked(
    const std::string& key, const std::string& owner_id, const UploadSpec& spec,
    absl::FunctionRef<absl::Status(int64_t)> admit) {
  auto usage = usage_.find(owner_id);
  const OwnerUsage current = usage == usage_.end() ? OwnerUsage{} : usage->second;
  if (current.sessions >= options_.max_per_owner) {
    return TooManyUploads(options_.max_per_owner, kBusyRetryAfter);
  }
  GW_RETURN_IF_ERROR(admit(current.reserved_bytes));
  GW_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer,
                      blobs_.NewWriter(options_.max_upload_bytes));
  auto session = std::make_shared<UploadSession>(owner_id, spec, std::move(writer));
  sessions_[key] = Entry{session, /*busy=*/true, clock_.Now()};
  OwnerUsage& updated = usage_[owner_id];
  ++updated.sessions;
  updated.reserved_bytes += spec.size_bytes;
  return session;
}

void UploadSessions::EraseLocked(const std::string& key) {
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  const std::string& owner_id = it->second.session->owner_id();
  auto usage = usage_.find(owner_id);
  if (usage != usage_.end()) {
    usage->second.reserved_bytes -= it->second.session->spec().size_bytes;
    if (--usage->second.sessions <= 0) usage_.erase(usage);
  }
  sessions_.erase(it);
}

void UploadSessions::Release(const std::string& key, bool keep) {
  absl::MutexLock lock(&mu_);
  if (!keep) return EraseLocked(key);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  it->second.busy = false;
  it->second.last_active = clock_.Now();
}

std::optional<std::pair<int64_t, int64_t>> UploadSessions::Peek(
    const std::string& owner_id, const std::string& request_id) const {
  if (request_id.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(absl::StrCat(owner_id, "\x1f", request_id));
  if (it == sessions_.end()) return std::nullopt;
  return std::make_pair(it->second.session->received(), it->second.session->spec().size_bytes);
}

int UploadSessions::ExpireIdle(absl::Time now) {
  std::vector<std::shared_ptr<UploadSession>> expired;  // freed after the lock
  absl::MutexLock lock(&mu_);
  std::vector<std::string> keys;
  for (const auto& [key, entry] : sessions_) {
    if (!entry.busy && now - entry.last_active > options_.idle_expiry) keys.push_back(key);
  }
  for (const std::string& key : keys) {
    expired.push_back(sessions_[key].session);
    EraseLocked(key);
  }
  return static_cast<int>(keys.size());
}

int UploadSessions::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(sessions_.size());
}

UploadSessions::Lease::Lease(Lease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      key_(std::move(other.key_)),
      session_(std::move(other.session_)),
      discard_(other.discard_) {}

UploadSessions::Lease::~Lease() {
  if (owner_ == nullptr) return;
  const bool keep = !discard_ && !session_->failed() && !session_->committed() &&
                    !session_->spec().request_id.empty();
  owner_->Release(key_, keep);
}

}  // namespace gigwire
