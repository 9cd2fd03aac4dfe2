// @weft/test-kit: real things for tests on loopback — upstream servers, databases, a fake clock.
export * from "./repo";
export * from "./temp-db";
export * from "./echo-server";
export * from "./fake-clock";
export * from "./ads-test-server";
export * from "./otlp-test-receiver";
export * from "./test-ca";
