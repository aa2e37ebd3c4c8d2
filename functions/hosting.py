"""Firebase Hosting, locally: firebase.json's `hosting` section applied as Hosting applies it.

One source of truth: the public folder, `cleanUrls`, `trailingSlash`, `rewrites`, `headers` and `ignore`
are read from firebase.json. The rules follow the Hosting emulator (npm `superstatic`, in firebase-tools):
an existing file always wins, then the rewrites in order, then 404; headers are chosen by matching the
*request's* path (not the rewritten one) against each `source` glob (minimatch), all matches applied in
order. Locally only, the Content-Security-Policy's connect-src also names the emulators the browser talks
to, and script-src the hashes of the built pages' inline scripts (SvelteKit's bootstrap script); the
deploy (scripts/deploy.py) adds the same hashes to the firebase.json it deploys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIREBASE_JSON = REPO / "firebase.json"
INIT_JSON = "/__/firebase/init.json"  # Hosting's reserved URL with the project's web config
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".webmanifest": "application/manifest+json", ".map": "application/json",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".avif": "image/avif", ".gif": "image/gif", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml", ".wasm": "application/wasm",
}


# --- globs, as minimatch (which superstatic uses) reads them, without options ----------------------------

def _split_alternatives(body: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in body:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch in ",|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == opening:
            depth += 1
        elif text[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _expand_braces(pattern: str) -> list[str]:
    start = pattern.find("{")
    end = _closing(pattern, start, "{", "}") if start >= 0 else -1
    if end < 0:
        return [pattern]
    options = _split_alternatives(pattern[start + 1:end])
    if len(options) == 1:  # "{a}" is literal in minimatch
        return [pattern[:start] + "{" + o + "}" + rest for o in options for rest in _expand_braces(pattern[end + 1:])]
    return [pattern[:start] + option + rest for option in options for rest in _expand_braces(pattern[end + 1:])]


def _segment_regex(segment: str, dot: bool, whole: bool = True) -> str:
    out, i = "", 0
    while i < len(segment):
        ch = segment[i]
        if ch in "@*+?!" and i + 1 < len(segment) and segment[i + 1] == "(":
            end = _closing(segment, i + 1, "(", ")")
            if end > 0:
                inner = "|".join(_segment_regex(a, True, False) for a in _split_alternatives(segment[i + 2:end]))
                rest = _segment_regex(segment[end + 1:], True, False)  # !(…) excludes what the rest would complete
                out += {"@": f"(?:{inner})", "*": f"(?:{inner})*", "+": f"(?:{inner})+", "?": f"(?:{inner})?",
                        "!": f"(?:(?!(?:{inner}){rest}$)[^/]*?)"}[ch]
                i = end + 1
                continue
        if ch == "*":
            out += "[^/]*?"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = segment.find("]", i + 2)
            if end > 0:
                body = segment[i + 1:end]
                out += "[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]"
                i = end + 1
                continue
            out += re.escape(ch)
        elif ch == "\\" and i + 1 < len(segment):
            i += 1
            out += re.escape(segment[i])
        else:
            out += re.escape(ch)
        i += 1
    if whole and re.search(r"[*?\[]|[@+!]\(", segment):
        out = "(?=[^/])" + out  # as minimatch: a wildcard segment is never empty…
        if not dot and not segment.startswith("."):
            out = r"(?!\.)" + out  # …and never matches a leading dot
    return out


@lru_cache(maxsize=512)
def _glob_regexes(pattern: str, dot: bool) -> tuple[bool, tuple[re.Pattern[str], ...]]:
    negated = False
    while pattern.startswith("!") and not pattern.startswith("!("):
        negated, pattern = not negated, pattern[1:]
    if not pattern.startswith("/"):
        pattern = "/" + pattern  # as glob-slasher does to every source
    regexes = []
    for expanded in _expand_braces(pattern):
        segments = expanded.split("/")
        regex = _segment_regex(segments[0], dot) if segments[0] else ""
        for n, segment in enumerate(segments[1:], 2):
            if segment == "**":  # any number of segments; at the end, at least one (maybe empty): "/a/" not "/a"
                regex += (r"(?:/[^/]*)" if dot else r"(?:/(?!\.)[^/]*)") + ("+" if n == len(segments) else "*")
            else:
                regex += "/" + (_segment_regex(segment, dot) if segment else "")
        regexes.append(re.compile(regex))
    return negated, tuple(regexes)


def glob_match(path: str, pattern: str, dot: bool = False) -> bool:
    """Whether a URL path matches a firebase.json `source` glob (`**`, `*`, `?`, `[…]`, `{a,b}`, `@(a|b)`, `!`)."""
    if not path.startswith("/"):
        path = "/" + path
    negated, regexes = _glob_regexes(pattern, dot)
    return any(r.fullmatch(path) for r in regexes) != negated


# --- Content-Security-Policy ----------------------------------------------------------------------------

def parse_csp(value: str) -> list[tuple[str, list[str]]]:
    directives = []
    for part in value.split(";"):
        words = part.split()
        if words:
            directives.append((words[0].lower(), words[1:]))
    return directives


def extend_csp(value: str, additions: dict[str, Iterable[str]]) -> str:
    """The policy with sources added to directives (a missing directive starts from default-src's sources)."""
    directives = parse_csp(value)
    names = [name for name, _ in directives]
    default = next((sources for name, sources in directives if name == "default-src"), [])
    for name, extra in additions.items():
        extra = list(extra)
        if not extra:
            continue
        if name not in names:
            directives.append((name, list(default)))
            names.append(name)
        sources = directives[names.index(name)][1]
        sources.extend(s for s in extra if s not in sources)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives)


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_NOT_JS = re.compile(r"""\btype\s*=\s*["']?(?!module|text/javascript|application/javascript)[^\s"'>]""",
                     re.IGNORECASE)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources ('sha256-…') for a page's inline scripts, over their exact text, as browsers hash them."""
    out = []
    for attributes, body in _SCRIPT.findall(html):
        if re.search(r"\bsrc\s*=", attributes, re.IGNORECASE) or _NOT_JS.search(attributes):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        if f"'sha256-{digest}'" not in out:
            out.append(f"'sha256-{digest}'")
    return out


