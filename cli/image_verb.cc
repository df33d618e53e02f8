// snapsim image compare IMAGE_A IMAGE_B [-f FMT] [-F FMT] [--strict] [--first] [--json]
// snapsim image map IMAGE [-f FMT] [--json]
// Exit status: 0 same (or map printed), 1 the images differ, 2 an image is bad.
// As qemu-img: -f states the first image's format, -F the second's (compare); --strict
// (-s) also fails on different sizes or allocation; `map --json` prints qemu-img map's
// rows (start, length, depth with 0 = the top image, present, zero, data, offset).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "merge/block_status.h"
#include "merge/compare.h"
#include "merge/image.h"

namespace snapsim::cli {
namespace {

struct ImageOptions {
  std::string a, b;
  std::string format_a, format_b;
  bool first = false;
  bool strict = false;
  bool json = false;
  int threads = 2;
};

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t byte : bytes) out += fmt::format("{:02x}", byte);
  return out;
}

std::unique_ptr<merge::Image> OpenOrReport(const std::string& spec, const std::string& format) {
  auto image = merge::Image::Open(spec, merge::OpenOptions{format});
  if (!image.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", image.status().message());
    return nullptr;
  }
  const merge::LayerInfo& top = image.value()->layers().back();
  if (top.probed && top.format == "raw") {  // as qemu-img warns
    fmt::print(stderr,
               "snapsim: warning: {}: no image format magic, read as raw (state -f raw to say "
               "so)\n",
               spec);
  }
  return std::move(image.value());
}

void PrintCompareText(const merge::CompareResult& r, const ImageOptions& o) {
  if (r.size_a != r.size_b) {
    fmt::print("note: sizes differ: {} is {} bytes, {} is {} bytes; the shorter reads as zeros\n",
               o.a, r.size_a, o.b, r.size_b);
  }
  uint64_t total = 0;
  for (const merge::DiffRange& d : r.diffs) {
    fmt::print("differ at {:#x}, {} bytes ({} differing): {}: {} {}: {}\n", d.offset, d.length,
               d.differing_bytes, o.a, Hex(d.head_a), o.b, Hex(d.head_b));
    total += d.differing_bytes;
  }
  if (r.same()) {
    fmt::print("images are identical\n");
  } else {
    fmt::print("images differ: {} range{}, {} differing bytes{}\n", r.diffs.size(),
               r.diffs.size() == 1 ? "" : "s", total, o.first ? " (stopped at the first)" : "");
  }
}

// Image paths are bytes; JSON needs UTF-8, so a byte that is not is printed as U+FFFD.
template <typename Json>
void PrintJson(const Json& out) {
  fmt::print("{}\n", out.dump(2, ' ', false, Json::error_handler_t::replace));
}

void PrintCompareJson(const merge::CompareResult& r, const ImageOptions& o,
                      const nlohmann::json& strict) {
  nlohmann::json diffs = nlohmann::json::array();
  for (const merge::DiffRange& d : r.diffs) {
    diffs.push_back({{"offset", d.offset},
                     {"length", d.length},
                     {"differing_bytes", d.differing_bytes},
                     {"head_a", Hex(d.head_a)},
                     {"head_b", Hex(d.head_b)}});
  }
  nlohmann::json out = {{"a", o.a},
                        {"b", o.b},
                        {"size_a", r.size_a},
                        {"size_b", r.size_b},
                        {"same", r.same() && strict.is_null()},
                        {"first_only", o.first},
                        {"read_bytes", r.read_bytes},
                        {"diffs", diffs}};
  if (o.strict) out["strict"] = strict.is_null() ? nlohmann::json{{"same", true}} : strict;
  PrintJson(out);
}

// --strict: what `qemu-img compare -s` checks before the bytes. Null when it passes.
nlohmann::json StrictMismatch(const merge::Image& a, const merge::Image& b) {
  if (a.size_bytes() != b.size_bytes()) {
    return {{"same", false},
            {"reason", "size"},
            {"size_a", a.size_bytes()},
            {"size_b", b.size_bytes()}};
  }
  const auto rows_a = merge::BlockStatus(a), rows_b = merge::BlockStatus(b);
  const auto mismatch = merge::FirstAllocationMismatch(rows_a, rows_b);
  if (!mismatch) return nullptr;
  return {{"same", false},
          {"reason", "allocation"},
          {"offset", mismatch->offset},
          {"allocation_a", merge::AllocationName(*mismatch->a)},
          {"allocation_b", merge::AllocationName(*mismatch->b)}};
}

