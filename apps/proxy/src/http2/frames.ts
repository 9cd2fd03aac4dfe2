// HTTP/2 framing facts (RFC 9113 §4, §6): frame types, flags, settings, error codes, and the
// 9-octet frame header. Used by the client session (client-session.ts).

export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
export const FRAME_HEADER = 9;
/** SETTINGS_MAX_FRAME_SIZE's initial value: the largest payload either side may send until told otherwise. */
export const DEFAULT_MAX_FRAME = 16_384;
export const DEFAULT_WINDOW = 65_535;
export const MAX_WINDOW = 2 ** 31 - 1;

export const enum FrameType {
  Data = 0x0,
  Headers = 0x1,
  Priority = 0x2,
  RstStream = 0x3,
  Settings = 0x4,
  PushPromise = 0x5,
  Ping = 0x6,
  Goaway = 0x7,
  WindowUpdate = 0x8,
  Continuation = 0x9,
}

export const enum Flag {
  EndStream = 0x1,
  Ack = 0x1,
  EndHeaders = 0x4,
  Padded = 0x8,
  Priority = 0x20,
}

export const enum Setting {
  HeaderTableSize = 0x1,
  EnablePush = 0x2,
  MaxConcurrentStreams = 0x3,
  InitialWindowSize = 0x4,
  MaxFrameSize = 0x5,
  MaxHeaderListSize = 0x6,
}

/** Error codes (RFC 9113 §7), the values node:http2 exposes as NGHTTP2_*. */
export const enum H2Error {
  NoError = 0x0,
  Protocol = 0x1,
  Internal = 0x2,
  FlowControl = 0x3,
  SettingsTimeout = 0x4,
  StreamClosed = 0x5,
  FrameSize = 0x6,
  RefusedStream = 0x7,
  Cancel = 0x8,
  Compression = 0x9,
  Connect = 0xa,
  EnhanceYourCalm = 0xb,
  InadequateSecurity = 0xc,
  Http11Required = 0xd,
}

/** A frame with its header, payload copied in (for frames the session builds whole). */
export function frame(type: FrameType, flags: number, streamId: number, payloadLength: number): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER + payloadLength);
  writeFrameHeader(buf, 0, payloadLength, type, flags, streamId);
  return buf;
}

export function writeFrameHeader(buf: Buffer, at: number, length: number, type: FrameType, flags: number, streamId: number): void {
  buf[at] = length >>> 16;
  buf[at + 1] = (length >>> 8) & 0xff;
  buf[at + 2] = length & 0xff;
  buf[at + 3] = type;
  buf[at + 4] = flags;
  buf.writeUInt32BE(streamId & 0x7fffffff, at + 5);
}

export function settingsFrame(settings: ReadonlyArray<readonly [Setting, number]>): Buffer {
  const buf = frame(FrameType.Settings, 0, 0, settings.length * 6);
  let at = FRAME_HEADER;
  for (const [id, value] of settings) {
    buf.writeUInt16BE(id, at);
    buf.writeUInt32BE(value, at + 2);
    at += 6;
  }
  return buf;
}

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const buf = frame(FrameType.WindowUpdate, 0, streamId, 4);
  buf.writeUInt32BE(increment, FRAME_HEADER);
  return buf;
}

export function rstStreamFrame(streamId: number, code: number): Buffer {
  const buf = frame(FrameType.RstStream, 0, streamId, 4);
  buf.writeUInt32BE(code, FRAME_HEADER);
  return buf;
}

export function goawayFrame(lastStreamId: number, code: number, debug = ""): Buffer {
  const text = Buffer.from(debug, "utf8");
  const buf = frame(FrameType.Goaway, 0, 0, 8 + text.length);
  buf.writeUInt32BE(lastStreamId, FRAME_HEADER);
  buf.writeUInt32BE(code, FRAME_HEADER + 4);
  text.copy(buf, FRAME_HEADER + 8);
  return buf;
}

/** A PING (or, with `ack`, its answer) carrying 8 opaque bytes. */
export function pingFrame(payload: Buffer, ack = false): Buffer {
  const buf = frame(FrameType.Ping, ack ? Flag.Ack : 0, 0, 8);
  payload.copy(buf, FRAME_HEADER, 0, 8);
  return buf;
}

/** The largest stream ID: a GOAWAY naming it refuses nothing the peer sent (RFC 9113 §6.8). */
export const MAX_STREAM_ID = 0x7fffffff;

export const SETTINGS_ACK = frame(FrameType.Settings, Flag.Ack, 0, 0);
