"""The machinery of the robustness sweep: every URL rule, filled with valid and hostile path values, requested as
each role with hostile query strings and form bodies. Forms are discovered from the store's own pages, so a new
field or a new form is swept without editing this file."""
from __future__ import annotations

import io
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.datastructures import MultiDict

from tests.robustness.world import World

ROLES = ("anonymous", "customer", "admin")

# ------------------------------------------------------------------ hostile values

LONG = "x" * 50_000
HOSTILE_VALUES = ["", "0", "-1", "-3", str(10**9), str(2**63), "1e309", "NaN", "inf", "abc", "1.5", " ",
                  "ünïcødé ✓ 😀", LONG, "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "1,000",
                  "999999999.99", str(2**31), "\x00"]
# For path segments: what the brief lists, plus 2**31 (one past PostgreSQL's integer).
HOSTILE_PATH = ["0", "-1", str(2**63), str(2**31), "abc", "ünï✓", "y" * 3000, "..%2F..%2Fadmin", "%00", "1.5"]
# Every query-string name the store reads (grep request.args / parse_* helpers), plus a few it does not.
QUERY_NAMES = ["page", "q", "sort", "category", "in_stock", "tag", "variant", "address", "session_id", "next",
               "status", "low_stock", "state", "attention", "from", "to", "actor", "action", "object_type",
               "object_id", "unknown"]
# Form names read straight from request.form by some view, sent to every endpoint as extras.
EXTRA_FORM_NAMES = ["next", "quantity", "variant_id", "remove", "action", "direction", "version"]


# Query strings are not parsed as money or rendered into forms: a smaller set keeps the sweep fast.
QUERY_VALUES = ["", "0", "-1", str(10**9), str(2**63), str(2**31), "1e309", "NaN", "abc", "1.5", "ünïcødé ✓ 😀",
                "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "\x00"]
MAX_FIELDS_MUTATED = 24


def hostile_queries() -> list[str]:
    queries = [urlencode({name: value for name in QUERY_NAMES}) for value in QUERY_VALUES]
    queries.append(urlencode({"q": LONG, "page": "2"}))
    queries.append(urlencode([(name, v) for name in QUERY_NAMES for v in ("1", "2", "abc")]))  # repeated keys
    queries.append("next=//evil.example/&next=https://evil.example&from=2024-13-45&to=0000-00-00&page=%ff%fe")
    queries.append("category=%E2%9C%93&tag=%2e%2e%2f&sort=price_desc&in_stock=1&page=99999999999")
    queries.append("q=%25%25%25_&q=" + quote("\\'\"") + "&page=-0")
    queries.append("=&&=&page")
    queries.append("from=0001-01-01&to=9999-12-31&page=1")
    queries.append("from=9999-12-31&to=0001-01-01&actor=2147483648&object_id=-1")
    return queries


# ------------------------------------------------------------------ path values

def valid_path_values(w: World) -> dict[str, list[str]]:
    """Valid values per path argument; endpoint-specific names are keyed "endpoint:arg"."""
    return {
        "address_id": [str(w.address_id), str(w.other_address_id)],
        "line_id": [str(w.line_id), str(w.other_line_id), str(w.guest_line_id)],
        "order_id": [str(w.pending_id), str(w.paid_id), str(w.other_order_id)],
        "number": [w.pending_number, w.paid_number, w.guest_number, w.other_number],
        "product_id": [str(w.product_id)],
        "image_id": [str(w.image_id)],
        "category_id": [str(w.category_id)],
        "variant_id": [str(w.variant_id)],
        "guide_id": [str(w.guide_id)],
        "message_id": [str(w.outbox_id)],
        "user_id": [str(w.admin_id), str(w.other_id)],
        "kind": ["product", "guide"],
        "catalog.product_detail:slug": [w.product_slug],
        "guides.guide_detail:slug": [w.guide_slug],
        "orders.guest_order:token": [w.guest_order_token],
        "accounts.reset_password:token": [w.reset_token],
        "accounts.register_finish:token": [w.register_token],
    }


_ARG = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)>")


