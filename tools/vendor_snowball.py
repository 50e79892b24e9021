"""Vendor the Snowball stemmers the index page's search uses, from the npm package.

    python tools/vendor_snowball.py [path/to/snowball-stemmers.js]

Reads snowball-stemmers (Oleg Mazko's JavaScript port of the Snowball
stemmers; pinned in tests/js/package-lock.json, installed by
`npm ci --prefix tests/js`) and writes templates/assets/snowball.js with only
the shared base and the Finnish, Swedish and English stemmers, unchanged, under
their licences. The build stems the same words with the `snowballstemmer`
Python package of the same algorithms' generation (pyproject.toml pins it
below 3); tests/test_search.py checks that both give the same stems.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "js" / "node_modules" / "snowball-stemmers" / "snowball-stemmers.js"
TARGET = ROOT / "templates" / "assets" / "snowball.js"
KEEP = ("english", "finnish", "swedish")

HEADER = """\
/* Snowball stemmers for Finnish, Swedish and English, for polku's search.
 *
 * Cut by tools/vendor_snowball.py, unchanged otherwise, from snowball-stemmers
 * {version} (npm), Oleg Mazko's JavaScript port of the Snowball stemmers.
 * Licences: templates/assets/snowball-LICENSE.txt (ISC for the port, BSD-3-Clause
 * for the Snowball algorithms and their generated code).
 */
"""


def vendor(source: str, version: str) -> str:
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"    var (\w+)Stemmer = function \(_SnowballStemmer\d*\) \{$", line)]
    factory = next(i for i, line in enumerate(lines) if line == "    function newStemmer(lng) {")
    out = lines[:starts[0]]
    for start, end in zip(starts, starts[1:] + [factory]):
        name = re.match(r"    var (\w+)Stemmer", lines[start]).group(1)
        if name in KEEP:
            out += lines[start:end]
    tail = lines[factory:]
    kept = []
    for line in tail:
        entry = re.match(r"            (\w+): \w+Stemmer,?$", line)
        if entry and entry.group(1) not in KEEP:
            continue
        if line.strip().startswith("return ['arabic'"):
            line = "        return [" + ", ".join(f"'{name}'" for name in KEEP) + "];"
        kept.append(line)
    # the last kept stemMap entry must not end with a comma
    for i, line in enumerate(kept):
        if line.strip() == "};" and kept[i - 1].endswith(","):
            kept[i - 1] = kept[i - 1].rstrip(",")
            break
    return HEADER.format(version=version) + "\n".join(out + kept) + "\n"


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    if not source.exists():
        sys.exit(f"no {source}: run `npm ci --prefix tests/js` first")
    import json

    version = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))["version"]
    TARGET.write_text(vendor(source.read_text(encoding="utf-8"), version), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes) from snowball-stemmers {version}")


if __name__ == "__main__":
    main()
