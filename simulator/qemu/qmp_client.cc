#include "simulator/qemu/qmp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "simulator/backend.h"

namespace snapsim::simulator {
namespace {

// How often Connect looks for the socket while QEMU starts (it appears within ~50 ms).
constexpr int64_t kConnectPollMs = 5;

int ConnectOnce(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) return fd;
  const int error = errno;
  ::close(fd);
  return -error;
}

}  // namespace

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

QmpClient::~QmpClient() { Close(); }

void QmpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  events_.clear();
}

void QmpClient::Connect(const std::string& socket_path, const std::function<bool()>& still_starting,
                        int64_t timeout_ms) {
  Close();
  if (socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw BackendFailure(fmt::format("QMP socket path too long: {}", socket_path));
  }
  socket_path_ = socket_path;
  const int64_t deadline = MonotonicMs() + timeout_ms;
  for (;;) {
    const int fd = ConnectOnce(socket_path);
    if (fd >= 0) {
      fd_ = fd;
      break;
    }
    if (fd != -ENOENT && fd != -ECONNREFUSED) {
      throw BackendFailure(
          fmt::format("cannot connect to QMP socket {}: {}", socket_path, std::strerror(-fd)));
    }
    if (!still_starting()) {
      throw BackendFailure(
          fmt::format("QEMU ended before its QMP socket {} appeared", socket_path));
    }
    if (MonotonicMs() > deadline) {
      throw BackendFailure(
          fmt::format("QMP socket {} did not appear within {} ms", socket_path, timeout_ms));
    }
    // Polling for a file to appear: QEMU gives no other signal that it listens.
    std::this_thread::sleep_for(std::chrono::milliseconds(kConnectPollMs));
  }
  const Json greeting = ReadMessage(deadline, "the QMP greeting");
  if (!greeting.contains("QMP")) {
    throw BackendFailure(fmt::format("unexpected QMP greeting: {}", greeting.dump()));
  }
  Require("qmp_capabilities");
}

Json QmpClient::ReadMessage(int64_t deadline_ms, const std::string& what) {
  if (fd_ < 0) throw BackendFailure("QMP used while not connected");
  for (;;) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      try {
        return Json::parse(line);
      } catch (const Json::exception& e) {
        throw BackendFailure(fmt::format("QMP sent a line that is not JSON ({}): {}", e.what(),
                                         line.substr(0, 200)));
      }
    }
    const int64_t left = deadline_ms - MonotonicMs();
    if (left <= 0) throw BackendFailure(fmt::format("QMP: no answer for {} in time", what));
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (ready < 0 && errno != EINTR) {
      throw BackendFailure(fmt::format("QMP poll: {}", std::strerror(errno)));
    }
    if (ready <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      throw BackendFailure(
          fmt::format("QMP connection closed while waiting for {} "
                      "(QEMU died?)",
                      what));
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

QmpReply QmpClient::Execute(const std::string& command, const Json& arguments, int64_t timeout_ms) {
  if (fd_ < 0) throw BackendFailure(fmt::format("QMP {}: not connected", command));
  const uint64_t id = next_id_++;
  Json request = {{"execute", command}, {"id", id}};
  if (!arguments.is_null()) request["arguments"] = arguments;
  std::string text;
  try {
    text = request.dump() + "\n";
  } catch (const Json::type_error& e) {  // a name or path that is not UTF-8
    throw BackendFailure(fmt::format("QMP {}: request is not valid UTF-8: {}", command, e.what()));
  }
  for (size_t sent = 0; sent < text.size();) {
    const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw BackendFailure(
          fmt::format("QMP {}: cannot send ({}; QEMU died?)", command, std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  const int64_t deadline = MonotonicMs() + timeout_ms;
  for (;;) {
    Json message = ReadMessage(deadline, "the reply to " + command);
    if (message.contains("event")) {
      events_.push_back(std::move(message));
      continue;
    }
    if (!message.contains("id") || message["id"] != id) continue;  // a stale reply
    QmpReply reply;
    if (message.contains("error")) {
      const Json& error = message["error"];
      reply.error = QmpError{error.value("class", ""), error.value("desc", "")};
    } else {
      reply.value = message.value("return", Json());
    }
    return reply;
  }
}

Json QmpClient::Require(const std::string& command, const Json& arguments, int64_t timeout_ms) {
  QmpReply reply = Execute(command, arguments, timeout_ms);
  if (!reply.ok()) {
    throw BackendFailure(fmt::format("QMP {} {} failed: {}: {}", command,
                                     arguments.is_null() ? "" : arguments.dump(),
                                     reply.error->error_class, reply.error->desc));
  }
  return std::move(reply.value);
}

std::string QmpClient::Hmp(const std::string& command_line, int64_t timeout_ms) {
  const Json value = Require("human-monitor-command", {{"command-line", command_line}}, timeout_ms);
  return value.is_string() ? value.get<std::string>() : std::string();
}

Json QmpClient::WaitEvent(const std::function<bool(const Json&)>& match, const std::string& what,
                          int64_t timeout_ms) {
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    if (match(*it)) {
      Json event = std::move(*it);
      events_.erase(it);
      return event;
    }
  }
  const int64_t deadline = MonotonicMs() + timeout_ms;
  for (;;) {
    Json message = ReadMessage(deadline, what);
    if (!message.contains("event")) continue;  // a late reply nobody waits for
    if (match(message)) return message;
    events_.push_back(std::move(message));
  }
}

}  // namespace snapsim::simulator
