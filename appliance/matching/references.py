"""What a reference URL names: a package of an ecosystem, a source repository or an app store id."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

# Kinds of name a URL can give (the bundle's ``references`` rows carry one of them):
#   pypi, npm, gem, packagist, crate, go  - a package page of that registry (or a Snyk advisory
#                                           id, which spells the package in capitals);
#   repo                                  - a source repository or project page on a forge;
#   play                                  - an Android app id on the Play store.
KINDS = ("pypi", "npm", "gem", "packagist", "crate", "go", "repo", "play")
REGISTRY_KINDS = ("pypi", "npm", "gem", "packagist", "crate", "go")

# Forges whose first two path segments are owner/repository.
_OWNER_REPO_HOSTS = {"github.com", "gitlab.com", "gitlab.gnome.org", "gitlab.freedesktop.org", "bitbucket.org",
                     "gitee.com", "codeberg.org", "salsa.debian.org", "invent.kde.org"}
# Sites whose project is the path segment after a fixed prefix: sourceforge.net/projects/<name>,
# savannah.gnu.org/projects/<name>, code.google.com/p/<name>, www.gnu.org/software/<name>.
_PROJECT_PREFIXES = {
    "sourceforge.net": "projects", "savannah.gnu.org": "projects", "savannah.nongnu.org": "projects",
    "code.google.com": "p", "launchpad.net": "", "bugs.launchpad.net": "", "freecode.com": "projects",
    "gnu.org": "software", "ftp.gnu.org": "gnu", "nongnu.org": "", "download.savannah.gnu.org": "releases",
    "git.gnome.org": "browse", "raw.githubusercontent.com": "",
}
# Project sites on a community's domain: udisks.freedesktop.org, v8.googlecode.com.
_PROJECT_DOMAINS = (".freedesktop.org", ".googlecode.com", ".sourceforge.net")
_NOT_PROJECTS = {"www", "cgit", "gitlab", "bugs", "lists", "bugzilla", "wiki", "code", "git", "anongit", "downloads", "cdn"}
# cgit and gitweb pages: the repository is the path segment before the page kind
# (cgit.freedesktop.org/xorg/xserver/commit/), or gitweb's ?p=<name>.git.
_CGIT_PAGES = {"commit", "tree", "log", "diff", "tag", "plain", "snapshot", "refs", "patch", "about", "shortlog", "commitdiff"}
# First path segments of github.com (and its likes) that are pages of the forge, not owners.
_NOT_OWNERS = {"advisories", "orgs", "sponsors", "topics", "marketplace", "features", "about", "collections",
               "settings", "notifications", "search", "user-attachments", "security", "site", "login", "apps"}
# Repository names that name research, not a product: exploit and advisory collections
# ("github.com/<researcher>/CVE-2022-1234", ".../poc", ".../vulnerabilities").
_NOT_PRODUCTS = re.compile(r"cve|poc|exploit|vuln|advisor|bug-?bount|security|disclos|research|report|writeup|0day|hack|pentest")
# Snyk ids run a Go module path (SNYK-GOLANG-GITHUBCOMGINGONICGIN-...) or a Composer
# vendor/package (SNYK-PHP-DOMPDFDOMPDF-...) together, as compact() does to our names.
_SNYK_ID = re.compile(r"^SNYK-(JS|PYTHON|RUBY|RUST|GOLANG|PHP)-([A-Z0-9]+)-\d+$")
_SNYK_KINDS = {"JS": "npm", "PYTHON": "pypi", "RUBY": "gem", "RUST": "crate", "GOLANG": "go", "PHP": "packagist"}
_NAME = re.compile(r"^[a-z0-9@][a-z0-9._+~/@-]*$")


def names_in(url: str) -> list[tuple[str, str]]:
    """The (kind, name) pairs a URL gives, names lower case ([] for most advisories and articles).

    >>> names_in("https://pypi.org/project/b2sdk/")
    [('pypi', 'b2sdk')]
    >>> names_in("https://github.com/libexpat/libexpat/pull/562")
    [('repo', 'libexpat')]
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return []
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    found: list[tuple[str, str]] = []
    if host in ("pypi.org", "pypi.python.org") and len(segments) >= 2 and segments[0] in ("project", "pypi"):
        found.append(("pypi", segments[1]))
    elif host in ("npmjs.com", "npmjs.org") and len(segments) >= 2 and segments[0] == "package":
        # Scoped packages: npmjs.com/package/@awsui/components-react.
        name = "/".join(segments[1:3]) if segments[1].startswith("@") and len(segments) >= 3 else segments[1]
        found.append(("npm", name))
    elif host == "rubygems.org" and len(segments) >= 2 and segments[0] == "gems":
        found.append(("gem", segments[1]))
    elif host == "packagist.org" and len(segments) >= 3 and segments[0] == "packages":
        found.append(("packagist", f"{segments[1]}/{segments[2]}"))
    elif host == "crates.io" and len(segments) >= 2 and segments[0] == "crates":
        found.append(("crate", segments[1]))
    elif host == "pkg.go.dev" and segments and segments[0] != "vuln":
        found.append(("go", "/".join(segments).split("@", 1)[0]))
    elif host == "play.google.com" and segments[-1:] == ["details"]:
        app = parse_qs(parts.query).get("id", [""])[0]
        if app:
            found.append(("play", app))
    elif host in ("snyk.io", "security.snyk.io", "app.snyk.io") and segments:
        match = _SNYK_ID.match(segments[-1])
        if match:
            found.append((_SNYK_KINDS[match.group(1)], match.group(2)))
    elif host in _OWNER_REPO_HOSTS or host.endswith(".github.io"):
        found += _repository(host, segments)
    elif host in _PROJECT_PREFIXES:
        prefix = _PROJECT_PREFIXES[host]
        rest = segments[1:] if prefix and segments[:1] == [prefix] else segments if not prefix else []
        if host == "raw.githubusercontent.com":
            rest = rest[1:]  # <owner>/<repo>/...
        if rest and not rest[0].startswith(("~", "+")):
            found.append(("repo", rest[0].removesuffix(".git")))
    elif host.endswith(_PROJECT_DOMAINS) and host.split(".")[0] not in _NOT_PROJECTS and host.count(".") == 2:
        found.append(("repo", host.split(".")[0]))
    elif "git" in host.split(".")[0] or "p=" in parts.query:
        # cgit and gitweb: git.savannah.gnu.org/cgit/<name>.git, git.kernel.org/pub/scm/.../<name>.git,
        # git.openssl.org/gitweb/?p=openssl.git;a=commitdiff (gitweb separates with ";"),
        # sourceware.org/git/?p=glibc.git, cgit.freedesktop.org/xorg/xserver/commit/.
        project = parse_qs(parts.query.replace(";", "&")).get("p", [""])[0].split("/")[-1]
        if not project and "git" in host.split(".")[0]:
            dotted = [s for s in segments if s.endswith(".git")]
            pages = [i for i, s in enumerate(segments) if s in _CGIT_PAGES]
            project = dotted[0] if dotted else segments[pages[0] - 1] if pages and pages[0] > 0 else ""
        if project.endswith(".git") or (project and host.startswith("cgit.")):
            found.append(("repo", project.removesuffix(".git")))
    return [(kind, name.lower()) for kind, name in found if _NAME.match(name.lower()) and (kind != "repo" or _product_like(name))]


