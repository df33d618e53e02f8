#pragma once
// Overloaded: one lambda per alternative for std::visit. Dispatch on a scenario::Action or
// Step with it and no catch-all `auto` lambda: a new alternative is then a compile error at
// every place that must handle it, not a silent fall-through at run time.

namespace snapsim {

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace snapsim
