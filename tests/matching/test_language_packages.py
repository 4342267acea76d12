"""pip and npm packages: the evidence that a product is a package of the item's ecosystem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.bundle import compile_sources, cve_ecosystem, described_ecosystem
from appliance.matching.engine import FeedMatcher
from appliance.matching.index import CpeIndex

UBUNTU = "Ubuntu 22.04"


@pytest.mark.parametrize(("description", "expected"), [
    ("Twisted is an event-based framework for internet applications, supporting Python 3.6+.", "python"),
    ("sharp is an application for Node.js image processing.", "node.js"),
    ("Prototype pollution vulnerability in function parseQuery in parseQuery.js in webpack loader-utils 2.0.0.", "node.js"),
    ("The PyPI package foo was found to contain malicious code.", "python"),
    # Django and Jupyter are Python's own platforms (CVE-2022-21683, CVE-2022-24757).
    ("Wagtail is a Django based content management system focused on flexibility.", "python"),
    ("The Jupyter Server provides the backend for Jupyter web applications.", "python"),
    # Any XSS lets "arbitrary JavaScript" run: that word says nothing of the product.
    ("Cross-site scripting in the admin page allows injecting arbitrary JavaScript.", ""),
    # A description naming both ecosystems says neither.
    ("A bridge between Python and Node.js processes.", ""),
    ("Redis is an in-memory database that persists on disk.", ""),
])
def test_description_words(description: str, expected: str) -> None:
    assert described_ecosystem(description) == expected


@pytest.mark.parametrize(("description", "references", "expected"), [
    # An advisory database of one ecosystem's packages speaks where the description is silent:
    # CVE-2022-40023 (Mako) links pyup.io's Safety DB, which lists PyPI packages only.
    ("Sqlalchemy mako before 1.2.2 is vulnerable to Regular expression Denial of Service.",
     ("https://github.com/sqlalchemy/mako/issues/366", "https://pyup.io/vulnerabilities/CVE-2022-40023/50870/"), "python"),
    ("An issue in python-jwt.", ("https://github.com/pypa/advisory-database/blob/main/vulns/python-jwt/PYSEC-2022-259.yaml",), "python"),
    ("A flaw in foo.", ("https://osv.dev/vulnerability/PYSEC-2021-1",), "python"),
    ("A flaw in foo.", ("https://www.npmjs.com/advisories/1234",), "node.js"),
    ("A flaw in foo.", ("https://nodesecurity.io/advisories/12",), "node.js"),
    # The description alone, as before; a page merely on the database's site says nothing.
    ("Twisted is an event-based framework, supporting Python 3.6+.", (), "python"),
    ("A flaw in foo.", ("https://pyup.io/posts/some-blog-post/", "https://github.com/pyupio/dparse/commit/8c9"), ""),
    # A description of one ecosystem and a database of the other say neither.
    ("sharp is an application for Node.js image processing.", ("https://pyup.io/vulnerabilities/CVE-2022-1/1/",), ""),
])
def test_cve_ecosystem(description: str, references: tuple[str, ...], expected: str) -> None:
    assert cve_ecosystem(description, references) == expected


def test_described_products_mined_from_the_real_feeds(index: CpeIndex) -> None:
    described = {index.keys[k]: lang for k, lang in index.described.items()}
    assert described["twistedmatrix:twisted"] == "python"  # 4 CVEs: "... written in Python"
    assert described["sharp_project:sharp"] == "node.js"
    # Its one CVE's description does not say Python; its pyup.io reference does.
    assert described["sqlalchemy:mako"] == "python"
    # One CVE mentioning Python among a product's many says nothing of the product.
    assert "gitlab:gitlab" not in described
    # "Django based", "Jupyter Server provides ...": Python's platforms name the language.
    assert described["torchbox:wagtail"] == "python"
    assert described["jupyter:jupyter_server"] == "python"


@pytest.mark.parametrize(("item", "expected", "said"), [
    # No target_sw, no ecosystem vendor: the CVE descriptions say "written in Python".
    (SoftwareItem("Twisted", "22.1.0", source="pip"), "twistedmatrix:twisted", "CVEs say it is a Python package"),
    # The CVE's references list it in an advisory database of PyPI packages (pyup.io).
    (SoftwareItem("Mako", "1.2.4", source="pip"), "sqlalchemy:mako", "CVEs say it is a Python package"),
    # A small vendor (two products) whose other product NVD files as a pip package (sqlalchemy:mako,
    # by its CVE's pyup.io link), none of another ecosystem.
    (SoftwareItem("SQLAlchemy", "2.0.27", source="pip"), "sqlalchemy:sqlalchemy",
     "files at most 5 products, none of another ecosystem, and NVD files its sqlalchemy:mako as a Python package"),
    # The name is a convention of the ecosystem.
    (SoftwareItem("pymongo", "4.6.1", source="pip"), "mongodb:pymongo", "its name says it is a Python package"),
    (SoftwareItem("pycryptodomex", "3.19.0", source="pip"), "pycryptodome:pycryptodomex", "its name says"),
    (SoftwareItem("serialize-javascript", "6.0.1", source="npm"), "verizon:serialize-javascript",
     "its name says it is a Node.js package"),
    (SoftwareItem("snarkjs", "0.7.0", source="npm"), "0kims:snarkjs", "its name says it is a Node.js package"),
    # The vendor's name is a convention of the ecosystem.
    (SoftwareItem("loader-utils", "2.0.0", source="npm"), "webpack.js:loader-utils", "vendor's name says it is a Node.js project"),
    (SoftwareItem("glob-parent", "5.1.1", source="npm"), "gulpjs:glob-parent", "vendor's name says"),
    # The scope agrees with the vendor.
    (SoftwareItem("@hapi/hoek", "9.3.0", source="npm"), "hapijs:hoek", "names exactly one NVD product"),
    # A vendor named after the product that files only parts of it is a small project.
    (SoftwareItem("lodash", "4.17.21", source="npm"), "lodash:lodash", "names exactly one NVD product"),
    (SoftwareItem("numpy", "1.26.4", source="pip"), "numpy:numpy", "names exactly one NVD product"),
    # NVD's "<product>_project" placeholder in the group vouches though the reported vendor files another product.
    (SoftwareItem("aiohttp", "3.9.3", source="pip"), "aiohttp:aiohttp", "aiohttp_project:aiohttp"),
])
def test_identified_as_a_package(matcher: FeedMatcher, item: SoftwareItem, expected: str, said: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.split(":")
    assert said in result.match.evidence


@pytest.mark.parametrize(("item", "reason"), [
    # Client libraries named after a server: the vendor is a company filing other products
    # (hiredis, minio's console), so its name does not make the server a package.
    (SoftwareItem("redis", "4.6.13", source="npm"), "redis:redis, which NVD does not file as a npm package"),
    (SoftwareItem("minio", "7.2.5", source="pip"), "minio:minio, which NVD does not file as a pip package"),
    (SoftwareItem("elasticsearch", "8.12.1", source="pip"), "elastic:elasticsearch"),
    (SoftwareItem("tomcat", "0.1", source="pip"), "apache:tomcat"),
    # An npm vendor's name says nothing of a pip package.
    (SoftwareItem("loader-utils", "2.0.0", source="pip"), "webpack.js:loader-utils, which NVD does not file as a pip package"),
    # An npm scope names the publisher: a product of another vendor is not its package.
    (SoftwareItem("@reduxjs/toolkit", "2.2.1", source="npm"), "published under the scope '@reduxjs', not by github"),
    (SoftwareItem("@svgr/webpack", "8.1.0", source="npm"), "not by webpack.js of webpack.js:webpack"),
    # A Node.js description does not make a product a pip package.
    (SoftwareItem("sharp", "1.0", source="pip"), "sharp"),
    # An affix only leads to a product NVD files as a package of the ecosystem: a client
    # library is not the server it talks to (python-jenkins is not Jenkins).
    (SoftwareItem("python-jenkins", "1.8.2", source="pip"), "no NVD product is named like pip package 'python-jenkins'"),
    # Names NVD spells with "_" say nothing of the registry: the program keeps its own name.
    (SoftwareItem("jira", "3.6.0", source="pip"), "atlassian:jira, which NVD does not file as a pip package"),
    # Prefixed spellings are other packages of the registry: pycrypto is not pip's crypto,
    # python-jose not pip's jose.
    (SoftwareItem("crypto", "1.4.1", source="pip"), "names several NVD products"),
    (SoftwareItem("jose", "1.0.0", source="pip"), "names several NVD products"),
    # A group with a Ruby filing (jmespath_project:jmespath) is not a pip package. (A vendor
    # named after another language, nim-lang:docutils, is Nim's: since session 19 pip's docutils
    # is python-docutils, test_a_prefixed_repository_name_when_the_bare_name_is_another_ecosystems.)
    (SoftwareItem("jmespath", "1.0.1", source="pip"), "say another ecosystem"),
    # A vendor named after an ecosystem NVD's target_sw names (a Jenkins plugin), or a name with
    # another language's word (go-ldap_project), is not a pip or npm package.
    (SoftwareItem("kubernetes", "29.0.0", source="pip"), "kubernetes:kubernetes, which NVD does not file as a pip package"),

    # A vendor's other products speak only for a small vendor of one ecosystem: google files
    # protobuf-python among 142 products, some of other ecosystems. (Session 17: on npm too, with
    # at most 10 products, none of another ecosystem: vercel's next.js now speaks for its ms,
    # test_a_sibling_package_of_a_small_vendor_vouches.) A coined pip name is not read as its
    # vendor's one product either (session 16: test_a_coined_name_needs_a_small_vendor_of_nothing_else).
    (SoftwareItem("sentencepiece", "0.2.0", source="pip"), "google:sentencepiece, which NVD does not file as a pip package"),
    (SoftwareItem("transformers", "4.40.0", source="pip"), "huggingface:transformers, which NVD does not file as a pip package"),
    # NVD's "<name>_project" placeholder stands beside the real vendor's key as often as not.
    (SoftwareItem("click", "8.1.7", source="pip"), "click_project:click (0 CVEs), palletsprojects:click (0 CVEs)"),
    # A scope and name NVD does not join: the vendor must still be the scope's.
    # A scope and name NVD does not join: the vendor must still be the scope's.
    (SoftwareItem("@angular/core", "17.0.0", source="npm"), "published under the scope '@angular'"),
    # ckeditor5-html-embed is a part of ckeditor5, not of ckeditor (CKEditor 4): words, not letters.
    (SoftwareItem("ckeditor", "4.22.1", source="npm"), "ckeditor:ckeditor, which NVD does not file as a npm package"),
    # ... and a Node.js part says nothing of a pip package.
    (SoftwareItem("ckeditor5", "41.0.0", source="pip"), "ckeditor:ckeditor5, which NVD does not file as a pip package"),
    # A binding of another vendor does not take the name from the one small project spelled
    # like it: pip ecdsa is tlsfuzzer's (starkbank:ecdsa-python is another package), npm
    # nodemailer is nodemailer's, not the nodemailer-js typosquat's.
    (SoftwareItem("ecdsa", "0.18.0", source="pip"), "named like tlsfuzzer:ecdsa, and NVD names another vendor's Python binding"),
    (SoftwareItem("nodemailer", "6.9.8", source="npm"), "named like nodemailer:nodemailer, and NVD names another vendor's"),
    # pip writes Aspose's package aspose-words; NVD's aspose.words is the .NET namespace's spelling.
    (SoftwareItem("aspose-words", "24.1.0", source="pip"), "aspose:aspose.words, which NVD does not file as a pip package"),
    # The organisation rule is pip's only, as rule 9; and a pip organisation says nothing of npm.
    (SoftwareItem("jupyterlab", "4.1.2", source="npm"), "jupyter:jupyterlab, which NVD does not file as a npm package"),
    # No product joins scope and name: the bare name's refusal stands.
    (SoftwareItem("@prisma/client", "5.10.2", source="npm"), "'client' names several NVD products"),
])
def test_refused(matcher: FeedMatcher, item: SoftwareItem, reason: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is None, result.match
    assert reason in result.reason


def test_docker_is_its_python_binding(matcher: FeedMatcher) -> None:
    (result,) = matcher.match([SoftwareItem("docker", "7.0.0", source="pip")], UBUNTU)
    assert result.match is not None and result.match.cpe.split(":")[3:5] == ["docker", "docker-py"], result


def test_a_scoped_npm_name_is_not_another_publishers_binding_of_its_last_word(matcher: FeedMatcher) -> None:
    # steveukx/git-js (simple-git) is a binding repository spelled after "git"; @jupyterlab/git
    # is JupyterLab's extension, which NVD files as jupyter:jupyterlab-git.
    (result,) = matcher.match([SoftwareItem("@jupyterlab/git", "0.50.0", source="npm")], UBUNTU)
    assert result.match is not None and result.match.cpe.split(":")[3:5] == ["jupyter", "jupyterlab-git"], result


def test_a_bundle_without_described_products_still_identifies_by_filing(index: CpeIndex) -> None:
    old = FeedMatcher(CpeIndex(msgspec.structs.replace(index.bundle, described={}), index.aliases))
    twisted, django = old.match([SoftwareItem("Twisted", "22.1.0", source="pip"), SoftwareItem("Django", "4.2.11", source="pip")], UBUNTU)
    assert twisted.match is None
    assert django.match is not None


def test_a_description_says_nothing_for_a_vendor_of_several_ecosystems(index: CpeIndex) -> None:
    # Were a CVE of microsoft:jupyter (Visual Studio Code's Jupyter extension) to say "Jupyter",
    # its description would not make it pip's jupyter: NVD files microsoft's products under
    # Java, Python and WordPress, so the vendor is a company of many languages. A small
    # project's description still speaks (Twisted).
    kids = [index.key_id["microsoft:jupyter"], index.key_id["twistedmatrix:twisted"]]
    described = {**index.bundle.described, "python": sorted({*index.bundle.described.get("python", []), *kids})}
    matcher = FeedMatcher(CpeIndex(msgspec.structs.replace(index.bundle, described=described), index.aliases))
    jupyter, twisted = matcher.match([SoftwareItem("jupyter", "1.0.0", source="pip"), SoftwareItem("Twisted", "22.1.0", source="pip")], UBUNTU)
    assert jupyter.match is None and "microsoft:jupyter" in jupyter.reason
    assert twisted.match is not None and "CVEs say it is a Python package" in twisted.match.evidence


def test_described_mining_is_order_free_and_kept_by_a_refresh(feeds_root: Path, tmp_path: Path) -> None:
    sample = json.loads((feeds_root / "nvd" / "nvdcve-2.0-sample.json").read_text())
    sample["vulnerabilities"].reverse()
    (tmp_path / "reversed.json").write_text(json.dumps(sample))
    products = feeds_root / "cpe" / "cpes.csv"
    forward, manifest = compile_sources([products, feeds_root / "nvd" / "nvdcve-2.0-sample.json"])
    backward, _ = compile_sources([products, tmp_path / "reversed.json"])
    assert forward.described and forward.described == backward.described
    refreshed, _ = compile_sources([feeds_root / "kev"], base=forward, base_manifest=manifest)
    assert refreshed.described == forward.described


@pytest.mark.parametrize(("item", "expected", "said"), [
    # PEP 503: case and runs of "-", "_", "." are one; NVD writes ruamel.yaml and mysql_connector/python.
    (SoftwareItem("ruamel.yaml", "0.18.5", source="pip"), "ruamel.yaml_project:ruamel.yaml", "names exactly one NVD product"),
    (SoftwareItem("Ruamel_YAML", "0.18.5", source="pip"), "ruamel.yaml_project:ruamel.yaml", "names exactly one NVD product"),
    (SoftwareItem("mysql-connector-python", "8.3.0", source="pip"), "oracle:mysql_connector\\/python", "names exactly one"),
    # A distribution name that runs the project's words together, when no product is spelled as
    # written; of its two vendors, the one named like a Python project (django-rest-framework).
    (SoftwareItem("djangorestframework", "3.14.0", source="pip"), "django-rest-framework:django_rest_framework",
     "only this one's vendor is named like a Python project"),
    # npm names keep their dots, as NVD spells them.
    (SoftwareItem("highlight.js", "11.9.0", source="npm"), "highlightjs:highlight.js", "highlight.js"),
    (SoftwareItem("socket.io-parser", "4.2.1", source="npm"), "socket:socket.io-parser", "socket.io-parser"),
    # When no product is spelled like the name, NVD's other joining of the "js" suffix is tried
    # (uglify-js is uglifyjs); a product spelled as the name keeps it (uri-js is garycourt's, not
    # uri.js_project's urijs).
    (SoftwareItem("uglify-js", "3.17.4", source="npm"), "uglifyjs_project:uglifyjs", "names exactly one NVD product"),
    (SoftwareItem("uri-js", "4.4.1", source="npm"), "garycourt:uri-js", "uri-js"),
    (SoftwareItem("node.extend", "2.0.2", source="npm"), "dreamerslab:node.extend", "node.extend"),
    # ... and node-extend is another package than node.extend.
    (SoftwareItem("node-extend", "1.0.0", source="npm"), "node-extend_project:node-extend", "node-extend"),
])
def test_registry_spellings(matcher: FeedMatcher, item: SoftwareItem, expected: str, said: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.replace("\\\\", "\\").split(":") or expected in result.match.cpe, result.match
    assert said in result.match.evidence


@pytest.mark.parametrize(("item", "expected", "said"), [
    # NVD spells the product with the package's own "-": an identifier copied from the registry.
    (SoftwareItem("fast-xml-parser", "4.2.4", source="npm"), "naturalintelligence:fast-xml-parser", "exactly as the npm registry"),
    (SoftwareItem("yargs-parser", "13.1.1", source="npm"), "yargs:yargs-parser", "exactly as the npm registry"),
    (SoftwareItem("apache-airflow-providers-ftp", "3.9.0", source="pip"), "apache:apache-airflow-providers-ftp",
     "exactly as the pip registry"),
    # ... and it chooses between products spelled with "-" and with "_".
    (SoftwareItem("brace-expansion", "1.1.11", source="npm"), "juliangruber:brace-expansion", "spelled as the npm registry spells it"),
    # A vendor named like a project of the ecosystem chooses among several products.
    (SoftwareItem("uuid", "9.0.1", source="npm"), "uuidjs:uuid", "vendor is named like a Node.js project"),
    (SoftwareItem("Markdown", "3.5.2", source="pip"), "python-markdown:markdown", "vendor is named like a Python project"),
    (SoftwareItem("express", "4.18.2", source="npm"), "expressjs:express", "vendor is named like a Node.js project"),
    # No CVEs anywhere: the project that is its own vendor, not its author's or another's key.
    (SoftwareItem("gunicorn", "21.2.0", source="pip"), "gunicorn:gunicorn", "only this one's vendor is the project itself"),
    (SoftwareItem("tornado", "6.4", source="pip"), "tornadoweb:tornado", "only this one's vendor is the project itself"),
    # Of one product's keys (a mined group) without CVEs, the vendor named like a Node.js project.
    (SoftwareItem("sequelize", "6.35.2", source="npm"), "sequelizejs:sequelize", "sequelize_project:sequelize"),
    # Every product of the name is the ecosystem's own, under two names of the PSF.
    (SoftwareItem("black", "24.2.0", source="pip"), "python:black", "the pip ecosystem's own, under its several vendor names"),
    # The 2015 dictionary's author vendor (jean-paul_calderone) against the project's own.
    (SoftwareItem("pyOpenSSL", "23.2.0", source="pip"), "pyopenssl:pyopenssl", "vendor is named like a Python project"),
    # The scope names the vendor.
    (SoftwareItem("@progress/kendo-ui", "2023.3.1114", source="npm"), "progress:kendo_ui", "scope '@progress' names the vendor"),
    (SoftwareItem("@tauri-apps/plugin-shell", "2.0.0", source="npm"), "tauri:plugin-shell", "scope '@tauri-apps'"),
    # NVD joins scope and name.
    (SoftwareItem("@azure/functions", "4.1.0", source="npm"), "microsoft:azure_functions", "after the scope and the package"),
    # The name is another kind of program; NVD names the binding with the ecosystem's affix.
    (SoftwareItem("redis", "5.0.1", source="pip"), "redis:redis-py", "NVD names the Python binding 'redis-py'"),
    (SoftwareItem("xterm", "5.3.0", source="npm"), "xtermjs:xterm.js", "NVD names the Node.js binding 'xterm.js'"),
    # A pip binding's suffix beats a product the name alone suggests.
    (SoftwareItem("protobuf", "4.25.3", source="pip"), "google:protobuf-python", "the name alone suggested protobuf:protobuf"),
    # npm's ".js" is often the project's own name: the product the name finds stays.
    (SoftwareItem("jquery", "3.7.1", source="npm"), "jquery:jquery", "names exactly one NVD product"),
    # The package adds the affix to a product NVD files as a package of the ecosystem.
    (SoftwareItem("node-forge", "1.3.1", source="npm"), "digitalbazaar:forge", "'forge' with the Node.js affix"),
    # ... or a vendor's product of several words whose first word names the vendor.
    (SoftwareItem("snowflake-connector-python", "3.7.0", source="pip"), "snowflake:snowflake_connector",
     "first word names the vendor snowflake"),
    # A small vendor of one ecosystem counts its products, not its keys: django_project:django
    # and djangoproject:django are one product, so djangoproject files five, and NVD links
    # Django's PyPI page.
    (SoftwareItem("daphne", "4.1.0", source="pip"), "djangoproject:daphne", "NVD files its djangoproject:django as a Python package"),
    # The project's parts ("<product>-<part>" of its vendor) are filed as packages of the
    # ecosystem: ckeditor5-html-embed is Node.js, so ckeditor5 is an npm package.
    (SoftwareItem("ckeditor5", "41.0.0", source="npm"), "ckeditor:ckeditor5", "NVD files its part ckeditor:ckeditor5-html-embed"),
    # The product's own name says npm, whatever its vendor's name (Sass is a language).
    (SoftwareItem("node-sass", "9.0.0", source="npm"), "sass-lang:node-sass", "its name says it is a Node.js package"),
    # pip: NVD spells the product with the "." the item writes (PEP 503 makes it "-").
    (SoftwareItem("pdfminer.six", "20231228", source="pip"), "pdfminer:pdfminer.six", "exactly as the pip registry"),
    (SoftwareItem("oslo.utils", "7.0.0", source="pip"), "openstack:oslo.utils", "exactly as the pip registry"),
    # A vendor of any size NVD shows to publish three or more pip packages, none of another
    # ecosystem: jupyter's jupyter_server, jupyter_core, notebook say so, its jupyterlab is one too.
    (SoftwareItem("jupyterlab", "4.1.2", source="pip"), "jupyter:jupyterlab", "NVD files 4 of its products as Python packages"),
    (SoftwareItem("nbconvert", "7.16.1", source="pip"), "jupyter:nbconvert", "vendor jupyter files no product of another ecosystem"),
    # A scoped name whose bare name is other vendors' products: NVD joins scope and name.
    (SoftwareItem("@apollo/client", "3.9.5", source="npm"), "apollographql:apollo_client", "after the scope and the package"),
    (SoftwareItem("@fastify/multipart", "8.1.0", source="npm"), "fastify:fastify-multipart", "after the scope and the package"),
    # A vendor of four letters ending in "js" (unjs) is named like a JavaScript project.
    (SoftwareItem("defu", "6.1.4", source="npm"), "unjs:defu", "vendor's name says it is a Node.js project"),
])
def test_package_evidence(matcher: FeedMatcher, item: SoftwareItem, expected: str, said: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.split(":")
    assert said in result.match.evidence


def test_products_of_other_languages_are_no_candidates(matcher: FeedMatcher) -> None:
    # appsup-dart:jose is Dart's and go-ldap_project:ldap Go's: left out before choosing.
    jose, ldap = matcher.match([SoftwareItem("jose", "1.0.0", source="pip"), SoftwareItem("ldap", "1.0", source="pip")], UBUNTU)
    assert jose.match is None and "latchset:jose" in jose.reason and "appsup-dart" not in jose.reason
    assert ldap.match is None or ldap.match.cpe.split(":")[3] != "go-ldap_project"


@pytest.mark.parametrize(("name", "expected"), [
    # Fedora names npm modules nodejs-<name> (Node.js packaging guidelines) ...
    ("nodejs-semver", "npmjs:semver"),
    ("nodejs-qs", "qs_project:qs"),
    ("nodejs-npm", "npmjs:npm"),
    # ... and Node.js's own subpackages stay Node.js (Alpine's nodejs-current too).
    ("nodejs-libs", "nodejs:node.js"),
    ("nodejs-current", "nodejs:node.js"),
])
def test_fedora_nodejs_modules(matcher: FeedMatcher, name: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.2.3")], "Fedora Linux 39")
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.split(":")


@pytest.mark.parametrize(("item", "expected", "said"), [
    # pip builds of one project under a name of their own: the project's name, with the
    # project's usual evidence (opencv-python is opencv with the Python affix; pillow python's).
    (SoftwareItem("opencv-contrib-python", "4.9.0.80", source="pip"), "opencv:opencv", "is a build of 'opencv-python'"),
    (SoftwareItem("opencv-contrib-python-headless", "4.9.0.80", source="pip"), "opencv:opencv", "is a build of 'opencv-python'"),
    (SoftwareItem("opencv-python-headless", "4.9.0.80", source="pip"), "opencv:opencv", "is a build of 'opencv-python'"),
    (SoftwareItem("Pillow-SIMD", "9.0.0.post1", source="pip"), "python:pillow", "is a build of 'pillow'"),
    (SoftwareItem("keras-nightly", "3.1.0.dev2024", source="pip"), "keras:keras", "is a build of 'keras'"),
    # npm platform binaries under the project's scope, and a scope's ready-made editor builds.
    (SoftwareItem("@rollup/rollup-linux-x64-gnu", "4.13.0", source="npm"), "rollupjs:rollup", "is a build of '@rollup/rollup'"),
    (SoftwareItem("@rollup/rollup-win32-x64-msvc", "4.13.0", source="npm"), "rollupjs:rollup", "is a build of '@rollup/rollup'"),
    (SoftwareItem("@pnpm/linux-x64", "8.15.0", source="npm"), "pnpm:pnpm", "is a build of 'pnpm'"),
    (SoftwareItem("@ckeditor/ckeditor5-build-classic", "41.2.1", source="npm"), "ckeditor:ckeditor5",
     "is a build of '@ckeditor/ckeditor5'"),
])
def test_build_variants(matcher: FeedMatcher, item: SoftwareItem, expected: str, said: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert result.match.cpe.split(":")[3:5] == expected.split(":")
    assert said in result.match.evidence
    assert result.match.score <= 0.86


@pytest.mark.parametrize(("item", "reason"), [
    # A build needs its project's name to be a package: NVD does not file google:tensorflow as one.
    (SoftwareItem("tensorflow-gpu", "2.10.0", source="pip"), "as a build of 'tensorflow': pip package 'tensorflow' is named like"),
    # contrib and headless say a build only beside the language's word: alone, an add-on.
    (SoftwareItem("scrapy-contrib", "0.1", source="pip"), "no NVD product is named like pip package 'scrapy-contrib'"),
    (SoftwareItem("django-headless", "0.1", source="pip"), "no NVD product is named like pip package 'django-headless'"),
    (SoftwareItem("jupyter-contrib-core", "0.4.2", source="pip"), "no NVD product is named like pip package 'jupyter-contrib-core'"),
    # npm: a platform binary under another scope is not the bare name's product (napi-rs's tar
    # binding is not npm's tar), an unscoped platform word is a tool for it, and "build"
    # elsewhere is tooling; a fork's scope does not name CKEditor.
    (SoftwareItem("@napi-rs/tar-linux-x64-gnu", "0.1.4", source="npm"), "as a build of '@napi-rs/tar'"),
    (SoftwareItem("passwd-linux", "1.2.0", source="npm"), "no NVD product is named like npm package 'passwd-linux'"),
    (SoftwareItem("@open-formulieren/ckeditor5-build-classic", "1.0.0", source="npm"), "published under the scope '@open-formulieren'"),
    (SoftwareItem("@wasmer/wasi", "1.2.2", source="npm"), "no NVD product is named like npm package 'wasi'"),
])
def test_build_variants_refused(matcher: FeedMatcher, item: SoftwareItem, reason: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is None, result.match
    assert reason in result.reason


def test_a_scoped_npm_package_is_not_the_python_package_of_a_vendor_with_a_node_port(matcher) -> None:
    # Session 15: LangChain files its JavaScript port as langchain:langchain.js; its
    # langchain_community is the Python package langchain-community, not @langchain/community.
    (result,) = matcher.match([SoftwareItem("@langchain/community", "0.3.1", "", None, "npm")], "Ubuntu 22.04")
    assert result.match is None, result.match
    assert "langchain:langchain.js" in result.reason
    # A key spelled as the scoped name is the npm package's own (langchain:langchain\/core).
    (result,) = matcher.match([SoftwareItem("@langchain/core", "0.3.1", "", None, "npm")], "Ubuntu 22.04")
    assert result.match is not None, result.reason
    (result,) = matcher.match([SoftwareItem("@apollo/client", "3.11.8", "", None, "npm")], "Ubuntu 22.04")
    assert result.match is not None and ":apollo_client:" in result.match.cpe, result.reason


@pytest.mark.parametrize(("item", "expected"), [
    # Session 15: NVD spells some products as the scoped npm name itself, scope and all.
    (SoftwareItem("@fastify/rate-limit", "9.1.0", source="npm"), "fastify:fastify\\/rate-limit"),
    (SoftwareItem("@appium/base-driver", "9.0.0", source="npm"), "appium:appium\\/base-driver"),
])
def test_a_product_spelled_as_the_scoped_name_is_that_package(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(re.split(r"(?<!\\):", result.match.cpe)[3:5]) == expected
    assert "as the scoped package name itself" in result.match.evidence


@pytest.mark.parametrize(("item", "expected"), [
    # Session 15: a name of several words, one rare among product names, that is word for word
    # the one product of its name (NVD writes "_" for the package's "-").
    (SoftwareItem("paho-mqtt", "2.1.0", source="pip"), "eclipse:paho_mqtt"),
    (SoftwareItem("llama-index", "0.10.0", source="pip"), "run-llama:llama_index"),
    (SoftwareItem("apollo-server", "3.13.0", source="npm"), "apollographql:apollo_server"),
])
def test_a_name_of_several_words_that_is_the_product_word_for_word(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected
    assert "word for word" in result.match.evidence


@pytest.mark.parametrize(("name", "source"), [
    ("http-server", "npm"),  # common words only: oracle:http_server is no npm package
    ("live-server", "npm"),  # ritwickdey:live_server is a VS Code extension
    ("sql-server", "pip"),
])
def test_a_name_of_common_words_is_not_read_word_for_word(matcher: FeedMatcher, name: str, source: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is None


@pytest.mark.parametrize(("item", "expected"), [
    # Session 15: a package named like its vendor, whose one product is named by part of it.
    (SoftwareItem("prismjs", "1.29.0", source="npm"), "prismjs:prism"),
    (SoftwareItem("jsonpath-plus", "7.2.0", source="npm"), "jsonpath-plus:jsonpath"),
    (SoftwareItem("django-unicorn", "0.50.0", source="pip"), "django-unicorn:unicorn"),
])
def test_a_package_named_like_its_vendor_is_the_vendors_product(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and "named like vendor" in result.match.evidence


@pytest.mark.parametrize(("name", "source"), [
    ("yargs", "npm"),  # yargs:yargs-parser is another package
    ("pytest", "pip"),  # pytest:py, a namesake of two letters
    ("alembic", "pip"),  # alembic:ash_authentication is an Elixir library
])
def test_a_vendors_longer_or_other_product_is_not_the_package(matcher: FeedMatcher, name: str, source: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is None


@pytest.mark.parametrize(("item", "expected"), [
    # Session 15, round 2: the first word names the vendor, as a scope would, the rest its product.
    (SoftwareItem("jupyter_scheduler", "2.7.1", source="pip"), "jupyter:scheduler"),
    (SoftwareItem("jupyterhub-systemdspawner", "1.0.1", source="pip"), "jupyterhub:systemdspawner"),
    (SoftwareItem("apache-beam", "2.57.0", source="pip"), "apache:beam"),
    (SoftwareItem("nuxt-og-image", "2.2.4", source="npm"), "nuxt:og_image"),
])
def test_a_name_prefixed_with_its_vendor_is_the_vendors_product(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and "the first word names the vendor" in result.match.evidence


def test_a_product_spelled_as_the_whole_name_beats_the_vendor_prefix(matcher: FeedMatcher) -> None:
    # paypal:ipn is PayPal's service; the npm package paypal-ipn is paypal-ipn_project's.
    (result,) = matcher.match([SoftwareItem("paypal-ipn", "3.0.0", source="npm")], UBUNTU)
    assert result.match is None or ":".join(result.match.cpe.split(":")[3:5]) != "paypal:ipn"


@pytest.mark.parametrize(("item", "expected"), [
    # Session 16: a coined npm name no other NVD product uses, the one product of a small vendor.
    (SoftwareItem("fflate", "0.8.1", source="npm"), "101arrowz:fflate"),
    (SoftwareItem("uplot", "1.6.30", source="npm"), "leeoniya:uplot"),
    (SoftwareItem("csvtojson", "2.0.10", source="npm"), "keyangxiang:csvtojson"),
])
def test_a_coined_name_is_the_one_product_of_a_small_vendor(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and "no other NVD product uses the name" in result.match.evidence


@pytest.mark.parametrize(("name", "source"), [
    ("hatch", "pip"),  # alienwp:hatch: its 2015 title is "AlienWP Hatch 7.x-1.0 for Drupal"
    ("geocoder", "pip"),  # rubygeocoder:geocoder: the vendor is named after Ruby
    ("bluebird", "npm"),  # frankmancuso files auth_php beside it
    ("imageio", "pip"),  # apple files over a hundred products
    ("aspose-words", "pip"),  # several words: aspose:aspose.words is a .NET namespace
    ("queue", "npm"),  # gnu:queue: a word other products use too
    # Not on pip, where a client takes its service's name (neo4j, artifactory): of the coined
    # pip names only about three in four were the package (docs/matching.md, session 16).
    ("memray", "pip"),
    ("crawl4ai", "pip"),
])
def test_a_coined_name_needs_a_small_vendor_of_nothing_else(matcher: FeedMatcher, name: str, source: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is None or "no other NVD product uses the name" not in result.match.evidence


@pytest.mark.parametrize(("item", "expected"), [
    # Session 17: of several products of the bare name, the scope (the publisher) names one vendor.
    (SoftwareItem("@fastify/session", "10.9.0", source="npm"), "fastify:session"),  # not joomla:session, opft:session
    (SoftwareItem("@fastify/websocket", "10.0.1", source="npm"), "fastify:websocket"),  # not gorillatoolkit's (Go)
])
def test_a_scope_chooses_among_products_of_the_bare_name(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and "its scope '@fastify' names" in result.match.evidence


@pytest.mark.parametrize(("name", "reason"), [
    ("@fastify/jwt", "names several NVD products"),  # no vendor of the four 'jwt' products is fastify
    ("@xterm/xterm", ""),  # a scope spelled like the name says nothing of xterm:xterm's vendor
])
def test_a_scope_naming_no_vendor_of_the_products_chooses_none(matcher: FeedMatcher, name: str, reason: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source="npm")], UBUNTU)
    assert result.match is None or ":xterm:xterm:" not in result.match.cpe
    assert reason in (result.reason or "")


@pytest.mark.parametrize(("item", "expected"), [
    # Session 17: of several products of the name, one made for a host is left out: devsaran:fresh
    # is a Drupal theme (its 2015 title), r-company:unzipper an Android app, thephpleague's
    # oauth2-server a PHP library; NVD's placeholder for the project is what remains.
    (SoftwareItem("fresh", "0.5.2", source="npm"), "fresh_project:fresh"),
    (SoftwareItem("unzipper", "0.10.11", source="npm"), "unzipper_project:unzipper"),
    (SoftwareItem("oauth2-server", "3.1.1", source="npm"), "oauth2-server_project:oauth2-server"),
])
def test_a_product_made_for_a_host_is_not_weighed_among_several(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected


def test_a_group_with_one_key_made_for_a_host_is_still_weighed(matcher: FeedMatcher) -> None:
    # express:express (an Android app by its title) is grouped with expressjs:express: the group stays.
    (result,) = matcher.match([SoftwareItem("express", "4.21.2", source="npm")], UBUNTU)
    assert result.match is not None and ":expressjs:express:" in result.match.cpe, result.reason


@pytest.mark.parametrize(("item", "expected", "sibling"), [
    # Session 17: a small vendor, none of its products another ecosystem's, whose other product
    # is the ecosystem's package by NVD's filing or by a language word in its name.
    (SoftwareItem("httpx", "0.27.0", source="pip"), "encode:httpx", "encode:django_rest_framework"),
    (SoftwareItem("uvicorn", "0.30.1", source="pip"), "encode:uvicorn", "encode:django_rest_framework"),
    (SoftwareItem("ms", "2.1.3", source="npm"), "vercel:ms", "vercel:next.js"),
])
def test_a_sibling_package_of_a_small_vendor_vouches(matcher: FeedMatcher, item: SoftwareItem, expected: str, sibling: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and f"its {sibling} is a" in result.match.evidence


@pytest.mark.parametrize(("name", "source"), [
    ("wiremock", "pip"),  # wiremock:wiremock is named after its vendor: the server; python_wiremock its client
    ("redisbloom", "pip"),  # redis-py is the binding of the vendor's own product, not a sign of the others
    ("kit", "npm"),  # svelte:kit is SvelteKit (@sveltejs/kit); "kit" is a plain word
    ("enterprise", "npm"),  # gradle's build_cache_node: "node" is no language word here
])
def test_a_sibling_that_says_nothing_of_the_vendors_other_products(matcher: FeedMatcher, name: str, source: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is None or "none of another ecosystem, and its" not in result.match.evidence


@pytest.mark.parametrize(("words", "source", "expected"), [
    (["django", "rest", "framework"], "pip", True),
    (["next", "js"], "npm", True),
    (["restrictedpython"], "pip", True),  # Zope's RestrictedPython: "python" ending a word
    (["pywps"], "pip", False),  # a glued prefix is a name of its own (pydio, pyroscope)
    (["django"], "pip", False),  # one word: gofiber's django is a Go template engine
    (["build", "cache", "node"], "npm", False),  # "node" names servers too
])
def test_names_language(words: list[str], source: str, expected: bool) -> None:
    from appliance.matching.identify import _names_language

    assert _names_language(words, source) is expected


def test_a_sibling_named_with_python_at_the_end_of_a_word_vouches(matcher: FeedMatcher) -> None:
    # zope files restrictedpython beside accesscontrol and zodb, none of another ecosystem.
    (result,) = matcher.match([SoftwareItem("ZODB", "6.0", source="pip")], UBUNTU)
    assert result.match is not None and ":zope:zodb:" in result.match.cpe, result.reason


@pytest.mark.parametrize(("name", "reason"), [
    # Session 18: NVD's json-schema copies npm's identifier (json-schema_project:json-schema);
    # pip's jsonschema runs other words together than an identifier NVD copied with "-".
    ("jsonschema", "no NVD product is named like pip package 'jsonschema'"),
    # django-unicorn:unicorn is the Django app PyPI names django-unicorn; pip's unicorn is
    # the CPU emulator's binding.
    ("unicorn", "pip package 'unicorn' is named like"),
])
def test_a_pip_name_that_is_not_the_identifier_nvd_copied(matcher: FeedMatcher, name: str, reason: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source="pip")], UBUNTU)
    assert result.match is None and result.reason.startswith(reason), result.reason


@pytest.mark.parametrize(("name", "expected"), [
    ("djangorestframework", "django-rest-framework:django_rest_framework"),  # NVD's "_": the words run together
    ("django-unicorn", "django-unicorn:unicorn"),  # the app's own PyPI name
])
def test_a_pip_name_that_is_the_identifier_nvd_copied(matcher: FeedMatcher, name: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source="pip")], UBUNTU)
    assert result.match is not None and ":".join(result.match.cpe.split(":")[3:5]) == expected, result.reason


@pytest.mark.parametrize(("vendor", "product", "expected"), [
    ("supervisord", "supervisor", True),  # a daemon's name: the project's own vendor
    ("cobblerd", "cobbler", True),
    ("xlightftpd", "xlight_ftp", True),
    ("od", "o", False),  # too short to say anything
    ("home-assistant", "supervisor", False),
])
def test_a_vendor_named_after_its_daemon(vendor: str, product: str, expected: bool) -> None:
    from appliance.matching.bundle import _named_after

    assert _named_after(vendor, product) is expected


def test_a_daemons_project_is_chosen_among_products_without_cves(matcher: FeedMatcher) -> None:
    # supervisord:supervisor against home-assistant:supervisor (Home Assistant's add-on host), no CVEs either.
    (result,) = matcher.match([SoftwareItem("supervisor", "4.2.5", source="pip")], UBUNTU)
    assert result.match is not None and ":supervisord:supervisor:" in result.match.cpe, result.reason


@pytest.mark.parametrize(("item", "expected"), [
    # Session 19: the name alone chose another vendor's key (NVD's placeholder, or one with CVEs);
    # the scope publishes the package and names the vendor of one product of the name.
    (SoftwareItem("@fastify/passport", "3.0.2", source="npm"), "fastify:passport"),  # not passport_project:passport
    (SoftwareItem("@nuxt/devtools", "1.6.0", source="npm"), "nuxt:devtools"),  # not vuejs:devtools
])
def test_a_scope_chooses_over_the_name_alone(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    (result,) = matcher.match([item], UBUNTU)
    assert result.match is not None, result.reason
    assert ":".join(result.match.cpe.split(":")[3:5]) == expected and "spelled as the scope" in result.match.evidence


def test_a_vendor_prefix_before_its_binding_product(matcher: FeedMatcher) -> None:
    # Session 19: starkbank files its Python ECDSA library as ecdsa-python, the repository's name.
    (result,) = matcher.match([SoftwareItem("starkbank-ecdsa", "2.2.0", source="pip")], UBUNTU)
    assert result.match is not None and ":starkbank:ecdsa-python:" in result.match.cpe, result.reason


@pytest.mark.parametrize(("name", "source", "expected"), [
    # Session 19: NVD runs the distribution's words together in a product of one token.
    ("python-saml", "pip", "onelogin:pythonsaml"),
    # ... and an npm name's "js" suffix comes off a stem of two letters.
    ("is_js", "npm", "is.js_project:is.js"),
    # A pip name no product is named like, with a Python suffix NVD adds (the repository's name).
    ("mysql-connector", "pip", "oracle:mysql_connector\\/python"),
])
def test_a_name_spelled_otherwise_by_nvd(matcher: FeedMatcher, name: str, source: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is not None and ":".join(result.match.cpe.split(":")[3:5]) == expected, result.reason


@pytest.mark.parametrize(("name", "source"), [
    ("bcrypt", "pip"),  # not python:py-bcrypt: a prefix names another registry package
    ("mongo", "pip"),  # not mongodb:pymongo
    ("cross-env", "npm"),  # not cross-env.js_project:cross-env.js, a typosquat's key
    ("jsonpatch", "pip"),  # not starcounter-jack:json-patch: a product spelled with "-" copies another identifier
])
def test_a_name_with_the_language_affix_added_is_another_package(matcher: FeedMatcher, name: str, source: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is None, result.match.cpe


@pytest.mark.parametrize(("name", "source", "expected"), [
    # Session 19: the bare name is another ecosystem's only (go:jws, nim-lang:docutils); NVD
    # names the package by its repository, with the ecosystem's prefix and "-".
    ("jws", "npm", "auth0:node-jws"),
    ("docutils", "pip", "python-docutils_project:python-docutils"),
])
def test_a_prefixed_repository_name_when_the_bare_name_is_another_ecosystems(
        matcher: FeedMatcher, name: str, source: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source=source)], UBUNTU)
    assert result.match is not None and ":".join(result.match.cpe.split(":")[3:5]) == expected, result.reason
    assert "say another ecosystem" in result.match.evidence


def test_a_glued_prefix_names_another_package(matcher: FeedMatcher) -> None:
    # npm mailer is not nodemailer (jenkins:mailer is Jenkins's plugin).
    (result,) = matcher.match([SoftwareItem("mailer", "1.0.0", source="npm")], UBUNTU)
    assert result.match is None or ":nodemailer:" not in result.match.cpe


@pytest.mark.parametrize(("name", "expected"), [
    # Session 20: a project's browser bundle or prebuilt binaries, published under its name with
    # "-dist" ("-dist-min") or "-prebuilt", are its code built: the project's product.
    ("plotly.js-dist", "plotly:plotly.js"),
    ("plotly.js-dist-min", "plotly:plotly.js"),
    ("jquery-ui-dist", "jqueryui:jquery_ui"),
    ("phantomjs-prebuilt", "phantomjs:phantomjs"),
])
def test_an_npm_build_of_a_project(matcher: FeedMatcher, name: str, expected: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source="npm")], UBUNTU)
    assert result.match is not None and ":".join(result.match.cpe.split(":")[3:5]) == expected, result.reason
    assert "is a build of" in result.match.evidence


@pytest.mark.parametrize("name", [
    "ml-array-min",  # "min" alone is no build word (the minimum of an array)
    "package-json-from-dist",  # "dist" not at the end
])
def test_npm_words_that_are_no_build(matcher: FeedMatcher, name: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, "1.0.0", source="npm")], UBUNTU)
    assert result.match is None or "is a build of" not in result.match.evidence


def test_a_short_scope_names_the_vendor_spelled_with_js(matcher: FeedMatcher) -> None:
    # Session 20: @vue is vuejs (NVD's vendor is the scope with "js"), however short the scope.
    (result,) = matcher.match([SoftwareItem("@vue/devtools", "6.6.1", source="npm")], UBUNTU)
    assert result.match is not None and ":vuejs:devtools:" in result.match.cpe, result.reason
    # ... and another vendor's product of the bare name stays refused under the scope.
    (result,) = matcher.match([SoftwareItem("@koa/cors", "5.0.0", source="npm")], UBUNTU)
    assert result.match is None and "published under the scope '@koa'" in result.reason


def test_a_pip_name_with_another_python_prefix(matcher: FeedMatcher) -> None:
    # Session 20: PyPI's py-mini-racer is NVD's python_mini_racer: both prefixes say Python.
    (result,) = matcher.match([SoftwareItem("py-mini-racer", "0.12.4", source="pip")], UBUNTU)
    assert result.match is not None and ":sqreen:python_mini_racer:" in result.match.cpe, result.reason
    assert "another of Python's prefixes" in result.match.evidence