def rule_paths(rule, w: World) -> list[tuple[str, bool]]:
    """(path, is_valid) for a rule: each valid combination, then each hostile value in each argument."""
    valid = valid_path_values(w)
    names = _ARG.findall(rule.rule)
    if not names:
        return [(rule.rule, True)]

    def options(name):
        return valid.get(f"{rule.endpoint}:{name}") or valid.get(name) or ["1"]

    def build(values: dict) -> str:
        return _ARG.sub(lambda m: values[m.group(1)], rule.rule)

    base = {name: options(name)[0] for name in names}
    out = []
    for name in names:
        for value in options(name):
            out.append((build({**base, name: quote(value, safe="%")}), True))
    for name in names:
        for value in HOSTILE_PATH:
            out.append((build({**base, name: quote(value, safe="%")}), False))
    seen, unique = set(), []
    for path, ok in out:
        if path not in seen:
            seen.add(path)
            unique.append((path, ok))
    return unique


# ------------------------------------------------------------------ forms discovered from the pages

@dataclass
class FoundForm:
    action: str
    endpoint: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)     # (name, value) in page order
    buttons: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(n for n, _ in self.fields))


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "enctype": a.get("enctype") or "", "fields": [], "buttons": [], "files": []}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or not any(n == name for n, _ in form["fields"]) and kind == "radio":
                    form["fields"].append((name, a.get("value") or "y"))
            elif kind == "file":
                form["files"].append(name)
            elif kind in ("submit", "image", "button"):
                form["buttons"].append((name, a.get("value") or "y"))
            else:
                form["fields"].append((name, a.get("value") or ""))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            form["buttons"].append((name, a.get("value") or "y"))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = {"name": name, "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            value = s["selected"] if s["selected"] is not None else s["first"]
            if value is not None:
                self._form["fields"].append((s["name"], value))
            self._select = None
        elif tag == "form":
            self._form = None


def discover_forms(app, client, page_path: str) -> list[FoundForm]:
    response = client.get(page_path)
    if response.status_code != 200 or "html" not in (response.mimetype or ""):
        return []
    parser = _FormParser()
    parser.feed(response.get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    found = []
    for f in parser.forms:
        if f["method"] != "post":
            continue
        action = f["action"] or page_path
        path = urlsplit(action).path
        try:
            endpoint, _ = adapter.match(path, method="POST")
        except Exception:  # noqa: BLE001  (a form pointing nowhere is itself worth a look, but not here)
            continue
        found.append(FoundForm(action=action, endpoint=endpoint, multipart="multipart" in f["enctype"],
                               fields=f["fields"], buttons=f["buttons"], files=f["files"]))
    return found


# ------------------------------------------------------------------ bodies

@dataclass
class Body:
    label: str
    kwargs: dict


def _md(pairs) -> MultiDict:
    return MultiDict(list(pairs))


def hostile_bodies(form: FoundForm | None, full: bool = True) -> list[Body]:
    """Bodies for one POST endpoint. `form` is the form found on the store's pages (None when none was)."""
    fields = form.fields if form else []
    names = form.names if form else []
    buttons = form.buttons if form else []
    files = form.files if form else []
    base = list(fields)
    bodies = [Body("empty body", {"data": {}})]
    if not full:
        bodies.append(Body("valid form", {"data": _md(base)}))
        return bodies

    def with_files(pairs, file_value=None):
        data = _md(pairs)
        for name in files:
            data.add(name, file_value() if file_value else (io.BytesIO(b"not a picture, not a csv"), "x.png"))
        return data

    bodies.append(Body("valid form", {"data": with_files(base)}))
    for name, value in buttons:
        bodies.append(Body(f"valid form + button {name}={value}", {"data": with_files(base + [(name, value)])}))
    for value in HOSTILE_VALUES:
        pairs = [(n, value) for n in names] + [(n, value) for n in EXTRA_FORM_NAMES if n not in names]
        bodies.append(Body(f"every field = {value[:20]!r}", {"data": with_files(pairs)}))
        if buttons:
            name, bvalue = buttons[len(bodies) % len(buttons)]
            bodies.append(Body(f"every field = {value[:20]!r} + {name}={bvalue}",
                               {"data": with_files(pairs + [(name, bvalue)])}))
    step = max(1, -(-len(names) // MAX_FIELDS_MUTATED))  # long forms (guides): every step-th field
    for i, name in enumerate(names[::step]):
        value = HOSTILE_VALUES[(i * 7) % len(HOSTILE_VALUES)]
        bodies.append(Body(f"valid except {name}={value[:20]!r}",
                           {"data": with_files([(n, value if n == name else v) for n, v in base] +
                                               buttons[:1])}))
        bodies.append(Body(f"valid without {name}", {"data": with_files([(n, v) for n, v in base if n != name] +
                                                                         buttons[:1])}))
    bodies.append(Body("repeated keys", {"data": with_files(base + [(n, "2") for n in names] +
                                                             [(n, "abc") for n in names] + buttons[:1])}))
    bodies.append(Body("JSON body", {"json": dict(base)}))
    bodies.append(Body("JSON list body", {"json": [1, 2, 3]}))
    bodies.append(Body("JSON with non-string values", {"json": {n: {"a": [1, None]} for n in names + ["x"]}}))
    bodies.append(Body("JSON number body as JSON API client", {"json": 10**9, "headers": {"Accept": "application/json"}}))
    bodies.append(Body("valid form as JSON API client", {"data": with_files(base + buttons[:1]),
                                                         "headers": {"Accept": "application/json"}}))
    bodies.append(Body("bad multipart (truncated)", {
        "data": b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', "content_type":
        "multipart/form-data; boundary=xx"}))
    bodies.append(Body("bad multipart (no boundary)", {"data": b"garbage", "content_type": "multipart/form-data"}))
    bodies.append(Body("form-encoded garbage bytes", {"data": b"%ff%fe=%00%zz&&==",
                                                      "content_type": "application/x-www-form-urlencoded"}))
    bodies.append(Body("text/plain body", {"data": b"quantity=3", "content_type": "text/plain"}))
    if files:
        bodies.append(Body("valid form, empty file", {"data": with_files(base + buttons[:1],
                                                                         lambda: (io.BytesIO(b""), "empty.csv"))}))
        bodies.append(Body("valid form, 50 KB junk file", {"data": with_files(
            base + buttons[:1], lambda: (io.BytesIO(bytes(range(256)) * 200), "junk.csv"))}))
        bodies.append(Body("valid form, hostile CSV", {"data": with_files(base + buttons[:1], lambda: (io.BytesIO(
            ("sku,price,compare_at,on_hand\n" + "\n".join(f"{v},{v},{v},{v}" for v in HOSTILE_VALUES if v != LONG)
             + "\nSKU,1e309,NaN,1\n,,,\n").encode()), "hostile.csv"))}))
        bodies.append(Body("valid form, CSV with a NUL byte", {"data": with_files(base + buttons[:1], lambda: (
            io.BytesIO(b"sku,price,compare_at,on_hand\nA\x00,1.00,,1\n"), "nul.csv"))}))
        bodies.append(Body("file field sent as text", {"data": _md(base + [(n, "not a file") for n in files])}))
    return bodies


# ------------------------------------------------------------------ running requests

@dataclass
class Failure:
    method: str
    url: str
    role: str
    body: str
    outcome: str

    def __str__(self) -> str:
        url = self.url if len(self.url) < 160 else self.url[:150] + f"…({len(self.url)} chars)"
        return f"{self.method} {url} as {self.role} [{self.body}] -> {self.outcome}"


def send(client, method: str, url: str, body: Body | None = None):
    """One request; an exception that escapes the app (TESTING propagates them) becomes the outcome."""
    kwargs = dict(body.kwargs) if body else {}
    if "data" in kwargs and isinstance(kwargs["data"], MultiDict):
        kwargs["data"] = MultiDict([(k, (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v)
                                    for k, v in kwargs["data"].items(multi=True)])
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as exc:  # noqa: BLE001  (every escape is a finding, reported with its origin)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/store/" in f.filename]
        where = f" at {frames[-1].filename.split('/store/')[-1]}:{frames[-1].lineno}" if frames else ""
        return None, f"{type(exc).__name__}: {str(exc)[:200]}{where}"
    status = response.status_code
    response.close()
    return status, None