int RunCompare(const ImageOptions& o) {
  auto a = OpenOrReport(o.a, o.format_a);
  if (!a) return kExitBadInput;
  auto b = OpenOrReport(o.b, o.format_b);
  if (!b) return kExitBadInput;
  const nlohmann::json strict = o.strict ? StrictMismatch(*a, *b) : nlohmann::json();
  if (!strict.is_null() && !o.json) {
    if (strict["reason"] == "size") {
      fmt::print("strict: sizes differ: {} is {} bytes, {} is {} bytes\n", o.a, a->size_bytes(),
                 o.b, b->size_bytes());
    } else {
      fmt::print("strict: allocation differs at {:#x}: {} is {}, {} is {}\n",
                 strict["offset"].get<uint64_t>(), o.a, strict["allocation_a"].get<std::string>(),
                 o.b, strict["allocation_b"].get<std::string>());
    }
    return kExitCheckFailed;
  }
  merge::CompareOptions options;
  options.first_only = o.first;
  options.threads = o.threads;
  auto result = merge::Compare(merge::ImageContent(*a), merge::ImageContent(*b), options);
  if (!result.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", result.status().message());
    return kExitBadInput;
  }
  if (o.json) {
    PrintCompareJson(result.value(), o, strict);
  } else {
    PrintCompareText(result.value(), o);
  }
  return result->same() && strict.is_null() ? kExitOk : kExitCheckFailed;
}

int RunMap(const ImageOptions& o) {
  auto image = OpenOrReport(o.a, o.format_a);
  if (!image) return kExitBadInput;
  const auto& layers = image->layers();
  const std::vector<merge::BlockStatusRow> rows = merge::BlockStatus(*image);
  auto file_of = [&](const merge::BlockStatusRow& row) {
    return row.file_id ? image->files().file(*row.file_id).path()
                       : layers[layers.size() - 1 - row.depth].path;
  };
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();  // qemu-img's key order
    for (const merge::BlockStatusRow& row : rows) {
      nlohmann::ordered_json j = {{"start", row.start}, {"length", row.length},
                                  {"depth", row.depth}, {"present", row.present},
                                  {"zero", row.zero},   {"data", row.data}};
      if (row.compressed) j["compressed"] = true;
      if (row.offset) j["offset"] = *row.offset;
      if (row.present) j["file"] = file_of(row);
      out.push_back(std::move(j));
    }
    PrintJson(out);
    return kExitOk;
  }
  for (size_t depth = 0; depth < layers.size(); ++depth) {
    const merge::LayerInfo& layer = layers[layers.size() - 1 - depth];
    fmt::print("depth {}: {} ({}{}{}), {} bytes\n", depth, layer.path, layer.format,
               layer.snapshot.empty() ? "" : ", snapshot ", layer.snapshot, layer.size_bytes);
  }
  fmt::print("{:<18} {:<18} {:<6} {:<5} {:<18} {}\n", "offset", "length", "depth", "kind",
             "file offset", "file");
  for (const merge::BlockStatusRow& row : rows) {
    if (!row.present) continue;  // ranges no layer allocates read as zeros
    const char* kind = row.compressed ? "comp" : row.data ? "data" : "zero";
    fmt::print("{:<#18x} {:<#18x} {:<6} {:<5} {:<18} {}\n", row.start, row.length, row.depth, kind,
               row.offset ? fmt::format("{:#x}", *row.offset) : "-", file_of(row));
  }
  return kExitOk;
}

CLI::Option* AddFormat(CLI::App* app, const char* names, std::string& into, const char* what) {
  return app->add_option(names, into, what)->check(CLI::IsMember({"qcow2", "vmdk", "raw"}));
}

void Register(CLI::App& app) {
  auto options = std::make_shared<ImageOptions>();
  CLI::App* verb = app.add_subcommand("image", "Compare disk images or show their allocation");
  verb->require_subcommand(1);
  CLI::App* compare = verb->add_subcommand("compare", "Bit-for-bit comparison of two images");
  compare->add_option("IMAGE_A", options->a, "First image (PATH or PATH@SNAPSHOT)")->required();
  compare->add_option("IMAGE_B", options->b, "Second image")->required();
  AddFormat(compare, "-f,--format", options->format_a,
            "Format of IMAGE_A (qcow2, vmdk, raw); must match its magic");
  AddFormat(compare, "-F,--format-b", options->format_b, "Format of IMAGE_B");
  compare->add_flag("-s,--strict", options->strict,
                    "Also fail on different sizes or allocation (qemu-img compare -s)");
  compare->add_flag("--first", options->first, "Stop at the first differing range");
  compare->add_flag("--json", options->json, "Print the result as JSON");
  compare->add_option("--threads", options->threads, "Worker threads (default 2)")
      ->check(CLI::Range(1, 64));
  compare->callback([options] { SetExitStatus(RunCompare(*options)); });
  CLI::App* map = verb->add_subcommand("map", "Allocated ranges and the layer holding each");
  map->add_option("IMAGE", options->a, "Image (PATH or PATH@SNAPSHOT)")->required();
  AddFormat(map, "-f,--format", options->format_a,
            "Format of IMAGE (qcow2, vmdk, raw); must match its magic");
  map->add_flag("--json", options->json,
                "Print qemu-img map's JSON rows (depth 0 = IMAGE), plus each range's file");
  map->callback([options] { SetExitStatus(RunMap(*options)); });
}

VerbRegistrar registrar(70, Register);

}  // namespace
}  // namespace snapsim::cli
