#!/usr/bin/env python3
"""Publishes one FLV file to many RTMP stream keys at once, from one process, in real time.

    rtmpload.py --url rtmp://127.0.0.1:1935/live --file src.flv --seconds 30 [--stagger-s 2.0] [--batch-ms 100]
                [--loop] [--timeout-s 10] [--out stats.json] [--keys-file FILE] [--spread-loopback] KEY...

It stands in for one `ffmpeg -re -i src.flv -c copy -f flv rtmp://.../KEY` process per key, at a fraction of the
CPU: the file is read into memory once, and every key gets its own TCP connection and RTMP session (simple
handshake, connect to app = the URL path's first segment, createStream, publish KEY "live", @setDataFrame
onMetaData from the file's script tag, then the audio and video tags with their FLV timestamps).

Pacing: publisher i connects at start + i * stagger / N, so the N streams (and their keyframes) are spread evenly
over --stagger-s. Its media clock starts when the server answers NetStream.Publish.Start. From then on it wakes
every --batch-ms (one sleep per tick, never one timer per tag) and sends, in one socket write, every tag whose
timestamp is due by now. It stops after --seconds of media (or at the end of the file without --loop), sends
FCUnpublish and deleteStream, and closes. With --loop the file starts over with its timestamps offset by its
duration; the sequence headers and metadata go out only on the first pass.

Lag: each tick has a scheduled time; the lag of a batch is how much later than that it was written. max_lag_ms and
p99_lag_ms over all batches show whether this process kept up (a batch may still hold tags up to --batch-ms old;
that part is by design and not counted).

On exit it prints one JSON line (also written to --out):
    {"publishers", "ok", "failed", "bytes_sent", "seconds", "max_lag_ms", "p99_lag_ms"}
and one line per failed publisher to stderr. Exit status 0 when every publisher finished, 1 otherwise.
Standard library only.
"""
import argparse
import asyncio
import json
import math
import os
import signal
import struct
import sys
import time
import urllib.parse

# Message types (RTMP 1.0, section 5.4 and 7.1).
MSG_SET_CHUNK_SIZE = 1
MSG_ABORT = 2
MSG_ACK = 3
MSG_USER_CONTROL = 4
MSG_WINDOW_ACK_SIZE = 5
MSG_SET_PEER_BANDWIDTH = 6
MSG_AUDIO = 8
MSG_VIDEO = 9
MSG_DATA_AMF0 = 18
MSG_COMMAND_AMF0 = 20

CSID_CONTROL = 2
CSID_COMMAND = 3
CSID_AUDIO = 4
CSID_DATA = 5
CSID_VIDEO = 6
MEDIA_CSID = {MSG_AUDIO: CSID_AUDIO, MSG_VIDEO: CSID_VIDEO, MSG_DATA_AMF0: CSID_DATA}

OUT_CHUNK_SIZE = 65536
HANDSHAKE_SIZE = 1536
UC_PING_REQUEST = 6
UC_PING_RESPONSE = 7


class PublishError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------- FLV

class Tag:
    __slots__ = ("type", "ts", "data", "header_only", "end_of_sequence")

    def __init__(self, tag_type, ts, data):
        self.type = tag_type
        self.ts = ts
        self.data = data
        self.header_only = tag_type == MSG_DATA_AMF0 or is_sequence_header(tag_type, data)
        self.end_of_sequence = tag_type == MSG_VIDEO and len(data) > 1 and data[0] & 0x0F == 7 and data[1] == 2


def is_sequence_header(tag_type, data):
    if len(data) < 2 or data[1] != 0:
        return False
    if tag_type == MSG_VIDEO:
        return data[0] & 0x0F == 7          # AVC sequence header
    if tag_type == MSG_AUDIO:
        return data[0] >> 4 == 10           # AAC AudioSpecificConfig
    return False