# --- the hosting site -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class File:
    path: Path


@dataclass(frozen=True)
class Redirect:
    location: str


class Hosting:
    """firebase.json's `hosting` section over a public folder (by default the one firebase.json names)."""

    def __init__(self, config: dict[str, Any], base: Path = REPO, public: Path | None = None) -> None:
        self.config = config.get("hosting", config)
        self.public = public or base / self.config.get("public", "public")
        self.clean_urls = bool(self.config.get("cleanUrls", False))
        self.trailing_slash: bool | None = self.config.get("trailingSlash")
        self.rewrites: list[dict[str, Any]] = list(self.config.get("rewrites", []))
        self.header_rules: list[dict[str, Any]] = list(self.config.get("headers", []))
        self.ignore: list[str] = list(self.config.get("ignore", []))
        self._hashes: tuple[float, list[str]] = (0.0, [])

    @classmethod
    def from_file(cls, path: Path = FIREBASE_JSON, public: Path | None = None) -> Hosting:
        return cls(json.loads(path.read_text()), path.parent, public)

    # which rules apply
    def function_rewrites(self) -> dict[str, str]:
        """Each `/api/…` source rewritten to a function, with the function's id."""
        return {r["source"]: r["function"]["functionId"] if isinstance(r["function"], dict) else r["function"]
                for r in self.rewrites if "function" in r}

    def rewrite_for(self, path: str) -> dict[str, Any] | None:
        return next((r for r in self.rewrites if self._matches(path, r)), None)

    def declared_headers(self, path: str) -> list[tuple[str, str]]:
        """Every header firebase.json declares for this request path, in order (a later one wins)."""
        out: dict[str, tuple[str, str]] = {}
        for rule in self.header_rules:
            if self._matches(path, rule):
                for header in rule.get("headers", []):
                    out[header["key"].lower()] = (header["key"], header["value"])
        return list(out.values())

    def headers(self, path: str, csp_additions: dict[str, Iterable[str]] | None = None) -> list[tuple[str, str]]:
        """The declared headers, with the built pages' inline-script hashes (and any local sources) in the CSP."""
        additions: dict[str, list[str]] = {"script-src": self.script_hashes()}
        for name, sources in (csp_additions or {}).items():
            additions.setdefault(name, []).extend(sources)
        return [(k, extend_csp(v, additions) if k.lower() == "content-security-policy" else v)
                for k, v in self.declared_headers(path)]

    def script_hashes(self) -> list[str]:
        """The hashes of the inline scripts of every page in the public folder (rescanned at most once a second)."""
        checked, hashes = self._hashes
        if time.monotonic() - checked > 1.0:
            hashes = []
            if self.public.is_dir():
                for page in sorted(self.public.rglob("*.html")):
                    if not self._ignored(page):
                        hashes.extend(h for h in inline_script_hashes(page.read_text(errors="replace"))
                                      if h not in hashes)
            self._hashes = (time.monotonic(), hashes)
        return hashes

    def deploy_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """firebase.json as deployed: the CSP's script-src also allows the built pages' inline scripts."""
        out = json.loads(json.dumps(config))
        hashes = self.script_hashes()
        for rule in out["hosting"].get("headers", []):
            for header in rule.get("headers", []):
                if header["key"].lower() == "content-security-policy":
                    header["value"] = extend_csp(header["value"], {"script-src": hashes})
        return out

    @staticmethod
    def _matches(path: str, rule: dict[str, Any]) -> bool:
        if "regex" in rule:
            return re.search(rule["regex"], path) is not None
        return glob_match(path, rule.get("source") or rule.get("glob") or "")

    def _ignored(self, file: Path) -> bool:
        relative = file.relative_to(self.public).as_posix()
        return any(glob_match(relative, pattern, dot=True) for pattern in self.ignore)

    # the files middleware
    def _file(self, url_path: str) -> Path | None:
        relative = url_path.lstrip("/")
        if not relative or relative.endswith("/"):
            return None
        candidate = (self.public / relative).resolve()
        if not candidate.is_relative_to(self.public.resolve()) or not candidate.is_file() or self._ignored(candidate):
            return None
        return candidate

    def resolve(self, path: str, query: str = "") -> File | Redirect | None:
        """What Hosting serves for a path before any rewrite: a file, a redirect, or nothing (superstatic's rules)."""
        path = re.sub(r"/{2,}", "/", path)
        search = f"?{query}" if query else ""
        trailing = self.trailing_slash
        found = self._file(path)
        if found is not None:
            if self.clean_urls and path.endswith(".html"):
                target = path.removesuffix(".html")
                target = target.removesuffix("/index") if target.endswith("/index") else target
                if trailing is True:
                    target = target.rstrip("/") + "/"
                return Redirect((target or "/") + search)
            return File(found)
        has_slash = path.endswith("/")
        index_path = path.rstrip("/") + "/index.html"
        index = self._file(index_path)
        if index is not None:
            if trailing is None and not has_slash and not self.clean_urls:
                return Redirect(path + "/" + search)
            if trailing is False and has_slash and path != "/":
                return Redirect((path.rstrip("/") or "/") + search)
            if trailing is True and not has_slash:
                return Redirect(path + "/" + search)
            return File(index)
        if self.clean_urls:
            appended = path
            if has_slash:
                if trailing is not None:
                    appended = path.rstrip("/") + ".html"
            else:
                appended = path + ".html"
            page = self._file(appended)
            if page is not None:
                if trailing is False and has_slash:
                    return Redirect((path.rstrip("/") or "/") + search)
                if trailing is True and not has_slash:
                    return Redirect(appended.removesuffix(".html").removesuffix("/index") + "/" + search)
                if appended.endswith("/index.html"):
                    return Redirect((appended.removesuffix("/index.html") or "/") + search)
                return File(page)
        return None

    def content_type(self, file: Path) -> str:
        return CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
