import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI, { BadRequestError, toFile } from "openai";
import { speechPieces } from "../support/mock-provider/audio";
import { rawPost } from "../support/raw-post";
import { assertErrorShape, startGateway, waitForLogRow, type Gateway } from "../support/seed";

// File uploads and audio with the official SDK: transcriptions and translations of a real WAV
// file (multipart, the file's bytes untouched, `model` replaced), speech streamed to a file,
// image edits; failover on each, per-second / per-character / per-image billing in the log, and
// the bad inputs an upload can bring (wrong content type, no file, a body over the limit).

const LIMIT = 1_000_000;

/** A PCM WAV file: 16 kHz, mono, 16-bit, `seconds` long, a quiet sine tone. */
function wavFile(seconds: number): Buffer {
  const rate = 16_000;
  const samples = Math.round(rate * seconds);
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write("RIFF", 0, "ascii");
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write("WAVEfmt ", 8, "ascii");
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write("data", 36, "ascii");
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    buffer.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return buffer;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("audio and image uploads", () => {
  let gw: Gateway;
  let key: string;
  let client: OpenAI;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gateway-audio-"));
    gw = await startGateway({
      env: { MAX_REQUEST_BYTES: String(LIMIT) },
      async seed(s) {
        await s.group("whisper", [
          { model: "whisper-down" },
          { model: "whisper-1", priceUnit: "second", pricePerUnit: 0.0001, priceInput: 0, priceOutput: 0 },
        ]);
        await s.group("voice", [
          { model: "tts-down", kinds: ["audio"] },
          { model: "tts-1", priceUnit: "character", pricePerUnit: 15, priceInput: 0, priceOutput: 0 },
        ]);
        await s.group("painter", [
          { model: "edit-down", kinds: ["images"] },
          { model: "gpt-image-1", priceUnit: "image", pricePerUnit: 0.04, priceInput: 0, priceOutput: 0 },
        ]);
        await s.group("chatty", ["plain-chat"]);
        key = await s.key("media-app", { groups: ["whisper", "voice", "painter", "chatty"] });
      },
    });
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  });

  beforeEach(() => gw.mock.reset());

  after(async () => {
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("transcribes a real WAV file: bytes untouched, failover, billed by the file's seconds", async () => {
    gw.mock.setBehavior("whisper-down", { status: 503 });
    gw.mock.setBehavior("whisper-1", { text: "Hello from the tone" });
    const wav = wavFile(1.5);
    const { data, response } = await client.audio.transcriptions
      .create({ model: "whisper", file: await toFile(wav, "tone.wav", { type: "audio/wav" }), language: "en" })
      .withResponse();
    assert.equal(data.text, "Hello from the tone");
    const call = gw.mock.callsFor("whisper-1").at(-1)!;
    assert.equal(call.path, "/v1/audio/transcriptions");
    const fields = call.body as { model: string; language: string; file: { sha256: string; filename: string } };
    assert.deepEqual([fields.model, fields.language, fields.file.filename], ["whisper-1", "en", "tone.wav"]);
    assert.equal(fields.file.sha256, sha256(wav), "the file arrived byte for byte");
    assert.equal(gw.mock.callsFor("whisper-down").length, 1);
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      [row.api, row.providerName, row.billedUnit, row.billedUnits],
      ["audio.transcriptions", "whisper-1", "second", 1.5],
    );
    assert.ok(Math.abs(row.cost - 1.5 * 0.0001) < 1e-12, `cost ${row.cost}`);
    assert.ok(row.requestBody === null || !row.requestBody.includes("RIFF"), "the file is not logged");
  });

  it("relays plain-text and verbose transcripts as the provider sent them, and translations", async () => {
    gw.mock.setBehavior("whisper-down", { status: 503 });
    const file = await toFile(wavFile(0.5), "short.wav", { type: "audio/wav" });
    const text = await client.audio.transcriptions.create({ model: "whisper", file, response_format: "text" });
    assert.match(String(text), /^Transcript of short\.wav/);
    const verbose = await client.audio.transcriptions
      .create({ model: "whisper", file, response_format: "verbose_json" })
      .withResponse();
    assert.equal(verbose.data.duration, 3.25);
    const row = await waitForLogRow(gw.db, verbose.response.headers.get("x-request-id")!);
    assert.equal(row.billedUnits, 3.25, "the answer's duration wins over the file's");
    const translated = await client.audio.translations.create({ model: "whisper", file });
    assert.match(translated.text, /^Transcript of short\.wav/);
    assert.equal(gw.mock.callsFor("whisper-1").at(-1)!.path, "/v1/audio/translations");
  });

  it("streams speech to a file, fails over before the first byte, bills characters", async () => {
    gw.mock.setBehavior("tts-down", { status: 500 });
    gw.mock.setBehavior("tts-1", { chunkDelayMs: 20 });
    const input = "The quick brown fox jumps over the lazy dog.";
    const { data, response } = await client.audio.speech
      .create({ model: "voice", input, voice: "alloy", response_format: "wav" })
      .withResponse();
    assert.equal(data.headers.get("content-type"), "audio/wav");
    const path = join(dir, "speech.wav");
    await pipeline(Readable.fromWeb(data.body as WebReadableStream<Uint8Array>), createWriteStream(path));
    assert.deepEqual(await readFile(path), Buffer.concat(speechPieces({})));
    const sent = gw.mock.callsFor("tts-1").at(-1)!;
    assert.deepEqual(sent.body, { model: "tts-1", input, voice: "alloy", response_format: "wav" });
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual(
      [row.api, row.providerName, row.status, row.billedUnit, row.billedUnits],
      ["audio.speech", "tts-1", 200, "character", input.length],
    );
    assert.ok(Math.abs(row.cost - (input.length * 15) / 1e6) < 1e-12, `cost ${row.cost}`);
  });

  it("cuts speech when the provider drops mid-stream, and aborts the provider when the client leaves", async () => {
    gw.mock.setBehavior("tts-down", { resetAfterChunks: 2 });
    const broken = await fetch(`${gw.baseUrl}/v1/audio/speech`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "voice", input: "Hi", voice: "alloy" }),
    });
    assert.equal(broken.status, 200, "committed on the first byte");
    await assert.rejects(broken.arrayBuffer());
    const row = await waitForLogRow(gw.db, broken.headers.get("x-request-id")!);
    assert.equal(row.isIncomplete, true);
    assert.equal(gw.mock.callsFor("tts-1").length, 0, "no failover after the first byte");

    gw.mock.setBehavior("tts-down", { chunkDelayMs: 200, chunks: Array.from({ length: 30 }, () => "x".repeat(512)) });
    const controller = new AbortController();
    const left = await fetch(`${gw.baseUrl}/v1/audio/speech`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "voice", input: "Hi", voice: "alloy" }),
      signal: controller.signal,
    });
    await left.body!.getReader().read();
    controller.abort();
    const call = gw.mock.callsFor("tts-down").at(-1)!;
    await gw.mock.waitFor(
      () => call.closedAt !== null,
      5_000,
      () => "the upstream speech request to be closed",
    );
    assert.equal(call.aborted, true);
    assert.equal((await waitForLogRow(gw.db, left.headers.get("x-request-id")!)).status, 499);
  });

  it("edits an image (multipart), fails over, and bills per image", async () => {
    gw.mock.setBehavior("edit-down", { status: 502 });
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const { data, response } = await client.images
      .edit({ model: "painter", image: await toFile(png, "cat.png", { type: "image/png" }), prompt: "Add a hat", n: 2 })
      .withResponse();
    assert.equal(data.data?.length, 2);
    const call = gw.mock.callsFor("gpt-image-1").at(-1)!;
    assert.equal(call.path, "/v1/images/edits");
    assert.equal((call.body as { image: { sha256: string } }).image.sha256, sha256(png));
    const row = await waitForLogRow(gw.db, response.headers.get("x-request-id")!);
    assert.deepEqual([row.api, row.billedUnit, row.billedUnits], ["images.edits", "image", 2]);
    assert.ok(Math.abs(row.cost - 0.08) < 1e-12, `cost ${row.cost}`);
  });

  it("refuses bad uploads with clear errors before any provider is called", async () => {
    const json = await gw.send("POST", "/v1/audio/transcriptions", JSON.stringify({ model: "whisper" }), { key });
    assert.match(assertErrorShape(json, 400, "invalid_request").message, /multipart\/form-data/);

    const form = new FormData();
    form.set("model", "whisper");
    const noFile = await fetch(`${gw.baseUrl}/v1/audio/transcriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    assert.equal(noFile.status, 400);
    assert.equal(((await noFile.json()) as { error: { param: string } }).error.param, "file");

    const boundary = "----gatewaytest";
    const piece = Buffer.alloc(16_384, 0x41);
    const tooLarge = await rawPost(
      `${gw.baseUrl}/v1/audio/transcriptions`,
      {
        authorization: `Bearer ${key}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "transfer-encoding": "chunked",
      },
      async (send) => {
        send(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n`));
        send(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n\r\n`));
        for (let sent = 0; sent < LIMIT * 3; sent += piece.length) if (!send(piece)) return;
      },
    );
    assertErrorShape(tooLarge, 413, "request_too_large");

    await assert.rejects(
      client.audio.transcriptions.create({ model: "chatty", file: await toFile(wavFile(0.1), "a.wav") }),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.match(error.message, /serves audio\.transcriptions/);
        return true;
      },
    );
    const unknown = await gw.send("POST", "/v1/audio/unknown", "{}", { key });
    assertErrorShape(unknown, 404, "route_not_found");
    assert.equal(gw.mock.callCount, 0, "no provider was called");
  });
});