def read_flv(path):
    """Returns the list of tags (script, audio, video) of an FLV file."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 9 or raw[:3] != b"FLV":
        raise ValueError(f"{path}: not an FLV file")
    pos = struct.unpack_from(">I", raw, 5)[0] + 4    # header, then PreviousTagSize0
    tags = []
    while pos + 11 <= len(raw):
        tag_type = raw[pos] & 0x1F
        size = int.from_bytes(raw[pos + 1:pos + 4], "big")
        ts = int.from_bytes(raw[pos + 4:pos + 7], "big") | raw[pos + 7] << 24
        start = pos + 11
        if start + size > len(raw):
            break                                  # truncated last tag
        if tag_type in (MSG_AUDIO, MSG_VIDEO, MSG_DATA_AMF0):
            tags.append(Tag(tag_type, ts, raw[start:start + size]))
        pos = start + size + 4
    if not any(t.type in (MSG_AUDIO, MSG_VIDEO) for t in tags):
        raise ValueError(f"{path}: no audio or video tags")
    return tags


def loop_duration_ms(tags):
    """The file's duration as a loop period: the last timestamp plus one frame step, taken per stream (audio and
    video rarely end together) so that neither stream's next pass starts before its last frame ends."""
    period = 1
    for tag_type in (MSG_AUDIO, MSG_VIDEO):
        ts = sorted({t.ts for t in tags if t.type == tag_type and not t.header_only and not t.end_of_sequence})
        if ts:
            step = ts[-1] - ts[-2] if len(ts) >= 2 else 40
            period = max(period, ts[-1] + max(step, 1))
    return period


def timeline(tags, limit_ms, loop):
    """Yields (type, timestamp, payload) in send order, up to (not including) limit_ms of media."""
    period = loop_duration_ms(tags) if loop else 0
    offset = 0
    while True:
        for tag in tags:
            if offset and tag.header_only:
                continue
            if loop and tag.end_of_sequence:
                continue                           # it would end the stream in the middle of the loop
            ts = tag.ts + offset
            if ts >= limit_ms:
                return
            yield tag.type, ts, tag.data
        if not loop:
            return
        offset += period


# --------------------------------------------------------------------------------------------------------- AMF0

def amf0(value):
    if value is None:
        return b"\x05"
    if isinstance(value, bool):
        return b"\x01" + (b"\x01" if value else b"\x00")
    if isinstance(value, (int, float)):
        return b"\x00" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode()
        if len(raw) > 0xFFFF:
            return b"\x0c" + struct.pack(">I", len(raw)) + raw
        return b"\x02" + struct.pack(">H", len(raw)) + raw
    if isinstance(value, dict):
        out = [b"\x03"]
        for key, item in value.items():
            raw = key.encode()
            out += [struct.pack(">H", len(raw)), raw, amf0(item)]
        out.append(b"\x00\x00\x09")
        return b"".join(out)
    raise TypeError(f"no AMF0 encoding for {type(value).__name__}")


def amf0_values(data):
    values = []
    pos = 0
    while pos < len(data):
        value, pos = _amf0_value(data, pos)
        values.append(value)
    return values


def _amf0_value(data, pos):
    marker = data[pos]
    pos += 1
    if marker == 0x00:
        return struct.unpack_from(">d", data, pos)[0], pos + 8
    if marker == 0x01:
        return data[pos] != 0, pos + 1
    if marker in (0x02, 0x0C):
        width = 2 if marker == 0x02 else 4
        n = int.from_bytes(data[pos:pos + width], "big")
        pos += width
        return data[pos:pos + n].decode("utf-8", "replace"), pos + n
    if marker == 0x03:
        return _amf0_properties(data, pos)
    if marker in (0x05, 0x06):
        return None, pos
    if marker == 0x07:
        return None, pos + 2                       # reference: not needed here
    if marker == 0x08:
        return _amf0_properties(data, pos + 4)     # ECMA array: count, then like an object
    if marker == 0x0A:
        n = struct.unpack_from(">I", data, pos)[0]
        pos += 4
        items = []
        for _ in range(n):
            item, pos = _amf0_value(data, pos)
            items.append(item)
        return items, pos
    if marker == 0x0B:
        return struct.unpack_from(">d", data, pos)[0], pos + 10
    raise ValueError(f"unsupported AMF0 marker 0x{marker:02x}")


def _amf0_properties(data, pos):
    props = {}
    while True:
        n = int.from_bytes(data[pos:pos + 2], "big")
        pos += 2
        if n == 0 and data[pos] == 0x09:
            return props, pos + 1
        key = data[pos:pos + n].decode("utf-8", "replace")
        props[key], pos = _amf0_value(data, pos + n)


# -------------------------------------------------------------------------------------------------- chunk output

