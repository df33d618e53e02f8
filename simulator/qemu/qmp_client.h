#pragma once
// QmpClient: a small client of QEMU's machine protocol (QMP) over a unix socket, with
// nlohmann-json: the greeting, capability negotiation, commands with replies matched by
// "id", and asynchronous events queued as they arrive so a caller can wait for one
// (a job concluding, a block job ready) with a timeout instead of sleeping.
//
// Transport failures (the socket closes because QEMU died, a reply or an event does not
// come in time, a line is not JSON) throw BackendFailure; a command QEMU refuses is an
// ordinary QmpError result.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace snapsim::simulator {

using Json = nlohmann::json;

// QMP's {"error": {"class": ..., "desc": ...}}.
struct QmpError {
  std::string error_class;
  std::string desc;
};

// A command's outcome: its "return" value, or QEMU's error.
struct QmpReply {
  Json value;
  std::optional<QmpError> error;
  bool ok() const { return !error.has_value(); }
};

class QmpClient {
 public:
  QmpClient() = default;
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;
  ~QmpClient();

  // Connects to `socket_path`, retrying while the socket does not exist yet and
  // `still_starting()` says the server may still create it, for at most `timeout_ms`;
  // then reads the greeting and negotiates capabilities.
  void Connect(const std::string& socket_path, const std::function<bool()>& still_starting,
               int64_t timeout_ms);
  bool connected() const { return fd_ >= 0; }
  void Close();

  // Sends `command` with `arguments` (an object, or null for none) and waits for its
  // reply; events that arrive meanwhile are queued.
  QmpReply Execute(const std::string& command, const Json& arguments = nullptr,
                   int64_t timeout_ms = 30'000);
  // Execute, and a QMP error becomes BackendFailure naming the command.
  Json Require(const std::string& command, const Json& arguments = nullptr,
               int64_t timeout_ms = 30'000);
  // HMP through human-monitor-command; returns the text, which QEMU uses for HMP errors.
  std::string Hmp(const std::string& command_line, int64_t timeout_ms = 30'000);

  // The first queued or arriving event for which `match(event)` holds (the whole event
  // object: "event", "data"); it is removed from the queue. Throws BackendFailure naming
  // `what` after `timeout_ms`.
  Json WaitEvent(const std::function<bool(const Json&)>& match, const std::string& what,
                 int64_t timeout_ms);
  // Drops queued events (e.g. before a new job, so an old event cannot match it).
  void DiscardEvents() { events_.clear(); }

 private:
  // The next complete line, read within the deadline (a monotonic clock in ms).
  Json ReadMessage(int64_t deadline_ms, const std::string& what);

  int fd_ = -1;
  std::string socket_path_;
  std::string buffer_;
  std::deque<Json> events_;
  uint64_t next_id_ = 1;
};

// Milliseconds on a monotonic clock, for deadlines only (never in any output).
int64_t MonotonicMs();

}  // namespace snapsim::simulator
