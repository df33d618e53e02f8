#pragma once
// The HTML report's inline style sheet and script: the page fetches nothing.

namespace snapsim::reports {

extern const char* const kHtmlStyle;
// Status checkboxes (.status-filter) and the search box (#search) hide the case rows
// (.case, data-status, data-search) that do not match, and #shown counts those left.
// It holds no '<', so the page stays easy to check as XML.
extern const char* const kHtmlScript;

}  // namespace snapsim::reports
