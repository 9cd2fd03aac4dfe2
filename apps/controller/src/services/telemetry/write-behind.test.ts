import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@weft/test-kit";
import { createPrismaTelemetryRepository } from "../../storage/prisma/telemetry-repository";
import { LATENCY_SLOTS, REQUESTS, type SeriesKey } from "./record";
import { createTelemetryStore } from "./store";
import { createWriteBehind } from "./write-behind";

const T0 = 1_800_000_000 - (1_800_000_000 % 60);
const key: SeriesKey = { direction: "outbound", source: "storefront.default", target: "reviews.default", targetVersion: "v1", route: "default" };
const limits = { maxSeries: 100, maxSecondRecords: 10_000, maxMinuteRecords: 10_000 };
const delta = (requests: number) => ({ requests, failures: 0, durationSumMs: 0, requestBytes: 0, responseBytes: 0, latency: new Array(LATENCY_SLOTS).fill(0), reason: -1 });
let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

it("keeps what it could not write and writes it at the next flush, logging the outage once", async () => {
  const warnings: string[] = [];
  const log = { warn: (_: object, msg: string) => void warnings.push(msg), info: () => {} };
  const store = createTelemetryStore(limits, T0);
  const wb = createWriteBehind({ store, repository: createPrismaTelemetryRepository(database.db), replica: "r1", log });
  store.add(T0, key, delta(3));

  await database.db.$executeRawUnsafe('ALTER TABLE "TelemetrySecond" RENAME TO "TelemetrySecondAway"');
  await wb.flush(T0 + 5);
  await wb.flush(T0 + 10);
  expect(wb.failing()).toBe(true);
  expect(warnings).toEqual(["could not persist telemetry; keeping it in memory and retrying"]);

  await database.db.$executeRawUnsafe('ALTER TABLE "TelemetrySecondAway" RENAME TO "TelemetrySecond"');
  await wb.flush(T0 + 15);
  expect(wb.failing()).toBe(false);
  expect(await database.db.telemetrySecond.count()).toBe(1);

  // What was written is what a restarted store reads back.
  const restored = createTelemetryStore(limits, T0 + 20);
  await createWriteBehind({ store: restored, repository: createPrismaTelemetryRepository(database.db), replica: "r1" }).restore(T0 + 20, limits);
  let requests = 0;
  restored.scan(T0, T0 + 20, () => true, (_s, _w, _k, data, offset) => void (requests += data[offset + REQUESTS]!));
  expect(requests).toBe(3);
  // Another replica's rows are its own.
  const other = createTelemetryStore(limits, T0 + 20);
  await createWriteBehind({ store: other, repository: createPrismaTelemetryRepository(database.db), replica: "r2" }).restore(T0 + 20, limits);
  expect(other.sizes().secondRecords).toBe(0);
});
