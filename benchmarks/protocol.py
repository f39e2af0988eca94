"""A Streamlit browser session spoken over its own websocket protocol, without a browser:
what the load test (`load.py`) runs hundreds of at a few milliseconds of CPU each.

What a browser does, and what this module sends instead (checked against Streamlit 1.67:
`streamlit/web/server/starlette/starlette_websocket.py`, `runtime/app_session.py`,
`proto/BackMsg.proto`, `proto/ForwardMsg.proto`):

- GET the page's URL (`/funnel?year_from=2021`): the HTML, and through nginx the sticky
  cookie `selstats_worker` (`http_get`). The cookie goes with everything that follows.
- Open the websocket `/_stcore/stream` with subprotocol "streamlit" (`Session.connect`).
- A deep link: `BackMsg.rerun_script` (a `ClientState`) with the URL's `query_string` and
  the url path as `page_name`, `page_script_hash` empty (the server resolves the page)
  (`Session.open`).
- A widget changed: `rerun_script` with the current `query_string` (the app rewrites it:
  `ForwardMsg.page_info_changed`), the current `page_script_hash` (from
  `ForwardMsg.navigation`) and `widget_states` (`Session.change`). The browser sends every
  widget's value; this client sends the widgets it changed, and the server keeps the others'
  values (Streamlit keeps a widget's last value when a rerun does not carry it).
- A page switch: `rerun_script` with the other page's `page_script_hash` and an empty query
  string, as Streamlit's navigation does (`Session.switch_page`).
- A download (`st.download_button` with a callable, as selstats' buttons): a
  `backend_operation_request.deferred_file` with the button's `deferred_file_id`, answered by
  `ForwardMsg.backend_operation_response` with a `/media/...` URL, which is then fetched
  over HTTP with the cookie (`Session.download`): it must reach the session's own worker.

A script run is over at `session_status_changed(script_is_running=False)` unless the run
before it was cut short by the app's own `st.rerun()` (`script_finished` =
FINISHED_EARLY_FOR_RERUN: the next run follows at once, as on a deep link to a fresh
server); it succeeded when the last `script_finished` was FINISHED_SUCCESSFULLY and no
`exception` element (an error box; Streamlit sends one even with
`showErrorDetails = "none"`) came with it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

COOKIE = "selstats_worker"
RUN_TIMEOUT_S = 120.0
HTTP_TIMEOUT_S = 60.0
FIGURE_ELEMENTS = ("metric", "vega_lite_chart", "dataframe")


class ProtocolError(Exception):
    """The server said something a browser would not expect (or nothing in time)."""


class DownloadError(ProtocolError):
    """A download failed (refused, or its /media URL not found): the session goes on."""


@dataclass
class Widget:
    kind: str  # multiselect, slider, selectbox, ...
    id: str
    options: tuple[str, ...]


@dataclass
class RunResult:
    """What one script run sent: enough to check it and to take the next step."""

    seconds: float = 0.0
    finished: int | None = None  # the last script_finished status
    exceptions: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    metrics: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    captions: list[str] = field(default_factory=list)
    figure_elements: int = 0  # metrics, charts, tables
    widgets: dict[str, Widget] = field(default_factory=dict)  # by key (the id's last part)
    downloads: list[str] = field(default_factory=list)  # deferred file ids
    page_not_found: bool = False
    messages: int = 0
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.finished == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions

    def figures(self) -> tuple[tuple[str, str], ...]:
        """The page's figures as the user reads them: metrics, headings, and captions with
        a digit in them (a row count, a date). Two runs of one deep link on one store must
        give the same."""
        found = [(label, value) for label, value in self.metrics]
        found += [(tag, text) for tag, text in self.headings]
        found += [("caption", c) for c in self.captions if any(ch.isdigit() for ch in c)]
        return tuple(found)


def widget_key(widget_id: str) -> str:
    """`$$ID-<hash>-filter_govs` -> `filter_govs` (the key the app gave the widget)."""
    return widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID-") else widget_id


async def http_get(url: str, cookies: dict[str, str], timeout: float = HTTP_TIMEOUT_S) -> bytes:
    """GET `url` (HTTP/1.1, one connection); the body. Set-Cookie headers update `cookies`.
    Raises ProtocolError for any status but 200."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target or '/'} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            return await reader.read()  # until the server closes
        finally:
            writer.close()

    raw = await asyncio.wait_for(exchange(), timeout)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1]) if len(status_line.split()) > 1 else 0
    chunked = False
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            key, _, cookie_value = pair.partition("=")
            cookies[key.strip()] = cookie_value.strip()
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if status != 200:
        raise ProtocolError(f"GET {target}: HTTP {status}")
    return _dechunk(body) if chunked else body


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


