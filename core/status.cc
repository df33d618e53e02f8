#include "core/status.h"

namespace snapsim {

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text(ErrorClassName(*error_class_));
  if (!message_.empty()) text += ": " + message_;
  return text;
}

}  // namespace snapsim
