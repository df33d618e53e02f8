#!/usr/bin/env python3
"""Checks a `snapsim run --html` page in headless Chromium against the run's JSON lines.

  html_browser_check.py --html R.html --json R.json --chromedriver PATH --chromium PATH
                        [--screenshot OUT.png]

From the rendered DOM: the counts by status equal the JSON lines' verdicts, so do the case
rows; unticking a status hides exactly its rows; the search box hides the rows that do not
match; opening a failing case shows its step trace and its file's failing line; a known
case's finding links to docs/findings.md. With
--screenshot, the page with that case and a known one open is saved as PNG. Exit 1 on a failed check.
"""

import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webdriver  # noqa: E402

STATUSES = ["fail", "backend-failure", "known", "pass", "skip"]


def verdicts(json_path):
    counts = collections.Counter()
    with open(json_path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if event["event"] == "scenario":
                counts[event["verdict"]] += 1
    return counts


class Checker:
    def __init__(self, driver):
        self.driver = driver
        self.failed = 0

    def expect(self, what, ok, detail=""):
        print(f"{'ok' if ok else 'FAIL'}: {what}{'' if ok else ': ' + detail}")
        self.failed += not ok

    def rows(self, status=None):
        css = ".case" if status is None else f'.case[data-status="{status}"]'
        return self.driver.find(css)

    def visible_statuses(self):
        return self.driver.script(
            "return Array.from(document.querySelectorAll('.case'))"
            ".filter(c => c.offsetParent !== null).map(c => c.dataset.status);")


def check_counts(c, want):
    d = c.driver
    for status in STATUSES:
        shown = d.text(d.find_one(f"#count-{status}"))
        c.expect(f"count of {status} is {want[status]}", shown == str(want[status]), shown)
        rows = len(c.rows(status))
        c.expect(f"{want[status]} {status} rows", rows == want[status], str(rows))
    total = sum(want.values())
    c.expect(f"count of all is {total}", d.text(d.find_one("#count-all")) == str(total))
    order = [d.attribute(row, "data-status") for row in c.rows()]
    ranked = sorted(order, key=STATUSES.index)
    c.expect("failures first, then known, pass, skip", order == ranked, str(order))


def check_status_filter(c, want):
    d = c.driver
    box = d.find_one('.status-filter[value="pass"]')
    d.click(box)
    visible = c.visible_statuses()
    c.expect("unticking pass hides every pass row", "pass" not in visible, str(visible))
    c.expect("unticking pass keeps the others",
             len(visible) == sum(want.values()) - want["pass"], str(visible))
    hidden = [row for row in c.rows("pass") if d.displayed(row)]
    c.expect("WebDriver sees the pass rows hidden", not hidden, f"{len(hidden)} shown")
    d.click(box)
    c.expect("ticking it again shows them", len(c.visible_statuses()) == sum(want.values()))


def check_search(c, word):
    d = c.driver
    search = d.find_one("#search")
    d.type(search, word)
    shown = d.script(
        "return Array.from(document.querySelectorAll('.case'))"
        ".filter(c => c.offsetParent !== null).map(c => c.dataset.search);")
    c.expect(f"search {word!r} keeps only matching rows",
             bool(shown) and all(word.lower() in s for s in shown), str(shown))
    d.clear(search)
    d.script("document.getElementById('search').dispatchEvent(new Event('input'));")


def check_open_case(c, status):
    d = c.driver
    rows = c.rows(status)
    if not rows:
        c.expect(f"a {status} case to open", False, "none in the page")
        return
    row = rows[0]
    trace = d.find_one("table.trace", within=row)
    c.expect("a closed case hides its trace", not d.displayed(trace))
    d.click(d.find_one("summary", within=row))
    c.expect("opening the case shows its step trace", d.displayed(trace))
    steps = d.find("tr", within=trace)
    c.expect("the trace has steps", len(steps) > 1, str(len(steps)))
    broke = d.find("tr.broke", within=trace)
    c.expect("the failing step is marked", len(broke) == 1, str(len(broke)))
    bad = d.find("pre.source .bad", within=row)
    c.expect("the file's failing line is marked", bool(bad) and d.displayed(bad[0]))


def check_finding_links(c):
    d = c.driver
    for row in c.rows("known"):
        link = d.find_one("a.finding", within=row)
        href, name = d.attribute(link, "href"), d.text(link)
        c.expect(f"{name} links to its section of docs/findings.md",
                 f"docs/findings.md#{name.lower()}" in href, href)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--html", "--json", "--chromedriver", "--chromium"):
        parser.add_argument(name, required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--search", default="F4")
    args = parser.parse_args()
    want = verdicts(args.json)
    driver = webdriver.Driver(args.chromedriver, args.chromium, height=1900)
    try:
        driver.open("file://" + os.path.abspath(args.html))
        c = Checker(driver)
        check_counts(c, want)
        check_status_filter(c, want)
        check_search(c, args.search)
        check_open_case(c, "fail")
        check_finding_links(c)
        if args.screenshot:
            for known in c.rows("known")[:1]:  # a real backend's answers beside the model's
                driver.click(driver.find_one("summary", within=known))
            driver.script("window.scrollTo(0, 0);")
            driver.screenshot(args.screenshot)
            print(f"screenshot: {args.screenshot}")
    finally:
        driver.quit()
    print(f"{'FAILED' if c.failed else 'passed'}: {c.failed} checks failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
