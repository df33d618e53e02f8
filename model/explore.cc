#include "model/explore.h"

#include <algorithm>
#include <atomic>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <xxhash.h>

#include "model/invariants.h"
#include "model/model.h"

namespace snapsim::model {
namespace {

std::string NameAt(int i) { return std::string(1, static_cast<char>('a' + i)); }

void AddCreates(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Create plain{n};
  out.push_back(plain);
  scenario::Create c = plain;
  c.halt = true;  // esx/qemu/test: powered off after; vbox: invalid-arg
  out.push_back(c);
  if (p == Profile::kEsx || p == Profile::kQemu) {
    c = plain;
    c.memory = scenario::MemoryMode::kNo;
    out.push_back(c);
    c = plain;
    c.disk_only = true;  // esx: no memory; qemu: external
    out.push_back(c);
  }
  if (p != Profile::kVbox) {  // decision 33: qemu takes it without metadata; test, esx refuse
    c = plain;
    c.no_metadata = true;
    out.push_back(c);
  }
  if (p == Profile::kQemu) {  // quiesce: refused internal, taken external when shut off
    c = plain;
    c.location = scenario::Location::kExternal;
    c.quiesce = true;
    out.push_back(c);
  }
}

void AddDeletes(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Delete plain{n};
  out.push_back(plain);
  scenario::Delete d = plain;
  d.children = true;
  out.push_back(d);
  if (p != Profile::kTest) {
    d = plain;
    d.metadata_only = true;  // esx: no-op; qemu: metadata; vbox: leaf only
    out.push_back(d);
  }
  if (p == Profile::kQemu || p == Profile::kTest) {
    d = plain;
    d.children_only = true;
    out.push_back(d);
  }
  d = plain;
  d.discard = true;
  out.push_back(d);
  if (p == Profile::kEsx) {
    d.suppress_power_on = true;
    out.push_back(d);
  }
}

void AddReverts(Profile p, const std::string& n, std::vector<scenario::Action>& out) {
  scenario::Revert plain{n};
  out.push_back(plain);
  scenario::Revert r = plain;
  if (p == Profile::kEsx) {
    r.suppress_power_on = true;
    out.push_back(r);
  } else if (p == Profile::kQemu || p == Profile::kTest) {
    r.running = true;
    out.push_back(r);
    r = plain;
    r.paused = true;
    out.push_back(r);
  }
}

}  // namespace

std::vector<scenario::Action> ExploreAlphabet(const ExploreOptions& o) {
  std::vector<scenario::Action> out = {scenario::Start{}, scenario::Shutdown{}, scenario::Pause{},
                                       scenario::Resume{}};
  for (int i = 0; i < o.names; ++i) {
    const std::string n = NameAt(i);
    AddCreates(o.profile, n, out);
    AddDeletes(o.profile, n, out);
    AddReverts(o.profile, n, out);
    if (o.profile != Profile::kVbox) out.push_back(scenario::SetCurrent{n});  // decision 32
    out.push_back(scenario::Write{"vda", i * o.write_bytes, o.write_bytes,
                                  scenario::Fill{static_cast<uint8_t>(0xA1 + i)}});
  }
  return out;
}

std::string SymmetricCanonical(const std::string& canonical, int names) {
  // Split into: lines before the `taken` lines (snapshot lines renamed in place), and the
  // `taken` lines (renamed, then sorted by name).
  struct Line {
    size_t begin, end;                   // in canonical, without the newline
    size_t name_at = std::string::npos;  // where a one-letter snapshot name sits
    bool taken = false;
  };
  std::vector<Line> lines;
  for (size_t at = 0; at < canonical.size();) {
    size_t end = canonical.find('\n', at);
    if (end == std::string::npos) end = canonical.size();
    Line line{at, end};
    const std::string_view text(canonical.data() + at, end - at);
    if (text.starts_with('#')) {  // "#K NAME parent#..."
      const size_t space = text.find(' ');
      if (space != std::string_view::npos && space + 2 < text.size() && text[space + 2] == ' ')
        line.name_at = at + space + 1;
    } else if (text.starts_with("taken ") && text.size() > 7 && text[7] == ':') {
      line.name_at = at + 6;
      line.taken = true;
    }
    lines.push_back(line);
    at = end + 1;
  }
  std::vector<char> perm(static_cast<size_t>(std::clamp(names, 0, 26)));
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<char>('a' + i);
  auto rename = [&](char c) {
    const size_t i = static_cast<size_t>(c - 'a');
    return c >= 'a' && i < perm.size() ? perm[i] : c;
  };
  std::string best, candidate;
  std::vector<std::string> taken;
  do {
    candidate.clear();
    taken.clear();
    for (const Line& line : lines) {
      std::string text = canonical.substr(line.begin, line.end - line.begin);
      if (line.name_at != std::string::npos) {
        text[line.name_at - line.begin] = rename(text[line.name_at - line.begin]);
      }
      if (line.taken) {
        taken.push_back(std::move(text));
      } else {
        candidate += text;
        candidate += '\n';
      }
    }
    std::sort(taken.begin(), taken.end());
    for (const std::string& t : taken) candidate += t + '\n';
    if (best.empty() || candidate < best) best = candidate;
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

scenario::Scenario PathScenario(const ExploreOptions& o, const std::vector<scenario::Step>& path,
                                const std::string& message) {
  scenario::Scenario s;
  s.name = fmt::format("explore-{}-counterexample", ProfileName(o.profile));
  s.description = "Found by snapsim explore: " + message;
  s.hypervisor = o.profile;
  s.tags = {"explore"};
  s.disks = {{"vda", o.disk_bytes}};
  s.steps = path;
  return s;
}

namespace {

// An open-addressing set of 64-bit state hashes: 8 bytes a slot, at most half full, so
// about 16 bytes per state (a node-based set takes 40 or more). 0 stands for an empty
// slot; the hash 0 is kept apart.
class HashSet {
 public:
  HashSet() : slots_(1024, 0) {}
  bool contains(uint64_t h) const {
    if (h == 0) return has_zero_;
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }
  bool insert(uint64_t h) {  // true when h was not there
    if (h == 0) return !std::exchange(has_zero_, true);
    if (2 * (count_ + 1) > slots_.size()) Grow();
    if (!Place(slots_, h)) return false;
    ++count_;
    return true;
  }
  size_t bytes() const { return slots_.size() * sizeof(uint64_t); }

 private:
  static bool Place(std::vector<uint64_t>& slots, uint64_t h) {
    for (size_t i = h & (slots.size() - 1);; i = (i + 1) & (slots.size() - 1)) {
      if (slots[i] == h) return false;
      if (slots[i] == 0) {
        slots[i] = h;
        return true;
      }
    }
  }
  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    for (uint64_t h : slots_) {
      if (h != 0) Place(bigger, h);
    }
    slots_ = std::move(bigger);
  }
  std::vector<uint64_t> slots_;
  size_t count_ = 0;
  bool has_zero_ = false;
};

// How a state was first reached, for the shortest path: 16 bytes.
struct Origin {
  int64_t parent;
  uint32_t action;
  int32_t error;  // -1: the action succeeded; else the ErrorClass it was refused with
};

// A new state found while expanding one chunk of a level's frontier.
struct Successor {
  uint64_t hash;
  int64_t parent;  // origins index
  uint32_t action;
  int32_t error;
  Model model;
};

// What expanding a contiguous chunk of the frontier found, in frontier and action order:
// the states new to the levels before and to the chunk, the counts, and the first broken
// invariant (the chunk stops there, as a sequential search would).
struct ChunkResult {
  std::vector<Successor> fresh;
  std::vector<uint64_t> plain;  // with symmetry: hashes of the states met as themselves
  uint64_t transitions = 0, refused = 0;
  bool done = false;
  struct Broken {
    int64_t parent;
    uint32_t action;
    Status status;
    std::string message;
  };
  std::optional<Broken> broken;
};

}  // namespace

ExploreResult Explore(const ExploreOptions& o) {
  const std::vector<scenario::Action> alphabet = ExploreAlphabet(o);
  ExploreResult result;
  std::vector<Origin> origins = {{-1, 0, -1}};
  HashSet seen;        // membership only
  HashSet plain_seen;  // with symmetry: the plain hashes of every state met (levels before)
  Model initial(o.profile, PowerState::kShutoff, {{"vda", o.disk_bytes}});
  // The key of a state: the hash of its canonical text, or of its class's under symmetry.
  auto key = [&o](const std::string& text) {
    if (!o.symmetry) return XXH3_64bits(text.data(), text.size());
    const std::string least = SymmetricCanonical(text, o.names);
    return XXH3_64bits(least.data(), least.size());
  };
  std::string initial_text = initial.Canonical();
  seen.insert(key(initial_text));
  if (o.symmetry) plain_seen.insert(XXH3_64bits(initial_text.data(), initial_text.size()));
  std::vector<std::pair<int64_t, Model>> frontier;
  frontier.emplace_back(0, std::move(initial));
  result.states_per_depth.push_back(1);
  const int threads = std::clamp(o.threads, 1, 64);

  auto path_to = [&](int64_t index, uint32_t last_action, const Status& last) {
    std::vector<scenario::Step> steps;
    auto push = [&](uint32_t action, std::optional<ErrorClass> error) {
      scenario::Step step{alphabet[action], std::nullopt, {}};
      if (error) step.error = *error;
      steps.push_back(std::move(step));
    };
    push(last_action, last.ok() ? std::nullopt : std::optional(last.error_class()));
    for (int64_t i = index; origins[i].parent >= 0; i = origins[i].parent) {
      push(origins[i].action, origins[i].error < 0
                                  ? std::nullopt
                                  : std::optional(static_cast<ErrorClass>(origins[i].error)));
    }
    std::reverse(steps.begin(), steps.end());
    return steps;
  };

  // Expands frontier[from, to) into `out`; `seen` is only read while workers run.
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> found{0};  // progress display only
  auto expand = [&](size_t from, size_t to, ChunkResult* out) {
    std::unordered_set<uint64_t> local, local_plain;  // new to this chunk
    for (size_t f = from; f < to; ++f) {
      if (stopping.load(std::memory_order_relaxed)) return;
      const auto& [index, model] = frontier[f];
      const std::string before_text = model.Canonical();
      for (uint32_t a = 0; a < alphabet.size(); ++a) {
        Model after = model;
        const Status status = after.Apply(alphabet[a]);
        ++out->transitions;
        if (!status.ok()) ++out->refused;
        const std::string after_text = after.Canonical();
        Status broken = CheckTransition(model, before_text, alphabet[a], status, after, after_text);
        if (broken.ok() && o.extra_check) broken = o.extra_check(after);
        if (!broken.ok()) {
          out->broken = ChunkResult::Broken{index, a, status, broken.message()};
          out->done = true;
          return;
        }
        uint64_t h;
        if (o.symmetry) {
          // A state met before as itself is of a class met before: the permutations are
          // rendered only for states new as they are.
          const uint64_t plain = XXH3_64bits(after_text.data(), after_text.size());
          if (plain_seen.contains(plain) || !local_plain.insert(plain).second) continue;
          out->plain.push_back(plain);
          h = key(after_text);
        } else {
          h = key(after_text);
        }
        if (seen.contains(h) || !local.insert(h).second) continue;
        out->fresh.push_back({h, index, a,
                              status.ok() ? -1 : static_cast<int32_t>(status.error_class()),
                              std::move(after)});
      }
    }
    found.fetch_add(out->fresh.size(), std::memory_order_relaxed);
    out->done = true;
  };

  for (int depth = 0; depth < o.depth && !frontier.empty(); ++depth) {
    // Chunks of at most chunk_states states, taken in turn by the workers; their results are
    // merged in frontier order, so the outcome is the sequential search's whatever the
    // threads' timing.
    const size_t kChunk = std::max<size_t>(o.chunk_states, 1);
    const size_t chunks = (frontier.size() + kChunk - 1) / kChunk;
    std::vector<ChunkResult> parts(chunks);
    std::atomic<size_t> next_chunk{0};
    const uint64_t states_before = origins.size();
    found = 0;
    auto worker = [&](bool reporter) {
      for (size_t c = next_chunk++; c < chunks; c = next_chunk++) {
        if (stopping.load()) return;
        expand(c * kChunk, std::min(frontier.size(), (c + 1) * kChunk), &parts[c]);
        if (reporter) {  // one thread talks to the caller
          if (o.on_progress) o.on_progress(states_before + found.load());
          if (o.stop && o.stop()) stopping = true;
        }
      }
    };
    if (threads == 1 || chunks == 1) {
      worker(true);
    } else {
      std::vector<std::thread> pool;
      for (int t = 1; t < threads; ++t) pool.emplace_back(worker, false);
      worker(true);
      for (auto& thread : pool) thread.join();
    }
    std::vector<std::pair<int64_t, Model>> next;
    for (ChunkResult& part : parts) {
      result.transitions += part.transitions;
      result.refused += part.refused;
      for (uint64_t plain : part.plain) plain_seen.insert(plain);
      for (Successor& s : part.fresh) {
        if (!seen.insert(s.hash)) continue;  // an earlier chunk of this level found it
        origins.push_back({s.parent, s.action, s.error});
        next.emplace_back(static_cast<int64_t>(origins.size() - 1), std::move(s.model));
      }
      if (part.broken) {
        result.states = origins.size();
        result.violation = ExploreViolation{
            part.broken->message,
            PathScenario(o, path_to(part.broken->parent, part.broken->action, part.broken->status),
                         part.broken->message)};
        result.bytes_per_state =
            (seen.bytes() + plain_seen.bytes()) / origins.size() + sizeof(Origin);
        return result;
      }
      if (!part.done) {  // interrupted: what was complete before this chunk
        result.interrupted = true;
        result.states_per_depth.push_back(next.size());
        result.states = origins.size();
        result.bytes_per_state =
            (seen.bytes() + plain_seen.bytes()) / origins.size() + sizeof(Origin);
        return result;
      }
    }
    result.states_per_depth.push_back(next.size());
    if (o.on_depth) o.on_depth(depth + 1, next.size());
    frontier = std::move(next);
  }
  result.states = origins.size();
  result.bytes_per_state = (seen.bytes() + plain_seen.bytes()) / origins.size() + sizeof(Origin);
  return result;
}

}  // namespace snapsim::model
