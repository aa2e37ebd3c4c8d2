"""The local gateway answers as Firebase Hosting will from firebase.json: rewrites, SPA fallback, headers.

A temporary fake build stands in for hosting/dist, so these tests do not depend on the app's build.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from functions.gateway import HOSTED, OPERATIONS, make_app
from functions.hosting import Hosting, glob_match, parse_csp
from tests.functions.conftest import unsigned_token

REPO = Path(__file__).resolve().parents[2]
CONFIG = json.loads((REPO / "firebase.json").read_text())
BOOT = "\n\t\t\t{ __sveltekit_abc = { base: '' }; const element = document.currentScript.parentElement; }\n\t\t"
INDEX = f"<!doctype html><html><head><script type=\"module\" src=\"/_app/immutable/entry/start.js\"></script>" \
        f"</head><body><div>%app%</div><script>{BOOT}</script></body></html>"
MINIMATCH = REPO / "hosting" / "node_modules" / "superstatic" / "node_modules" / "minimatch"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    files = {"index.html": INDEX, "_app/immutable/entry/start.js": "export const start = 1;",
             "_app/version.json": '{"version": "1"}', "sw.js": "self.addEventListener('fetch', () => {});",
             "manifest.webmanifest": '{"name": "BakeTracker"}', "about.html": "<!doctype html><p>about</p>",
             "guide/index.html": "<!doctype html><p>guide</p>", ".secret": "never served"}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9199")
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8181")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "demo-baketracker")


def client_for(public: Path) -> Client:
    return Client(make_app(Hosting(CONFIG, REPO, public)))


def declared(path: str) -> dict[str, str]:
    return {k.lower(): v for k, v in Hosting(CONFIG).declared_headers(path)}


def assert_declared_headers(response: Any, path: str) -> None:
    """Every header firebase.json declares for the path is on the answer; the CSP may only gain sources."""
    for key, value in declared(path).items():
        assert key in {k.lower() for k, _ in response.headers.items()}, f"{path}: {key} missing"
        if key == "content-security-policy":
            sent = dict(parse_csp(response.headers[key]))
            for name, sources in parse_csp(value):
                assert set(sources) <= set(sent[name]), f"{path}: CSP {name} lost sources"
        else:
            assert response.headers[key] == value, f"{path}: {key}"


def test_every_api_rewrite_names_a_function_the_gateway_serves_and_vice_versa() -> None:
    rewrites = Hosting(CONFIG).function_rewrites()
    assert {s.removeprefix("/api/") for s, f in rewrites.items() if s != "/api/**"} == set(OPERATIONS)
    assert all(rewrites[f"/api/{name}"] == name for name in OPERATIONS)
    assert set(rewrites.values()) == set(HOSTED)
    order = [r.get("source") for r in CONFIG["hosting"]["rewrites"]]
    assert order[-2:] == ["/api/**", "**"], "the catch-all /api/** and then the SPA fallback come last"
    assert CONFIG["hosting"]["rewrites"][-1] == {"source": "**", "destination": "/index.html"}


def test_an_operation_is_reached_through_the_rewrite(dist: Path, backend: Any) -> None:
    client = client_for(dist)
    response = client.post("/api/create_tenant", json={"name": "Crumbs"},
                           headers={"Authorization": f"Bearer {unsigned_token({'sub': 'ann'})}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["tenant_id"]
    assert_declared_headers(response, "/api/create_tenant")
    assert client.post("/api/plan_event", json={}).get_json()["error"]["field"] == "Authorization"


@pytest.mark.parametrize("path", ["/api/nope", "/api/plan_event/extra", "/api/", "/api/PLAN_EVENT"])
def test_an_unknown_api_path_is_a_json_404_not_the_app(dist: Path, path: str) -> None:
    for method in ("GET", "POST"):
        response = client_for(dist).open(path, method=method)
        assert response.status_code == 404 and response.content_type == "application/json", path
        assert response.get_json()["error"]["code"] == "not_found"
        assert_declared_headers(response, path)


@pytest.mark.parametrize("path", ["/", "/events/x", "/events/winter-market-2026/plan", "/recipes/",
                                  "/_app/immutable/missing.js"])
def test_a_deep_link_is_the_app_page_with_its_headers(dist: Path, path: str, emulators: None) -> None:
    response = client_for(dist).get(path)
    assert response.status_code == 200 and response.get_data(as_text=True) == INDEX, path
    assert response.content_type.startswith("text/html")
    assert_declared_headers(response, path)
    assert response.headers["Cache-Control"] == ("public, max-age=31536000, immutable"
                                                 if path.startswith("/_app/immutable/") else "no-cache")


def test_static_files_carry_the_declared_headers(dist: Path, emulators: None) -> None:
    client = client_for(dist)
    expected = {"/_app/immutable/entry/start.js": ("text/javascript", "public, max-age=31536000, immutable"),
                "/_app/version.json": ("application/json", "no-cache"), "/sw.js": ("text/javascript", "no-cache"),
                "/manifest.webmanifest": ("application/manifest+json", "no-cache")}
    for path, (content_type, cache) in expected.items():
        response = client.get(path)
        assert response.status_code == 200 and response.get_data(as_text=True) == (dist / path[1:]).read_text()
        assert response.content_type.startswith(content_type) and response.headers["Cache-Control"] == cache
        assert_declared_headers(response, path)
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304  # no-cache means revalidate: cheap when nothing changed


def test_text_is_sent_gzipped_to_clients_that_accept_it_as_hosting_does(dist: Path, emulators: None) -> None:
    import gzip

    script = "export const bakery = " + "'flour, sugar, butter' + " * 200 + "'';"
    (dist / "_app/immutable/entry/big.js").write_text(script)
    client = client_for(dist)
    packed = client.get("/_app/immutable/entry/big.js", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()).decode() == script
    assert len(packed.get_data()) < len(script) // 10
    plain = client.get("/_app/immutable/entry/big.js")
    assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True) == script
    small = client.get("/_app/version.json", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # not worth it under 1 KiB


def test_the_headers_firebase_json_declares_are_the_safe_ones() -> None:
    everywhere = declared("/events/x")
    assert everywhere["x-content-type-options"] == "nosniff"
    assert everywhere["referrer-policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert everywhere["strict-transport-security"].startswith("max-age=") and \
        int(everywhere["strict-transport-security"].split("=")[1].split(";")[0]) >= 15552000
    permissions = dict(p.strip().split("=", 1) for p in everywhere["permissions-policy"].split(","))
    assert permissions["camera"] == permissions["microphone"] == "(self)"
    csp = dict(parse_csp(everywhere["content-security-policy"]))
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'", "https://identitytoolkit.googleapis.com",
                                  "https://securetoken.googleapis.com", "https://firestore.googleapis.com",
                                  # FCM web push (firebase/messaging's getToken): installations, registrations
                                  "https://firebaseinstallations.googleapis.com",
                                  "https://fcmregistrations.googleapis.com"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == csp["form-action"] == csp["worker-src"] == csp["manifest-src"] == ["'self'"]
    assert not any("unsafe" in s for sources in csp.values() for s in sources)


def test_locally_the_csp_also_allows_the_emulators_and_the_pages_inline_scripts(dist: Path,
                                                                                emulators: None) -> None:
    csp = dict(parse_csp(client_for(dist).get("/events/x").headers["Content-Security-Policy"]))
    assert csp["connect-src"][-2:] == ["http://127.0.0.1:9199", "http://127.0.0.1:8181"]
    boot = "'sha256-" + base64.b64encode(hashlib.sha256(BOOT.encode()).digest()).decode() + "'"
    assert csp["script-src"] == ["'self'", boot]  # SvelteKit's bootstrap script, and nothing else inline
    deployed = Hosting(CONFIG, REPO, dist).deploy_config(CONFIG)
    production = next(h["value"] for rule in deployed["hosting"]["headers"] for h in rule["headers"]
                      if h["key"] == "Content-Security-Policy")
    assert dict(parse_csp(production))["script-src"] == ["'self'", boot]
    assert "127.0.0.1" not in production


def test_init_json_gives_the_web_config_and_locally_the_emulators(dist: Path, emulators: None) -> None:
    response = client_for(dist).get("/__/firebase/init.json")
    assert response.status_code == 200 and response.content_type == "application/json"
    assert response.get_json() == {
        "projectId": "demo-baketracker", "apiKey": "demo-api-key", "authDomain": "demo-baketracker.firebaseapp.com",
        "emulators": {"auth": "http://127.0.0.1:9199", "firestore": {"host": "127.0.0.1", "port": 8181}}}


def test_clean_urls_and_trailing_slashes_as_firebase_json_says(dist: Path) -> None:
    assert CONFIG["hosting"]["cleanUrls"] is True and CONFIG["hosting"]["trailingSlash"] is False
    client = client_for(dist)
    assert client.get("/about").get_data(as_text=True) == "<!doctype html><p>about</p>"
    for path, location in {"/about.html": "/about", "/index.html": "/", "/guide/": "/guide",
                           "/guide/index.html": "/guide", "/about.html?x=1": "/about?x=1"}.items():
        response = client.get(path)
        assert (response.status_code, response.headers["Location"]) == (301, location), path
    assert client.get("/guide").get_data(as_text=True) == "<!doctype html><p>guide</p>"
    hidden = client.get("/.secret")  # ignored files are never deployed, and "**" skips dot paths (minimatch)
    assert hidden.status_code == 404 and "never served" not in hidden.get_data(as_text=True)


def test_without_a_build_the_page_says_how_to_build_and_the_api_still_answers(tmp_path: Path) -> None:
    client = client_for(tmp_path / "dist")
    for path in ("/", "/events/x"):
        response = client.get(path)
        assert response.status_code == 503 and "make install" in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)
        assert_declared_headers(response, path)
    assert client.post("/api/plan_event", json={}).status_code == 401
    assert client.get("/api/nope").status_code == 404


def test_a_rewrite_to_a_function_the_gateway_lacks_stops_it_at_start(tmp_path: Path) -> None:
    config = json.loads(json.dumps(CONFIG))
    config["hosting"]["rewrites"].insert(0, {"source": "/api/ghost", "function": {"functionId": "ghost"}})
    with pytest.raises(RuntimeError, match="ghost"):
        make_app(Hosting(config, REPO, tmp_path))


GLOBS = ["**", "/_app/immutable/**", "!/_app/immutable/**", "/api/**", "/api/*", "/api/plan_event", "/foo{,/**}",
         "!/@(js|css)/**", "**/*.@(jpg|png)", "/*.html", "**/*.{js,css}", "/a/?.js", "/[ab]x", "/x/!(y).js",
         "/**/index.html"]
PATHS = ["/", "/index.html", "/events/x", "/events/x/", "/_app/immutable/a.js", "/_app/version.json", "/.well-known/x",
         "/api", "/api/", "/api/plan_event", "/api/nope/deeper", "/foo", "/foo/bar", "/js/a.js", "/x.png", "/a/b/c.jpg",
         "/a/x.js", "/ax", "/cx", "/x/y.js", "/x/z.js", "/a/.b/c", "/guide/index.html"]


def minimatch(cases: Iterable[tuple[str, str]]) -> Callable[[], list[bool]]:
    script = ("const m = require(process.argv[1]); const mm = m.minimatch || m;"
              "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(cases.map(([p, g]) => mm(p, g))));")
    cases = list(cases)

    def run() -> list[bool]:
        result = subprocess.run(["node", "-e", script, str(MINIMATCH)], input=json.dumps(cases), capture_output=True,
                                text=True, timeout=60, check=True)
        answer: list[bool] = json.loads(result.stdout)
        return answer
    return run


@pytest.mark.skipif(shutil.which("node") is None or not MINIMATCH.is_dir(), reason="needs node and firebase-tools")
def test_globs_match_as_the_hosting_emulator_matches_them() -> None:
    """The same minimatch the Hosting emulator (superstatic) uses, over every glob and path above."""
    cases = list(itertools.product(PATHS, GLOBS + [r.get("source", "") for r in CONFIG["hosting"]["headers"]]))
    differ = [(p, g, m) for (p, g), m in zip(cases, minimatch(cases)(), strict=True) if glob_match(p, g) != m]
    assert differ == []