def owner_of(url: str) -> str:
    """The owner a forge URL files its repository under, lower case ("" for other URLs).

    >>> owner_of("https://github.com/lovell/sharp")
    'lovell'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host.endswith(".github.io"):
        return host.removesuffix(".github.io")
    if host not in _OWNER_REPO_HOSTS or len(segments) < 2 or segments[0].lower() in _NOT_OWNERS:
        return ""
    return segments[0].lower()


def page(url: str, name: str) -> str:
    """The URL cut after the name it gives (the repository or package page, not the commit or
    issue under it): what evidence shows, and what the bundle keeps. Snyk ids spell the name in
    capitals without separators: those URLs stay whole."""
    lowered = url.lower()
    for mark in ("/", "="):
        at = lowered.find(f"{mark}{name}.git")
        if at >= 0:
            return url[: at + len(name) + 5]
    boundary = re.compile(rf"[/=]{re.escape(name)}(?=[/?#;&]|$)")
    for found in boundary.finditer(lowered, lowered.find("//") + 2):
        if not lowered.startswith(f"/{name}", found.end()):  # github.com/libexpat/libexpat: the second
            return url[: found.end()]
    return url


def _repository(host: str, segments: list[str]) -> list[tuple[str, str]]:
    if host.endswith(".github.io"):
        # <owner>.github.io/<repo>: a project's pages.
        return [("repo", segments[0])] if segments else []
    if len(segments) < 2 or segments[0].lower() in _NOT_OWNERS:
        return []
    if host in ("gitlab.com", "gitlab.gnome.org", "gitlab.freedesktop.org", "salsa.debian.org", "invent.kde.org"):
        # GitLab groups nest (gitlab.com/group/subgroup/project/-/issues/1): the project is
        # the last segment before "-".
        path = segments[: segments.index("-")] if "-" in segments else segments[:2]
        return [("repo", path[-1].removesuffix(".git"))] if len(path) >= 2 else []
    return [("repo", segments[1].removesuffix(".git"))]


def _product_like(name: str) -> bool:
    """Not an exploit or advisory collection, and more than one character."""
    return len(name) >= 2 and not _NOT_PRODUCTS.search(name.lower())


def page_of(kind: str, name: str) -> str:
    """A readable form of where a name was found, for evidence ("pypi.org/project/b2sdk")."""
    return {
        "pypi": f"pypi.org/project/{name}", "npm": f"npmjs.com/package/{name}", "gem": f"rubygems.org/gems/{name}",
        "packagist": f"packagist.org/packages/{name}", "crate": f"crates.io/crates/{name}", "go": f"pkg.go.dev/{name}",
        "play": f"Play store app {name}",
    }.get(kind, f"repository '{name}'")
