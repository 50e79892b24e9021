"""The contract between site.py and the templates (polku/pages.py): what each
template is rendered with, what `serve` compares to know what to render again,
and the canonical addresses and sitemap.xml a base_url gives."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from pathlib import Path

import pytest

from polku import pages
from polku.load import load_site
from polku.site import build, common_digest, environment, path_jobs

from .conftest import PATHS, TEMPLATES, write_paths

ONE_PATH = "title: P\nsteps:\n  - id: a\n    title: A\n    pilot: Kokeilu\n    professional: {pro}\n  - id: b\n    title: B\n"


@pytest.mark.parametrize("page", pages.PAGES, ids=lambda page: page.__name__)
def test_each_template_reads_exactly_the_fields_of_its_page(page):
    """No key handed to a template goes unused, and a template reads nothing it is not handed."""
    env = environment(TEMPLATES)
    assert pages.template_variables(env, page.template) == {f.name for f in fields(page)}


def test_the_template_reading_sees_includes_macros_and_what_a_template_sets(tmp_path):
    (tmp_path / "base.html").write_text("{{ site }}{% block main %}{% endblock %}")
    (tmp_path / "_part.html").write_text("{% macro card(c) %}{{ c.name }}{{ T.x }}{% endmacro %}")
    (tmp_path / "page.html").write_text('{% extends "base.html" %}{% from "_part.html" import card with context %}'
                                        "{% block main %}{% set w = 1 %}{{ w }}{{ card(who) }}{{ step['professional'] }}{% endblock %}")
    env = environment(tmp_path)
    assert pages.template_variables(env, "page.html") == {"site", "T", "who", "step"}
    assert pages.template_attributes(env, "page.html") == {"name", "x", "professional"}


def _site(tmp_path: Path, pro: str):
    return load_site(write_paths(tmp_path / pro.replace(" ", "-"), {"p.yaml": ONE_PATH.format(pro=pro)}))[0]


def test_site_pages_are_not_rendered_again_for_a_field_they_do_not_show(tmp_path):
    env = environment(TEMPLATES)
    old, new = _site(tmp_path, "Vanha ohje"), _site(tmp_path, "Uusi ohje")
    assert common_digest(old, env) == common_digest(new, env)
    renamed = replace(new, paths=tuple(replace(p, title="Toinen") for p in new.paths))
    assert common_digest(old, env) != common_digest(renamed, env)


def test_a_site_page_that_starts_showing_a_field_is_rendered_again_when_it_changes(tmp_path):
    """serve compares what the templates read, not a list kept by hand: a
    template that starts showing a step's professional notes gets them updated."""
    from polku.preview import Preview

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    pilots = templates / "pilots.html"
    text = pilots.read_text(encoding="utf-8")
    assert "{{ step.pilot.text | shy }}" in text
    pilots.write_text(text.replace("{{ step.pilot.text | shy }}", "{{ step.pilot.text | shy }} {{ step.professional }}"), encoding="utf-8")
    paths = write_paths(tmp_path / "paths", {"p.yaml": ONE_PATH.format(pro="Vanha ohje")})
    preview = Preview(paths, templates, tmp_path / "site", "paths", lambda found: None)
    assert preview.first_build()
    page = tmp_path / "site" / "pilots" / "index.html"
    assert "Vanha ohje" in page.read_text(encoding="utf-8")
    (paths / "p.yaml").write_text(ONE_PATH.format(pro="Uusi ohje"), encoding="utf-8")
    preview.rebuild()
    assert "Uusi ohje" in page.read_text(encoding="utf-8")


def test_a_path_job_differing_in_any_field_gives_other_pages():
    site = load_site(PATHS)[0]
    job = path_jobs(site)[0]
    assert job.same_pages_as(replace(job))
    changed = {"path": replace(job.path), "site": replace(job.site, title="X"), "edition": replace(job.edition, language="sv"),
               "versions": (), "continued": (("x", "X", "x/index.html"),), "pdf": not job.pdf, "build_date": "2026-01-01T00:00:00Z"}
    assert set(changed) == {f.name for f in fields(job)}, "a new field of PathJob: add it here"
    for name, value in changed.items():
        assert not job.same_pages_as(replace(job, **{name: value})), name


def test_base_url_gives_canonical_links_and_a_sitemap(tmp_path):
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    with (paths / "_site.yaml").open("a", encoding="utf-8") as site_file:
        site_file.write("base_url: https://example.org/polut/\n")
    build(paths, TEMPLATES, tmp_path / "site")
    out = tmp_path / "site"
    assert '<link rel="canonical" href="https://example.org/polut/suvi/">' in (out / "suvi" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/polut/roles/">' in (out / "roles" / "index.html").read_text(encoding="utf-8")
    urls = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    canonical = sorted(_canonical(page) for page in out.rglob("*.html"))
    assert sorted(urls) == canonical and len(urls) == len(list(out.rglob("*.html"))) >= 10


def _canonical(page: Path) -> str:
    import re

    return re.search(r'<link rel="canonical" href="([^"]+)">', page.read_text(encoding="utf-8")).group(1)


def test_without_base_url_no_canonical_link_nor_sitemap(bundled_site):
    assert not (bundled_site / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (bundled_site / "suvi" / "index.html").read_text(encoding="utf-8")
