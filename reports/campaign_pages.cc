#include "reports/campaign_pages.h"

#include <fmt/format.h>

#include "core/xml_escape.h"

namespace snapsim::reports {
namespace {

std::string Joined(const MergedReport& merged) {
  std::string text;
  for (const std::string& line : merged.summary) text += line + "\n";
  return text;
}

}  // namespace

std::string CampaignJunit(const MergedReport& merged) {
  const std::string name = merged.summary.empty() ? merged.kind : merged.summary.front();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"snapsim\" tests=\"1\" failures=\"{0}\" errors=\"0\" skipped=\"0\">\n"
      "  <testsuite name=\"{1}\" tests=\"1\" failures=\"{0}\" errors=\"0\" skipped=\"0\">\n",
      merged.failed ? 1 : 0, merged.kind);
  out += fmt::format("    <testcase classname=\"snapsim.{}\" name=\"{}\">\n", merged.kind,
                     XmlEscape(name));
  if (merged.failed) {
    const std::string first = merged.summary.size() > 1 ? merged.summary[1] : name;
    out += fmt::format("      <failure message=\"{}\" type=\"divergence\">{}</failure>\n",
                       XmlEscape(first), XmlEscape(Joined(merged)));
  }
  out += fmt::format("      <system-out>{}</system-out>\n", XmlEscape(Joined(merged)));
  return out + "    </testcase>\n  </testsuite>\n</testsuites>\n";
}

std::string CampaignHtml(const MergedReport& merged, const std::string& command_line) {
  const std::string title = fmt::format("snapsim {}: {} shards merged", merged.kind, merged.shards);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>{0}</title>\n<style>body{{font-family:sans-serif;margin:2em}}"
      "pre{{background:#f4f4f4;padding:1em;white-space:pre-wrap}}"
      ".fail{{color:#a00}}.pass{{color:#070}}</style>\n</head>\n<body>\n<h1>{0}</h1>\n"
      "<p class=\"{1}\">{2}</p>\n<p>Merged by <code>{3}</code></p>\n<pre>{4}</pre>\n"
      "</body>\n</html>\n",
      XmlEscape(title), merged.failed ? "fail" : "pass",
      merged.failed ? "found something new" : "nothing new found", XmlEscape(command_line),
      XmlEscape(Joined(merged)));
}

}  // namespace snapsim::reports