# Type-0 chunk header: basic header (csid < 64), timestamp (24 bits), length (24), type id, stream id (little
# endian; packed here as a pre-swapped big-endian int so one struct covers the header).
_TYPE0 = struct.Struct(">BHBHBBI")
_EXT_TS = struct.Struct(">I")


def chunk_message(csid, msg_type, stream_id_swapped, ts, payload, chunk_size=OUT_CHUNK_SIZE):
    """The chunks of one message as a list of byte strings (type-0 header, type-3 continuations)."""
    n = len(payload)
    ext = ts >= 0xFFFFFF
    field = 0xFFFFFF if ext else ts
    header = _TYPE0.pack(csid, field >> 8, field & 0xFF, n >> 8, n & 0xFF, msg_type, stream_id_swapped)
    ext_bytes = _EXT_TS.pack(ts & 0xFFFFFFFF) if ext else b""
    if n <= chunk_size:
        return [header + ext_bytes, payload]
    view = memoryview(payload)
    continuation = bytes((0xC0 | csid,)) + ext_bytes
    parts = [header + ext_bytes, view[:chunk_size]]
    for off in range(chunk_size, n, chunk_size):
        parts += [continuation, view[off:off + chunk_size]]
    return parts


def swap32(stream_id):
    return int.from_bytes(stream_id.to_bytes(4, "little"), "big")


def encode(csid, msg_type, stream_id, payload, ts=0):
    return b"".join(chunk_message(csid, msg_type, swap32(stream_id), ts, payload))


def command(name, tx, *args, stream_id=0):
    payload = amf0(name) + amf0(float(tx)) + b"".join(amf0(a) for a in args)
    return encode(CSID_COMMAND, MSG_COMMAND_AMF0, stream_id, payload)


# --------------------------------------------------------------------------------------------------- chunk input

class _InStream:
    __slots__ = ("length", "type", "stream_id", "ext", "buf")

    def __init__(self):
        self.length = 0
        self.type = 0
        self.stream_id = 0
        self.ext = False
        self.buf = bytearray()


class ChunkReader:
    """Reassembles the server's messages from its chunk streams."""

    def __init__(self, reader):
        self.reader = reader
        self.chunk_size = 128
        self.streams = {}
        self.bytes_in = 0

    async def _read(self, n):
        data = await self.reader.readexactly(n)
        self.bytes_in += n
        return data

    async def read_message(self):
        """Returns (type, stream id, payload) of the next complete message."""
        while True:
            first = (await self._read(1))[0]
            fmt, csid = first >> 6, first & 0x3F
            if csid == 0:
                csid = 64 + (await self._read(1))[0]
            elif csid == 1:
                b = await self._read(2)
                csid = 64 + b[0] + b[1] * 256
            st = self.streams.get(csid)
            if st is None:
                st = self.streams[csid] = _InStream()
            if fmt < 3:
                header = await self._read((11, 7, 3)[fmt])
                st.ext = header[:3] == b"\xff\xff\xff"
                if fmt <= 1:
                    st.length = int.from_bytes(header[3:6], "big")
                    st.type = header[6]
                if fmt == 0:
                    st.stream_id = int.from_bytes(header[7:11], "little")
                if st.ext:
                    await self._read(4)
            elif st.ext:
                await self._read(4)                # type 3 repeats the extended timestamp
            need = min(self.chunk_size, st.length - len(st.buf))
            if need > 0:
                st.buf += await self._read(need)
            if len(st.buf) >= st.length:
                payload, st.buf = bytes(st.buf), bytearray()
                return st.type, st.stream_id, payload

    def abort(self, csid):
        st = self.streams.get(csid)
        if st is not None:
            st.buf = bytearray()


# ----------------------------------------------------------------------------------------------------- publisher

class Config:
    def __init__(self, args):
        url = urllib.parse.urlsplit(args.url)
        if url.scheme != "rtmp" or not url.hostname:
            raise ValueError(f"--url must be rtmp://host[:port]/app, got {args.url!r}")
        self.host = url.hostname
        self.port = url.port or 1935
        self.app = url.path.strip("/").split("/")[0]
        if not self.app:
            raise ValueError(f"--url has no app (path's first segment): {args.url!r}")
        self.tc_url = f"rtmp://{url.netloc}/{self.app}"
        self.limit_ms = args.seconds * 1000.0
        self.batch_s = args.batch_ms / 1000.0
        self.loop = args.loop
        self.timeout_s = args.timeout_s
        self.spread = args.spread_loopback
        if self.spread and not self.host.startswith("127."):
            raise ValueError("--spread-loopback needs a loopback --url (127.x.x.x)")


