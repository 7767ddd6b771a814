// Connection lost / back notices; see connection_notices.h.
#include "cmd/gigctl/connection_notices.h"

#include <chrono>

namespace gigctl {

constexpr auto kPollInterval = std::chrono::milliseconds(200);

std::optional<std::string> ConnectionNotice(grpc_connectivity_state now, bool& lost,
                                            bool& connected) {
  if (now == GRPC_CHANNEL_READY) {
    connected = true;
    if (!lost) return std::nullopt;
    lost = false;
    return "gigctl: reconnected\n";
  }
  // Before the first connection, connecting is normal; failing is not.
  bool failing = now == GRPC_CHANNEL_TRANSIENT_FAILURE || now == GRPC_CHANNEL_SHUTDOWN;
  if (lost || (!connected && !failing)) return std::nullopt;
  lost = true;
  if (!connected) return "gigctl: cannot reach the server; retrying...\n";
  return "gigctl: connection lost; reconnecting (the watch resumes where it stopped)...\n";
}

ConnectionNotices::ConnectionNotices(std::shared_ptr<grpc::Channel> channel, std::ostream& err)
    : channel_(std::move(channel)), err_(err), thread_([this] { Run(); }) {}

ConnectionNotices::~ConnectionNotices() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

bool ConnectionNotices::stopped() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void ConnectionNotices::Run() {
  bool lost = false, connected = false;
  while (true) {
    // Told before stopping, so that a watch ending right after reconnecting
    // still says it reconnected.
    grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/false);
    if (std::optional<std::string> notice = ConnectionNotice(state, lost, connected)) {
      err_ << *notice << std::flush;
    }
    if (stopped()) return;
    channel_->WaitForStateChange(state, std::chrono::system_clock::now() + kPollInterval);
  }
}

}  // namespace gigctl
