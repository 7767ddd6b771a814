// gRPC's and protobuf's own log output, routed into the JSON log so that
// gigwired's stderr stays one JSON object per line.
//
// Library lines become JsonLog lines (msg "grpc" or "protobuf", with level,
// source file and line), at most kLibraryLinesPerSecond per second (a burst
// of the same, then one line saying how many were dropped): a flood of bad
// requests cannot flood the log. Protobuf's complaint, while parsing, about
// a string field that is not UTF-8 (what a malformed request triggers) is
// not logged on its own: it is kept for the call's own log line and error
// (TakeRequestDecodeProblem).
//
// Thread safety: RouteLibraryLogsToJson once, before serving (the libraries'
// handler setters are not thread-safe); the rest is thread-safe.
#ifndef GIGWIRE_SERVER_API_LIBRARY_LOGS_H_
#define GIGWIRE_SERVER_API_LIBRARY_LOGS_H_

#include <string>

namespace gigwire {

inline constexpr int kLibraryLinesPerSecond = 10;

// Installs the handlers for gRPC (gpr_set_log_function) and protobuf
// (SetLogHandler). Idempotent.
void RouteLibraryLogsToJson();

// What protobuf last said about a message it failed to decode on this
// thread (e.g. "String field 'gigwire.v1.GetJobRequest.id' contains invalid
// UTF-8 data..."), then forgets it; empty when it said nothing.
std::string TakeRequestDecodeProblem();

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_LIBRARY_LOGS_H_
