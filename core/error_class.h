#pragma once
// Error classes: libvirt's virErrorNumber values that snapshot operations report.
// The list lives in error_classes.def; this header only expands it.

#include <optional>
#include <string_view>

namespace snapsim {

enum class ErrorClass {
#define X(name, spelling, number) name,
#include "core/error_classes.def"
#undef X
};

// The YAML spelling, e.g. "no-domain-snapshot".
std::string_view ErrorClassName(ErrorClass error_class);
// libvirt's virErrorNumber for the class.
int ErrorClassNumber(ErrorClass error_class);
std::optional<ErrorClass> ParseErrorClass(std::string_view spelling);
std::optional<ErrorClass> ErrorClassFromLibvirtNumber(int number);
// Every class in table order (for "did you mean" hints and reports).
const std::initializer_list<ErrorClass>& AllErrorClasses();

}  // namespace snapsim
