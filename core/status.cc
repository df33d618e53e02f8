#include "core/status.h"

namespace snapsim {

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kBadInput: return "bad input";
    case Fault::kUnsupported: return "unsupported";
    case Fault::kBackendFailure: return "backend failure";
    case Fault::kInternal: return "internal error";
  }
  return "fault";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text = fault_ ? FaultName(*fault_) : std::string(ErrorClassName(*error_class_));
  if (!message_.empty()) text += ": " + message_;
  return text;
}

}  // namespace snapsim
