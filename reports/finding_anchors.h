#pragma once
// Links from a finding's name (F4) to its section of docs/findings.md, by the anchor
// GitHub gives that section's heading. The headings are read from docs/findings.md when
// the build is configured, so the links follow the file.

#include <string>
#include <string_view>

namespace snapsim::reports {

// The anchor GitHub makes of a heading's text: lower case, spaces to '-', punctuation
// other than '-' and '_' dropped. "F2. `qemu-img snapshot -d` in QEMU 7.2" gives
// "f2-qemu-img-snapshot--d-in-qemu-72".
std::string GithubAnchor(std::string_view heading_text);

// The anchor of the heading in `markdown` that covers `finding`: its own ("## F4. ..." or
// "### F15. ..."), else a range that holds it ("## F5-F13. ..."), else an open one
// ("## F21+. ..."). "" when none does, or when `finding` is no "F" and a number.
std::string FindingAnchorIn(std::string_view markdown, std::string_view finding);

// The same in the docs/findings.md this build was configured with.
std::string FindingAnchor(std::string_view finding);

// The relative link the HTML report uses: "docs/findings.md#f4-...", or "" when
// docs/findings.md has no section for `finding`.
std::string FindingLink(std::string_view finding);

}  // namespace snapsim::reports