class LagStats:
    """Batch lags in 0.1 ms buckets (up to 10 s), so that long runs with many publishers keep a fixed size."""

    BUCKETS_PER_S = 10000
    LAST = 10 * BUCKETS_PER_S

    def __init__(self):
        self.counts = [0] * (self.LAST + 1)
        self.n = 0
        self.max_s = 0.0

    def add(self, lag_s):
        lag_s = max(0.0, lag_s)
        self.counts[min(int(lag_s * self.BUCKETS_PER_S), self.LAST)] += 1
        self.n += 1
        if lag_s > self.max_s:
            self.max_s = lag_s

    def percentile_ms(self, q):
        """Nearest rank, as the upper edge of its bucket (capped by the maximum)."""
        if not self.n:
            return 0.0
        rank = max(1, math.ceil(q * self.n))
        seen = 0
        for bucket, count in enumerate(self.counts):
            seen += count
            if seen >= rank:
                return min((bucket + 1) * 1000.0 / self.BUCKETS_PER_S, self.max_s * 1000.0)
        return self.max_s * 1000.0


class Run:
    """What all publishers share: the file, the settings, the stop request and the counters."""

    def __init__(self, cfg, tags):
        self.cfg = cfg
        self.tags = tags
        self.stopping = False
        self.lags = LagStats()
        self.bytes_sent = 0


