// Tells the person running a long command (gigctl watch) when its
// connection to the server is lost and when it is back, so that the SDK's
// silent reconnecting (it resumes the watch where it stopped) is not taken
// for a hang. It watches the channel's connectivity state from a thread of
// its own and writes one line to `err` per change worth telling:
//
//   gigctl: connection lost; reconnecting (the watch resumes where it stopped)...
//   gigctl: reconnected
//
// Thread safety: the object is used by one thread; its own thread only
// writes to `err`, which the caller must not write to meanwhile from other
// threads without care (gigctl writes rows to stdout).
#ifndef GIGWIRE_CMD_GIGCTL_CONNECTION_NOTICES_H_
#define GIGWIRE_CMD_GIGCTL_CONNECTION_NOTICES_H_

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace gigctl {

// What to tell when the channel's state becomes `now`, or nothing. `lost`
// (whether a loss was told and not yet its end) and `connected` (whether
// the channel was ever ready) carry the story from one call to the next.
std::optional<std::string> ConnectionNotice(grpc_connectivity_state now, bool& lost,
                                            bool& connected);

class ConnectionNotices {
 public:
  // Starts watching `channel`; `err` must outlive this object.
  ConnectionNotices(std::shared_ptr<grpc::Channel> channel, std::ostream& err);
  // Tells the state of the moment if worth it, stops watching (within about
  // 200 ms) and joins the thread.
  ~ConnectionNotices();
  ConnectionNotices(const ConnectionNotices&) = delete;
  ConnectionNotices& operator=(const ConnectionNotices&) = delete;

 private:
  void Run();
  bool stopped() const ABSL_LOCKS_EXCLUDED(mu_);

  std::shared_ptr<grpc::Channel> channel_;
  std::ostream& err_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_CONNECTION_NOTICES_H_