class Session:
    """One browser tab: `connect`, `open` a deep link, `change` a widget, `switch_page`,
    `download`; each returns what the run sent (timed from the message to its end)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.ws: Any = None
        self.session_id = ""
        self.page_hash = ""  # the page the session is on
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self.query_string = ""
        self.widget_values: dict[str, WidgetState] = {}  # by widget id: what we changed
        self.last: RunResult | None = None

    @property
    def worker(self) -> str | None:
        """The worker nginx pinned this session to (None without nginx)."""
        return self.cookies.get(COOKIE)

    async def connect(self, path_and_query: str = "/") -> None:
        """Load the page's HTML (the cookie), then open the websocket."""
        await http_get(self.base_url + path_and_query, self.cookies)
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers=headers if self.cookies else None,
            max_size=None,
            compression=None,
            open_timeout=HTTP_TIMEOUT_S,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def _send(self, message: BackMsg) -> None:
        await self.ws.send(message.SerializeToString())

    async def _receive(self) -> ForwardMsg:
        data = await self.ws.recv()
        message = ForwardMsg.FromString(data)
        return message

    async def _run(self, message: BackMsg) -> RunResult:
        """Send a rerun and read until the run is over."""
        result = RunResult()
        started = time.perf_counter()
        await self._send(message)

        async def read() -> None:
            while True:
                data = await self.ws.recv()
                result.messages += 1
                result.bytes += len(data)
                forward = ForwardMsg.FromString(data)
                if self._take(forward, result):
                    return

        await asyncio.wait_for(read(), RUN_TIMEOUT_S)
        result.seconds = time.perf_counter() - started
        self.last = result
        return result

    def _take(self, forward: ForwardMsg, result: RunResult) -> bool:
        """Note what `forward` says; True when it ends the run."""
        kind = forward.WhichOneof("type")
        if kind == "delta":
            delta = forward.delta
            if delta.WhichOneof("type") == "new_element":
                self._element(delta.new_element, result)
        elif kind == "new_session":
            if forward.new_session.initialize.session_id:
                self.session_id = forward.new_session.initialize.session_id
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            self.page_hash = forward.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = forward.page_info_changed.query_string
        elif kind == "page_not_found":
            result.page_not_found = True
        elif kind == "script_finished":
            result.finished = forward.script_finished
        elif kind == "session_event":
            event = forward.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                result.exceptions.append(event.script_compilation_exception.message)
        elif kind == "session_status_changed":
            # A run the app cut short with st.rerun() reports "finished early for rerun"
            # and "not running"; the next run of the same chain follows at once.
            return (
                not forward.session_status_changed.script_is_running
                and result.finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            )
        return False

    @staticmethod
    def _element(element: Any, result: RunResult) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        value = getattr(element, kind)
        if kind == "exception":
            result.exceptions.append(f"{value.type}: {value.message}"[:300])
        elif kind == "heading":
            result.headings.append((value.tag, value.body))
        elif kind == "metric":
            result.metrics.append((value.label, value.body))
        elif kind == "markdown" and value.element_type == value.Type.CAPTION:
            result.captions.append(value.body)
        elif kind == "download_button" and value.deferred_file_id:
            result.downloads.append(value.deferred_file_id)
        if kind in FIGURE_ELEMENTS:
            result.figure_elements += 1
        widget_id = getattr(value, "id", "") if kind != "heading" else ""
        if widget_id:
            options = tuple(getattr(value, "options", ()))
            result.widgets[widget_key(widget_id)] = Widget(kind, widget_id, options)

    async def open(self, url_path: str, query_string: str) -> RunResult:
        """A deep link: the page `url_path` ("" = the default page) with `query_string`."""
        message = BackMsg()
        message.rerun_script.query_string = query_string
        message.rerun_script.page_name = url_path
        message.rerun_script.page_script_hash = ""
        self.query_string = query_string
        return await self._run(message)

    def _rerun(self, page_hash: str, query_string: str) -> BackMsg:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query_string
        state.page_script_hash = page_hash
        for widget in self.widget_values.values():
            state.widget_states.widgets.add().CopyFrom(widget)
        return message

    async def change(self, widget: Widget, values: Sequence[str]) -> RunResult:
        """Give a multiselect or select slider (string-array widgets) new values: the
        formatted options as the user sees them."""
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(values)
        self.widget_values = {
            k: v for k, v in self.widget_values.items() if widget_key(k) != widget_key(widget.id)
        }
        self.widget_values[widget.id] = state
        return await self._run(self._rerun(self.page_hash, self.query_string))

    async def switch_page(self, url_path: str) -> RunResult:
        if url_path not in self.pages:
            raise ProtocolError(f"no page {url_path!r} in the navigation {sorted(self.pages)}")
        return await self._run(self._rerun(self.pages[url_path], ""))

    async def download(self, file_id: str) -> tuple[float, int]:
        """Click a download button: seconds from the click to the file's last byte, and the
        file's size."""
        started = time.perf_counter()
        message = BackMsg()
        request = message.backend_operation_request
        request.request_id = str(uuid.uuid4())
        request.session_id = self.session_id
        request.deferred_file.file_id = file_id
        await self._send(message)

        async def answer() -> str:
            while True:
                forward = await self._receive()
                if forward.WhichOneof("type") != "backend_operation_response":
                    continue
                response = forward.backend_operation_response
                if response.request_id != request.request_id:
                    continue
                if response.error_msg:
                    raise DownloadError(f"download refused: {response.error_msg}")
                return str(response.deferred_file.url)

        url = await asyncio.wait_for(answer(), RUN_TIMEOUT_S)
        try:
            body = await http_get(self.base_url + url, self.cookies)
        except ProtocolError as error:
            raise DownloadError(str(error)) from None
        if not body:
            raise DownloadError(f"download {url}: empty file")
        return time.perf_counter() - started, len(body)
