// snapsim image compare IMAGE_A IMAGE_B [--first] [--json]
// snapsim image map IMAGE [--json]
// Exit status: 0 same (or map printed), 1 the images differ, 2 an image is bad.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "merge/compare.h"
#include "merge/image.h"

namespace snapsim::cli {
namespace {

struct ImageOptions {
  std::string a, b;
  bool first = false;
  bool json = false;
  int threads = 2;
};

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t byte : bytes) out += fmt::format("{:02x}", byte);
  return out;
}

std::unique_ptr<merge::Image> OpenOrReport(const std::string& spec) {
  auto image = merge::Image::Open(spec);
  if (!image.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", image.status().message());
    return nullptr;
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

void PrintCompareJson(const merge::CompareResult& r, const ImageOptions& o) {
  nlohmann::json diffs = nlohmann::json::array();
  for (const merge::DiffRange& d : r.diffs) {
    diffs.push_back({{"offset", d.offset},
                     {"length", d.length},
                     {"differing_bytes", d.differing_bytes},
                     {"head_a", Hex(d.head_a)},
                     {"head_b", Hex(d.head_b)}});
  }
  nlohmann::json out = {{"a", o.a},           {"b", o.b},
                        {"size_a", r.size_a}, {"size_b", r.size_b},
                        {"same", r.same()},   {"first_only", o.first},
                        {"read_bytes", r.read_bytes}, {"diffs", diffs}};
  fmt::print("{}\n", out.dump(2));
}

int RunCompare(const ImageOptions& o) {
  auto a = OpenOrReport(o.a);
  if (!a) return kExitBadInput;
  auto b = OpenOrReport(o.b);
  if (!b) return kExitBadInput;
  merge::CompareOptions options;
  options.first_only = o.first;
  options.threads = o.threads;
  auto result = merge::Compare(merge::ImageContent(*a), merge::ImageContent(*b), options);
  if (!result.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", result.status().message());
    return kExitBadInput;
  }
  if (o.json) {
    PrintCompareJson(result.value(), o);
  } else {
    PrintCompareText(result.value(), o);
  }
  return result->same() ? kExitOk : kExitCheckFailed;
}

int RunMap(const ImageOptions& o) {
  auto image = OpenOrReport(o.a);
  if (!image) return kExitBadInput;
  const auto& layers = image->layers();
  const merge::ExtentMap owners = image->LayerAttribution();
  nlohmann::json rows = nlohmann::json::array();
  if (!o.json) {
    for (size_t i = layers.size(); i-- > 0;) {
      fmt::print("layer {}: {} ({}{}{}), {} bytes\n", i, layers[i].path, layers[i].format,
                 layers[i].snapshot.empty() ? "" : ", snapshot ", layers[i].snapshot,
                 layers[i].size_bytes);
    }
    fmt::print("{:<18} {:<18} {:<6} {:<5} {:<18} {}\n", "offset", "length", "layer", "kind",
               "file offset", "file");
  }
  for (const merge::Extent& e : image->view().extents()) {
    const merge::Extent* owner = owners.Find(e.offset);
    const size_t layer = owner ? std::get<merge::FillSource>(owner->source).byte : 0;
    const auto* at = std::get_if<merge::ImageSource>(&e.source);
    const std::string file = at ? image->files().file(at->image_id).path() : layers[layer].path;
    if (o.json) {
      rows.push_back({{"offset", e.offset}, {"length", e.length}, {"layer", layer},
                      {"data", at != nullptr}, {"zero", at == nullptr}, {"file", file}});
      if (at) rows.back()["file_offset"] = at->image_offset;
    } else {
      fmt::print("{:<#18x} {:<#18x} {:<6} {:<5} {:<18} {}\n", e.offset, e.length, layer,
                 at ? "data" : "zero", at ? fmt::format("{:#x}", at->image_offset) : "-", file);
    }
  }
  if (o.json) fmt::print("{}\n", rows.dump(2));
  return kExitOk;
}

void Register(CLI::App& app) {
  auto options = std::make_shared<ImageOptions>();
  CLI::App* verb = app.add_subcommand("image", "Compare disk images or show their allocation");
  verb->require_subcommand(1);
  CLI::App* compare = verb->add_subcommand("compare", "Bit-for-bit comparison of two images");
  compare->add_option("IMAGE_A", options->a, "First image (PATH or PATH@SNAPSHOT)")->required();
  compare->add_option("IMAGE_B", options->b, "Second image")->required();
  compare->add_flag("--first", options->first, "Stop at the first differing range");
  compare->add_flag("--json", options->json, "Print the result as JSON");
  compare->add_option("--threads", options->threads, "Worker threads (default 2)")
      ->check(CLI::Range(1, 64));
  compare->callback([options] { SetExitStatus(RunCompare(*options)); });
  CLI::App* map = verb->add_subcommand("map", "Allocated ranges and the layer holding each");
  map->add_option("IMAGE", options->a, "Image (PATH or PATH@SNAPSHOT)")->required();
  map->add_flag("--json", options->json, "Print the map as JSON");
  map->callback([options] { SetExitStatus(RunMap(*options)); });
}

VerbRegistrar registrar(70, Register);

}  // namespace
}  // namespace snapsim::cli
