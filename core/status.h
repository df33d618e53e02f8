#pragma once
// Status: the outcome of an operation, shaped like leveldb's Status.
// OK is cheap. An error is one of two kinds, never mixed up:
//   - what a hypervisor answered: an ErrorClass (libvirt's classes) and its message;
//   - a Fault of snapsim itself: bad input (a file, an image, the command line), input it
//     does not support, a backend that failed to run, or an internal error. Faults decide
//     the exit status (ExitCodeFor) and are never compared with a hypervisor's answer.

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/error_class.h"

namespace snapsim {

enum class Fault {
  kBadInput,        // a scenario, image, known-findings file or argument is wrong (exit 2)
  kUnsupported,     // well-formed input snapsim cannot handle (exit 2)
  kBackendFailure,  // a program, process or file a backend needs failed (exit 3)
  kInternal,        // a bug in snapsim (exit 3)
};
const char* FaultName(Fault fault);  // "bad input", "unsupported", ...

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  // What a hypervisor (or the model, for one) answered.
  static Status Error(ErrorClass error_class, std::string message) {
    Status s;
    s.error_class_ = error_class;
    s.message_ = std::move(message);
    return s;
  }
  // A fault of snapsim's own.
  static Status Failure(Fault fault, std::string message) {
    Status s;
    s.fault_ = fault;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return !error_class_ && !fault_; }
  bool is_fault() const { return fault_.has_value(); }
  // Only for a hypervisor's error (not OK, not a fault).
  ErrorClass error_class() const {
    assert(error_class_.has_value() && "error_class() of an OK status or a fault");
    return *error_class_;
  }
  // Only for a fault.
  Fault fault() const {
    assert(fault_.has_value() && "fault() of a status that is no fault");
    return *fault_;
  }
  const std::string& message() const { return message_; }
  // Says, where a status is dropped on purpose (a refusal is part of a sequence), that it is.
  void IgnoreError() const {}
  // "ok", "no-domain-snapshot: Could not find snapshot 'x'", "bad input: ...".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    // Messages are informative only.
    return a.error_class_ == b.error_class_ && a.fault_ == b.fault_;
  }

 private:
  std::optional<ErrorClass> error_class_;
  std::optional<Fault> fault_;
  std::string message_;
};

// Result<T>: a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const { return std::get<Status>(value_); }
  T& value() { return std::get<T>(value_); }
  const T& value() const { return std::get<T>(value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace snapsim
