#pragma once
// Status: the outcome of an operation, shaped like leveldb's Status.
// OK is cheap; an error carries an ErrorClass and a human message.

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/error_class.h"

namespace snapsim {

class Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(ErrorClass error_class, std::string message) {
    return Status(error_class, std::move(message));
  }

  bool ok() const { return !error_class_.has_value(); }
  ErrorClass error_class() const { return *error_class_; }
  const std::string& message() const { return message_; }
  // "ok" or "no-domain-snapshot: Could not find snapshot 'x'".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.error_class_ == b.error_class_;  // messages are informative only
  }

 private:
  Status(ErrorClass error_class, std::string message)
      : error_class_(error_class), message_(std::move(message)) {}
  std::optional<ErrorClass> error_class_;
  std::string message_;
};

// Result<T>: a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}       // NOLINT
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
