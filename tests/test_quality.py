"""Quality gates on whole built sites: axe-core in Chromium, the Nu Html Checker,
keyboard focus, page titles, and a corpus of hostile content that must not run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from polku.errors import ContentError
from polku.site import build

from .conftest import TEMPLATES, js_tools, write_paths

pytestmark = pytest.mark.browser

TOOLS = Path(__file__).resolve().parent / "js" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _need(path: Path, what: str) -> None:
    if (problem := js_tools()) is not None:
        pytest.skip(problem)
    if not path.exists():
        pytest.skip(f"{what} is not installed: run `npm ci --prefix tests/js`")


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]


@pytest.mark.parametrize("which", ["bundled_site", "feature_site"])
def test_axe_finds_no_wcag_aa_violation_on_any_page(browser, request, which):
    _need(AXE, "axe-core")
    site = request.getfixturevalue(which)
    context = browser.new_context(bypass_csp=True)  # axe is injected; the pages' own CSP is tested elsewhere
    page = context.new_page()
    found = {}
    for html in _pages(site):
        page.goto(html.as_uri())
        page.evaluate("document.fonts.ready")
        violations = _axe(page)
        if violations:
            found[html.relative_to(site).as_posix()] = violations
    context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_axe_finds_nothing_in_the_walk_the_presentation_and_my_path(browser, feature_site):
    _need(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto((feature_site / "haara" / "index.html").as_uri() + "?at=d&choose=a.b#step-a")
    page.click(".mypath-toggle")
    assert _axe(page) == [], "walking, at a fork, with the 'my path' form open"
    page.click(".walk-present")
    assert _axe(page) == [], "presentation view"
    context.close()


def nu_check(java: str, files: list[str], *options: str) -> list[str]:
    """The Nu Html Checker's errors in `files`, as "file:line: message". Its exit code must
    agree with what it printed: 0 with no message, 1 with some; anything else (a crash, a
    Java error, a report this cannot read) fails the test that asked."""
    assert files, "nothing to check"
    # Java's quick compiler only (C1): the checker runs a few seconds, and the optimising
    # compiler's work never paid for itself, about half of its CPU time. Compiled by C1
    # the schema's checks go deeper into the stack, which overflowed at Java's default size.
    tuned = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss64m"]
    run = subprocess.run([java, *tuned, "-jar", str(VNU), "--errors-only", "--format", "json", *options, *files], capture_output=True, text=True)
    try:
        report = json.loads(run.stderr)
    except ValueError:
        raise AssertionError(f"the Nu Html Checker exited with {run.returncode} and no report: {run.stderr[-500:]}") from None
    found = [f"{'/'.join(m.get('url', '').rsplit('/', 2)[-2:])}:{m.get('lastLine')}: {m.get('message')}" for m in report["messages"]]
    assert run.returncode == (1 if found else 0), f"the Nu Html Checker exited with {run.returncode} and {len(found)} message(s)"
    return found


def test_every_page_and_diagram_passes_the_nu_html_checker(bundled_site, feature_site):
    _need(VNU, "vnu-jar")
    java = shutil.which("java")
    if not java:
        pytest.skip("no Java to run the Nu Html Checker (apt-get install default-jre-headless)")
    html = [str(p) for site in (bundled_site, feature_site) for p in _pages(site)]
    svg = [str(p) for site in (bundled_site, feature_site) for p in sorted(site.rglob("*.svg")) if "assets" not in p.parts]
    assert html and svg
    messages = nu_check(java, html + svg, "--also-check-svg")  # one Java start: the checker warms up once
    assert messages == []


def test_page_titles_are_unique_and_name_the_site(bundled_site, feature_site):
    import re

    for site in (bundled_site, feature_site):
        titles = {}
        for html in _pages(site):
            title = re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8"), re.S).group(1)
            assert title.strip(), html
            titles.setdefault(title, []).append(html.relative_to(site).as_posix())
        assert {t: p for t, p in titles.items() if len(p) > 1} == {}


def test_keyboard_focus_is_visible_and_follows_the_page_order(browser, bundled_site):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto((bundled_site / "suvi" / "index.html").as_uri())
    seen = []
    for _ in range(45):
        page.keyboard.press("Tab")
        info = page.evaluate("""(() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            const all = [...document.querySelectorAll('*')];
            return {index: all.indexOf(el), tag: el.tagName, text: (el.textContent || '').trim().slice(0, 30),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
        })()""")
        if info is None:
            break
        seen.append(info)
    assert len(seen) > 20, "the page's links and buttons are reachable by Tab"
    assert seen[0]["tag"] == "A" and "#content" in page.evaluate("document.querySelector('.skip-link').getAttribute('href')")
    missing = [s for s in seen if not s["outline"]]
    assert missing == [], f"focus not visible on: {missing[:3]}"
    order = [s["index"] for s in seen]
    assert order == sorted(order), "Tab moves through the page in reading order"
    page.close()


# ------------------------------------------------------------------ hostile content

PAYLOADS = [
    '<script>window.__pwned=1</script>',
    '"><img src=x onerror="window.__pwned=1">',
    "'><svg onload=window.__pwned=1>",
    '<iframe src="javascript:window.__pwned=1"></iframe>',
    '{{ 7*7 }} {% raw %}x{% endraw %} ${7*7}',
    ']]><script>window.__pwned=1</script><![CDATA[',
    '</style><script>window.__pwned=1</script>',
    '</title></desc><script>window.__pwned=1</script>',
    '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>',
    '&lt;script&gt;window.__pwned=1&lt;/script&gt; &#x3C;b&#x3E;',
]
MARKDOWN = [
    "[a](javascript:window.__pwned=1)",
    "[b](JaVaScRiPt:window.__pwned=1)",
    "[c](java&#x09;script:window.__pwned=1)",
    "[d](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    "[e](vbscript:msgbox)",
    "<a href=\"javascript:window.__pwned=1\" onclick=\"window.__pwned=1\">f</a>",
    "![g](x \"onerror=window.__pwned=1\")",
    "<img src=x onerror=window.__pwned=1>",
    "[h](%6A%61%76%61%73%63%72%69%70%74:window.__pwned=1)",
]
BAD_URLS = ["javascript:window.__pwned=1", "JAVASCRIPT:x", " javascript:x", "java\tscript:x", "data:text/html,x",
            "vbscript:x", "jav&#x61;script:x", "\u200bjavascript:x", "file:///etc/passwd"]


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _hostile_site(folder: Path) -> Path:
    def y(i: int) -> str:
        """A one-line field (at most 300 characters): the payloads from the i-th on."""
        rotated = PAYLOADS[i % len(PAYLOADS):] + PAYLOADS[: i % len(PAYLOADS)]
        return _yaml(" ".join(rotated)[:290])

    m = _yaml("\n\n".join(MARKDOWN + PAYLOADS))
    return write_paths(folder, {
        "_site.yaml": f"title: {y(0)}\norganisation: {y(1)}\naccessibility:\n  maintainer: {y(2)}\n  feedback: {m}\n  issues: {m}\n",
        "_roles.yaml": f"jaettu: {{name: {y(3)}, text: {m}}}\n",
        "paha.yaml": (
            f"title: {y(4)}\nsubtitle: {y(5)}\nsummary: {m}\npersona: {{name: {y(6)}, text: {m}}}\norganisation: {y(7)}\ncontact: {m}\n"
            f"roles:\n  r: {{name: {y(8)}, text: {m}}}\n"
            f"phases:\n  - {{id: f, title: {y(9)}}}\n"
            "steps:\n"
            f"  - {{id: a, title: {y(0)}, phase: f, roles: [r, jaettu], duration: {y(1)}, note: {y(2)}, text: {m}, professional: {m},\n"
            f"      pilot: {{text: {y(3)}, status: idea}}, links: [{{title: {y(4)}, url: 'https://example.org/?q=<script>'}}], next: [b, c]}}\n"
            f"  - {{id: b, title: {y(5)}, optional: true, text: {m}}}\n"
            f"  - {{id: c, title: {y(6)}, next: [a]}}\n"
        ),
        "paha.sv.yaml": f"title: {y(7)}\nsteps:\n  - {{id: a, title: {y(8)}}}\n  - {{id: b, title: {y(9)}}}\n  - {{id: c, title: {y(0)}}}\n",
    })


def test_hostile_content_in_every_field_runs_no_script(browser, tmp_path):
    site = tmp_path / "site"
    build(_hostile_site(tmp_path / "paths"), TEMPLATES, site, pdf=False)
    context = browser.new_context()  # the pages' own Content-Security-Policy stays on
    context.add_init_script("window.__pwned = 0")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = _pages(site) + sorted(p for p in site.rglob("*.svg") if "assets" not in p.parts)
    assert len(pages) >= 10
    for file in pages:
        for suffix in ("", "?at=a&choose=a.b#step-a") if file.name == "index.html" and file.parent.name == "paha" else ("",):
            page.goto(file.as_uri() + suffix)
            page.wait_for_timeout(50)
            name = file.relative_to(site).as_posix()
            assert page.evaluate("window.__pwned") == 0, name
            live = page.evaluate("""(() => {
                const bad = [];
                for (const el of document.querySelectorAll('*')) {
                    for (const a of el.attributes) {
                        const v = a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
                        if (a.name.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + a.name);
                        if (/(^|:)(href|src|action|formaction)$/.test(a.name) && /^(javascript|data|vbscript|file):/.test(v)) bad.push(el.tagName + ' ' + a.name + '=' + v);
                    }
                }
                const own = [...document.scripts].filter(s => !/(assets\\/(polku|search|snowball)|\\/search-index)\\.js$/.test(s.src));
                if (own.length) bad.push('script ' + own.length);
                if (document.querySelector('iframe, object, embed, math, style:not(head style):not(svg style)')) bad.push('embedded element');
                return bad;
            })()""")
            assert live == [], (name, live)
            if file.suffix == ".html":
                assert "{{ 7*7 }}" in page.content(), "template syntax is shown as typed, not evaluated"
    assert dialogs == []
    context.close()


@pytest.mark.parametrize("url", BAD_URLS)
def test_unsafe_link_addresses_are_refused_with_a_clear_error(tmp_path, url):
    paths = write_paths(tmp_path / "paths", {"p.yaml": f"title: P\nsteps:\n  - title: A\n    links: [{{title: L, url: {json.dumps(url)}}}]\n"})
    site = tmp_path / "site"
    with pytest.raises(ContentError) as caught:
        build(paths, TEMPLATES, site)
    message = "\n".join(str(d) for d in caught.value.diagnostics)
    assert "p.yaml:4:" in message and "links" in message, message
    assert not site.exists()


def test_content_security_policy_allows_only_the_sites_own_assets(bundled_site):
    for html in _pages(bundled_site):
        text = html.read_text(encoding="utf-8")
        assert "default-src 'none'" in text and "script-src 'self'" in text, html
        assert "unsafe-eval" not in text and "script-src 'self' 'unsafe-inline'" not in text