class Publisher:
    def __init__(self, run, key, index=0):
        self.run = run
        self.cfg = run.cfg
        self.key = key
        # With --spread-loopback each publisher connects from an address of its own (127.1.0.1, 127.1.0.2, ...), as
        # encoders on many networks do, so a server's per-address connection limit sees one connection each.
        self.local = (f"127.1.{1 + index // 250}.{1 + index % 250}", 0) if self.cfg.spread else None
        self.writer = None
        self.receiver = None
        self.chunks = None
        self.replies = asyncio.Queue()
        self.closed = None                         # why the connection ended, once it did
        self.window = 0
        self.acked = 0
        self.sent_window = 0
        self.tx = 0

    def send(self, data):
        self.run.bytes_sent += len(data)
        self.writer.write(data)

    def send_parts(self, parts):
        self.run.bytes_sent += sum(map(len, parts))
        self.writer.writelines(parts)

    async def publish(self, start_at):
        """Runs one publisher to the end; raises PublishError (or OSError) when it fails."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(0.0, start_at - loop.time()))
        if self.run.stopping:
            raise PublishError("stopped before it started")
        try:
            try:
                stream_id = await asyncio.wait_for(self.setup(), self.cfg.timeout_s)
            except asyncio.TimeoutError:
                raise PublishError(f"no NetStream.Publish.Start within {self.cfg.timeout_s:g} s") from None
            await self.stream_media(stream_id)
            self.send(command("FCUnpublish", self.next_tx(), None, self.key)
                      + command("deleteStream", self.next_tx(), None, float(stream_id)))
            await self.writer.drain()
            if self.run.stopping:
                raise PublishError("stopped by a signal while publishing")
        finally:
            if self.receiver is not None:
                self.receiver.cancel()
            if self.writer is not None:
                self.writer.close()
                try:
                    await asyncio.wait_for(self.writer.wait_closed(), 2)
                except (OSError, asyncio.TimeoutError):
                    pass

    def next_tx(self):
        self.tx += 1
        return self.tx

    async def setup(self):
        reader, self.writer = await asyncio.open_connection(self.cfg.host, self.cfg.port, local_addr=self.local)
        self.chunks = ChunkReader(reader)
        await self.handshake(reader)
        self.send(encode(CSID_CONTROL, MSG_SET_CHUNK_SIZE, 0, struct.pack(">I", OUT_CHUNK_SIZE))
                  + command("connect", self.next_tx(), {
                      "app": self.cfg.app, "type": "nonprivate", "flashVer": "FMLE/3.0", "tcUrl": self.cfg.tc_url}))
        # One reader for the whole connection: cancelling it mid-chunk would lose the chunk stream state.
        self.receiver = asyncio.ensure_future(self.receive())
        await self.expect_result(1, "connect")
        self.send(command("releaseStream", self.next_tx(), None, self.key)
                  + command("FCPublish", self.next_tx(), None, self.key))
        create_tx = self.next_tx()
        self.send(command("createStream", create_tx, None))
        result = await self.expect_result(create_tx, "createStream")
        if len(result) < 4 or not isinstance(result[3], float):
            raise PublishError(f"createStream answered without a stream id: {result!r}")
        stream_id = int(result[3])
        self.send(command("publish", self.next_tx(), None, self.key, "live", stream_id=stream_id))
        await self.expect_publish_start()
        return stream_id

    async def handshake(self, reader):
        c1 = bytes(8) + os.urandom(HANDSHAKE_SIZE - 8)
        self.send(b"\x03" + c1)
        s0s1 = await reader.readexactly(1 + HANDSHAKE_SIZE)
        if s0s1[0] != 3:
            raise PublishError(f"server answered RTMP version {s0s1[0]}")
        # C2 goes out before reading S2: some servers send S2 only after C2.
        self.send(s0s1[1:])
        await reader.readexactly(HANDSHAKE_SIZE)

    async def next_reply(self):
        values = await self.replies.get()
        if values is None:
            raise PublishError(f"connection {self.closed}")
        return values

    async def expect_result(self, tx, what):
        while True:
            values = await self.next_reply()
            if len(values) >= 2 and values[0] in ("_result", "_error") and values[1] == tx:
                if values[0] == "_error":
                    raise PublishError(f"{what} refused: {describe_status(values)}")
                return values

    async def expect_publish_start(self):
        while True:
            values = await self.next_reply()
            if not values or values[0] != "onStatus":
                continue
            info = values[3] if len(values) > 3 and isinstance(values[3], dict) else {}
            code = info.get("code", "")
            if code == "NetStream.Publish.Start":
                return
            if info.get("level") == "error" or code.endswith("BadName"):
                raise PublishError(f"publish refused: {describe_status(values)}")

    async def receive(self):
        """Reads the server until the connection ends: answers control messages, queues commands in
        self.replies (None marks the end). While publishing it keeps acknowledging and notes a close."""
        try:
            while True:
                msg_type, _, payload = await self.chunks.read_message()
                if msg_type == MSG_COMMAND_AMF0:
                    self.replies.put_nowait(amf0_values(payload))
                else:
                    self.handle_control(msg_type, payload)
                self.acknowledge()
        except asyncio.CancelledError:
            raise
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed = "closed by the server"
        except (OSError, ValueError, IndexError, struct.error) as e:
            self.closed = f"broken: {e}"
        self.replies.put_nowait(None)

    def handle_control(self, msg_type, payload):
        if msg_type == MSG_SET_CHUNK_SIZE:
            self.chunks.chunk_size = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        elif msg_type == MSG_ABORT:
            self.chunks.abort(struct.unpack(">I", payload[:4])[0])
        elif msg_type == MSG_WINDOW_ACK_SIZE:
            self.window = struct.unpack(">I", payload[:4])[0]
        elif msg_type == MSG_SET_PEER_BANDWIDTH:
            size = struct.unpack(">I", payload[:4])[0]
            if size != self.sent_window:
                self.sent_window = size
                self.send(encode(CSID_CONTROL, MSG_WINDOW_ACK_SIZE, 0, struct.pack(">I", size)))
        elif msg_type == MSG_USER_CONTROL and len(payload) >= 6:
            if struct.unpack(">H", payload[:2])[0] == UC_PING_REQUEST:
                self.send(encode(CSID_CONTROL, MSG_USER_CONTROL, 0,
                                 struct.pack(">H", UC_PING_RESPONSE) + payload[2:6]))

    def acknowledge(self):
        received = self.chunks.bytes_in
        if self.window and received - self.acked >= self.window:
            self.acked = received
            self.send(encode(CSID_CONTROL, MSG_ACK, 0, struct.pack(">I", received & 0xFFFFFFFF)))

    async def stream_media(self, stream_id):
        loop = asyncio.get_running_loop()
        sid = swap32(stream_id)
        set_data_frame = amf0("@setDataFrame")
        batch_s = self.cfg.batch_s
        lags = self.run.lags
        pending = timeline(self.run.tags, self.cfg.limit_ms, self.cfg.loop)
        nxt = next(pending, None)
        t0 = tick = loop.time()
        while nxt is not None:
            if self.closed:
                raise PublishError(f"connection {self.closed} while publishing")
            if self.run.stopping:
                return                             # the caller still unpublishes
            now = loop.time()
            due_ms = (now - t0) * 1000.0
            parts = []
            while nxt is not None and nxt[1] <= due_ms:
                msg_type, ts, data = nxt
                if msg_type == MSG_DATA_AMF0:
                    data = set_data_frame + data
                parts += chunk_message(MEDIA_CSID[msg_type], msg_type, sid, ts, data)
                nxt = next(pending, None)
            if parts:
                self.send_parts(parts)             # one write per tick
                lags.add(loop.time() - tick)
                await self.writer.drain()
            tick += batch_s
            # Sleep even when behind (0 s): drain() does not yield unless the socket is full.
            await asyncio.sleep(max(0.0, tick - loop.time()))


def describe_status(values):
    for v in values[2:]:
        if isinstance(v, dict) and ("code" in v or "description" in v):
            return f"{v.get('code', '?')} ({v.get('description', '')})"
    return repr(values[2:])


# ---------------------------------------------------------------------------------------------------------- main

async def run_all(run, keys, stagger_s):
    loop = asyncio.get_running_loop()

    def stop():
        run.stopping = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop)
        except (NotImplementedError, RuntimeError):
            pass

    async def one(index, key, start_at):
        try:
            await Publisher(run, key, index).publish(start_at)
            return True
        except PublishError as e:
            why = str(e)
        except asyncio.IncompleteReadError:
            why = "connection closed by the server during the handshake"
        except OSError as e:
            why = f"{type(e).__name__}: {e}"
        print(f"rtmpload: publisher {index} ({key}): {why}", file=sys.stderr, flush=True)
        return False

    start = loop.time()
    n = len(keys)
    results = await asyncio.gather(*(one(i, key, start + i * stagger_s / n) for i, key in enumerate(keys)))
    return sum(results)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Publish one FLV file to many RTMP stream keys in real time.")
    p.add_argument("--url", required=True, help="rtmp://host[:port]/app")
    p.add_argument("--file", required=True, help="FLV file to publish")
    p.add_argument("--seconds", type=float, required=True, help="media seconds to publish per key")
    p.add_argument("--stagger-s", type=float, default=2.0, help="spread the publishers' starts over this long")
    p.add_argument("--batch-ms", type=float, default=100.0, help="send what is due every this many ms")
    p.add_argument("--loop", action="store_true", help="start the file again when it ends")
    p.add_argument("--timeout-s", type=float, default=10.0, help="limit for connecting up to Publish.Start")
    p.add_argument("--keys-file", help="file with one stream key per line")
    p.add_argument("--spread-loopback", action="store_true",
                   help="connect each publisher from its own loopback address (127.1.x.y), for per-address limits")
    p.add_argument("--out", help="also write the JSON summary here")
    p.add_argument("keys", nargs="*", metavar="KEY")
    args = p.parse_args(argv)
    if args.keys_file:
        with open(args.keys_file) as f:
            args.keys += [line.strip() for line in f if line.strip()]
    if not args.keys:
        p.error("no stream keys (give KEY... or --keys-file)")
    if args.seconds <= 0 or args.batch_ms <= 0 or args.stagger_s < 0:
        p.error("--seconds and --batch-ms must be > 0, --stagger-s >= 0")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        cfg = Config(args)
        tags = read_flv(args.file)
    except (OSError, ValueError) as e:
        print(f"rtmpload: {e}", file=sys.stderr)
        return 2
    run = Run(cfg, tags)
    began = time.monotonic()
    ok = asyncio.run(run_all(run, args.keys, args.stagger_s))
    summary = {
        "publishers": len(args.keys),
        "ok": ok,
        "failed": len(args.keys) - ok,
        "bytes_sent": run.bytes_sent,
        "seconds": round(time.monotonic() - began, 3),
        "max_lag_ms": round(run.lags.max_s * 1000.0, 1),
        "p99_lag_ms": round(run.lags.percentile_ms(0.99), 1),
    }
    line = json.dumps(summary)
    print(line, flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(line + "\n")
    return 0 if ok == len(args.keys) else 1


if __name__ == "__main__":
    sys.exit(main())
