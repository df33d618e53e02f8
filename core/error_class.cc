#include "core/error_class.h"

#include <initializer_list>

namespace snapsim {

std::string_view ErrorClassName(ErrorClass error_class) {
  switch (error_class) {
#define X(name, spelling, number) \
  case ErrorClass::name:          \
    return spelling;
#include "core/error_classes.def"
#undef X
  }
  return "unknown";
}

int ErrorClassNumber(ErrorClass error_class) {
  switch (error_class) {
#define X(name, spelling, number) \
  case ErrorClass::name:          \
    return number;
#include "core/error_classes.def"
#undef X
  }
  return -1;
}

std::optional<ErrorClass> ParseErrorClass(std::string_view text) {
#define X(name, spelling, number) \
  if (text == spelling) return ErrorClass::name;
#include "core/error_classes.def"
#undef X
  return std::nullopt;
}

std::optional<ErrorClass> ErrorClassFromLibvirtNumber(int value) {
#define X(name, spelling, number) \
  if (value == number) return ErrorClass::name;
#include "core/error_classes.def"
#undef X
  return std::nullopt;
}

const std::initializer_list<ErrorClass>& AllErrorClasses() {
  static const std::initializer_list<ErrorClass> all = {
#define X(name, spelling, number) ErrorClass::name,
#include "core/error_classes.def"
#undef X
  };
  return all;
}

}  // namespace snapsim
